//! Ingestion throughput: the whole pipeline (parse, infer types, convert, summarise) on generated
//! orders exports of several sizes, as CSV and as JSON Lines.
//!
//! `cargo bench -p converge-core --bench ingest`. The side-by-side comparison with pandas, polars
//! and PapaParse is `cargo xtask bench ingest`.

// Criterion needs threads and a clock: the bench exists natively only (wasm32 gets an empty main so
// `cargo clippy --target wasm32-unknown-unknown --all-targets` still builds).
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::io::Cursor;

    use converge_core::ingest::{ingest, ReadOptions};
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};

    fn orders_csv(n_rows: usize) -> Vec<u8> {
        let mut out = String::from("order_id,email,amount,order_date,channel,note\n");
        for i in 0..n_rows {
            out.push_str(&format!(
                "O{i:08},customer{}@example.com,{}.{:02},2025-{:02}-{:02},{},\"{}\"\n",
                i % 50_000,
                i % 500,
                i % 100,
                1 + i % 12,
                1 + i % 28,
                ["web", "app", "store"][i % 3],
                if i.is_multiple_of(7) {
                    "gift, wrapped \"\"nicely\"\""
                } else {
                    ""
                },
            ));
        }
        out.into_bytes()
    }

    fn orders_ndjson(n_rows: usize) -> Vec<u8> {
        let mut out = String::new();
        for i in 0..n_rows {
            out.push_str(&format!(
                "{{\"order_id\":\"O{i:08}\",\"customer\":{{\"email\":\"customer{}@example.com\"}},\"amount\":{}.{:02},\"channel\":\"{}\"}}\n",
                i % 50_000,
                i % 500,
                i % 100,
                ["web", "app", "store"][i % 3],
            ));
        }
        out.into_bytes()
    }

    fn bench(c: &mut Criterion) {
        let mut group = c.benchmark_group("ingest");
        group.sample_size(10);
        for n_rows in [1_000, 100_000] {
            for (format, bytes) in [
                ("csv", orders_csv(n_rows)),
                ("ndjson", orders_ndjson(n_rows)),
            ] {
                group.throughput(Throughput::Bytes(bytes.len() as u64));
                let id = BenchmarkId::new(format!("{format}/orders"), format!("{n_rows}x6"));
                group.bench_with_input(id, &bytes, |b, bytes| {
                    b.iter(|| {
                        let name = format!("orders.{format}");
                        ingest(&name, Cursor::new(bytes.clone()), ReadOptions::default())
                            .expect("generated data reads")
                    })
                });
            }
        }
        group.finish();
    }

    criterion_group!(benches, bench);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
