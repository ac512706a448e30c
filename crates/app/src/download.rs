//! Handing the user a file the worker made: a Blob, an object URL and a click.

use wasm_bindgen::JsCast;

/// Offers `text` as a UTF-8 CSV download named `file_name`. The byte-order mark makes
/// spreadsheets read accents correctly.
pub fn save_text(file_name: &str, text: &str) -> Result<(), String> {
    let describe = |err: wasm_bindgen::JsValue| format!("{err:?}");
    let parts = js_sys::Array::of2(&"\u{feff}".into(), &text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(if file_name.ends_with(".json") {
        "application/json;charset=utf-8"
    } else {
        "text/csv;charset=utf-8"
    });
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).map_err(describe)?;
    Ok(())
}
