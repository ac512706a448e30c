//! One generated customer base, resolved and scored against its truth, for iterating on the
//! identity model quickly:
//!
//! ```text
//! cargo run --release -p converge-core --example traps -- [shape] [people] [seed] [threads]
//! ```
//!
//! `shape` is `common-names` (default) or `households`; `people` defaults to 4,000 and `seed` to
//! 1; `threads` to every core. Prints how the files were mapped, then the same line as
//! `tests/identity_traps.rs`'s table (precision, recall, F1 and largest customer, of exact
//! identifiers alone and of the fit) and the time taken to generate and to fit.

#[path = "../tests/support/traps.rs"]
mod traps;

use std::process::ExitCode;

use converge_core::demo::{BaseShape, CustomerBaseParams};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shape_label = args.first().map_or("common-names", String::as_str);
    let Some(shape) = BaseShape::from_label(shape_label) else {
        eprintln!("unknown shape {shape_label:?}: common-names or households");
        return ExitCode::from(2);
    };
    let number = |idx: usize, default: u64| -> Result<u64, String> {
        args.get(idx).map_or(Ok(default), |text| {
            text.parse()
                .map_err(|_| format!("not a whole number: {text:?}"))
        })
    };
    let (n_people, seed, n_threads) = match (
        number(1, 4_000),
        number(2, 1),
        number(3, traps::all_threads() as u64),
    ) {
        (Ok(n_people), Ok(seed), Ok(n_threads)) => (n_people as usize, seed, n_threads as usize),
        (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => {
            eprintln!("{err}\nusage: traps [common-names|households] [people] [seed] [threads]");
            return ExitCode::from(2);
        }
    };
    let params = CustomerBaseParams::new(shape, n_people, seed);
    let base = params.generate();
    let files = traps::read_base(&base);
    for line in traps::describe_mapping(&traps::sources(&files)) {
        eprintln!("{line}");
    }
    drop(files);
    let run = traps::run_params(&params, n_threads.max(1));
    eprintln!("{}", traps::TABLE_HEADER);
    eprintln!("{}", traps::table_line(&run));
    eprintln!(
        "{} records of {} people in {} households; generated in {:.2} s, fit in {:.2} s on {} threads",
        run.n_records, run.n_people, run.n_households, run.generate_seconds, run.fit_seconds, n_threads.max(1)
    );
    ExitCode::SUCCESS
}
