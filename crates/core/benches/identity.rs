//! Identity resolution throughput: the demo company's seven exports resolved end to end
//! (ingested once, outside the timing), and re-clustering a kept fit at another threshold (what
//! the Customers view's slider costs). `cargo bench -p converge-core --bench identity`; the
//! comparison with recordlinkage and Splink is `cargo xtask bench resolve`.

// Criterion needs threads and a clock: natively only (wasm32 gets an empty main).
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::ops::ControlFlow;

    use converge_core::demo::{CompanyGenerator, DemoParams};
    use converge_core::identity::{map_identity_columns, Resolve, Source};
    use converge_core::ingest::{ingest, ReadOptions};
    use converge_core::schema::{detect, Overrides};
    use converge_core::table::Table;
    use criterion::{criterion_group, Criterion, Throughput};

    fn demo_tables(n_customers: usize) -> Vec<(String, Table)> {
        let company = CompanyGenerator::new(DemoParams {
            n_customers,
            ..DemoParams::default()
        })
        .finish();
        company
            .files
            .into_iter()
            .map(|file| {
                let table = ingest(
                    &file.name,
                    std::io::Cursor::new(file.bytes),
                    ReadOptions::default(),
                )
                .expect("the demo's files are readable")
                .table;
                (file.name, table)
            })
            .collect()
    }

    fn bench(c: &mut Criterion) {
        let mut group = c.benchmark_group("identity");
        group.sample_size(10);
        for n_customers in [1_000, 10_000] {
            let tables = demo_tables(n_customers);
            let sources: Vec<Source<'_>> = tables
                .iter()
                .map(|(name, table)| Source {
                    name: name.clone(),
                    table,
                    columns: map_identity_columns(
                        table,
                        &detect(table, &Overrides::default()),
                        None,
                    ),
                    recency: None,
                })
                .collect();
            let n_records: usize = tables.iter().map(|(_, t)| t.n_rows()).sum();
            group.throughput(Throughput::Elements(n_records as u64));
            group.bench_function(
                format!("resolve/demo/{n_customers} customers/{n_records} records"),
                |b| {
                    b.iter(|| {
                        Resolve::params()
                            .fit(&sources, |_| ControlFlow::Continue(()))
                            .expect("default parameters are valid")
                            .customers
                            .len()
                    })
                },
            );
            let kept = Resolve::params()
                .threshold(0.5)
                .fit(&sources, |_| ControlFlow::Continue(()))
                .expect("a threshold of 0.5 is valid");
            group.bench_function(
                format!("recluster/demo/{n_customers} customers/{n_records} records"),
                |b| {
                    b.iter(|| {
                        kept.recluster(&sources, 0.95, &[])
                            .expect("a threshold of 0.95 is valid")
                            .customers
                            .len()
                    })
                },
            );
        }
        group.finish();
    }

    criterion_group!(benches, bench);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
