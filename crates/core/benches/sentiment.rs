//! Sentiment throughput: VADER scores (and full explanations) for the differential test's
//! 6,000 sentences. `cargo bench -p converge-core --bench sentiment`; the comparison with the
//! Python package is `cargo xtask bench sentiment`.

// Criterion needs threads and a clock: natively only (wasm32 gets an empty main).
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use converge_core::sentiment::Vader;
    use criterion::{criterion_group, Criterion, Throughput};

    fn sentences() -> Vec<String> {
        include_str!("../../../tests/data/sentiment/vader_reference.tsv")
            .lines()
            .filter_map(|line| line.rsplitn(5, '\t').nth(4))
            .map(str::to_owned)
            .collect()
    }

    fn bench(c: &mut Criterion) {
        let texts = sentences();
        let vader = Vader::shared();
        let mut group = c.benchmark_group("sentiment");
        group.throughput(Throughput::Elements(texts.len() as u64));
        group.bench_function("vader/score/6000 texts", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|text| vader.score(text).compound)
                    .sum::<f64>()
            })
        });
        group.bench_function("vader/explain/6000 texts", |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|text| vader.explain(text).contributions.len())
                    .sum::<usize>()
            })
        });
        group.finish();
    }

    criterion_group!(benches, bench);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
