//! The demo company converged into customers inside a real dedicated worker, as the Customers
//! view asks for it: overview, search, a customer 360 and a threshold change.
#![cfg(target_arch = "wasm32")]

use std::ops::ControlFlow;

use converge_wasm::service::{DemoJob, Service, Step};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn the_demo_converges_in_the_worker_and_a_customer_spans_three_sources() {
    let mut job = DemoJob::new(500).unwrap();
    let imported = loop {
        if let Step::Finished(done) = job.step().unwrap() {
            break done;
        }
    };
    let mut service = Service::default();
    for ingested in imported {
        service.add(ingested);
    }
    let mut progress = Vec::new();
    let overview = service
        .converge(0.9, |fraction| {
            progress.push(fraction);
            ControlFlow::Continue(())
        })
        .unwrap();
    assert!(progress.len() > 3 && progress.windows(2).all(|w| w[0] <= w[1]));
    assert!(overview.n_customers > 0 && overview.n_customers < overview.n_records / 2);
    let top = service.customer_list("", 0, 1).unwrap().customers[0].clone();
    assert!(top.sources.len() >= 3, "{top:?}");
    let customer = service.customer_360(top.id).unwrap();
    assert!(customer.sources.len() >= 3);
    assert!(!customer.links.is_empty());
    let stricter = service.set_match_threshold(0.999).unwrap();
    assert!(stricter.n_customers >= overview.n_customers);
}
