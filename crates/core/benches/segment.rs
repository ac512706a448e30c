//! Segmentation speed: k-means (10 restarts) on generated blobs at 1k, 100k and 200k customers ×
//! 8 features, and RFM scoring of 100k customers. `cargo bench -p converge-core --bench segment`;
//! the comparison with scikit-learn is `cargo xtask bench cluster`.

// Criterion needs threads and a clock: natively only (wasm32 gets an empty main).
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use converge_core::segment::kmeans::KMeans;
    use converge_core::segment::rfm::RfmBuilder;
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// `n` rows of `d` features around 8 centres, overlapping a little.
    fn blobs(n: usize, d: usize) -> Array2<f64> {
        let mut rng = Pcg64Mcg::seed_from_u64(42);
        let centres: Vec<f64> = (0..8 * d).map(|_| rng.random_range(-5.0..5.0)).collect();
        let mut values = Vec::with_capacity(n * d);
        for _ in 0..n {
            let blob = rng.random_range(0..8);
            for f in 0..d {
                let noise: f64 = (0..3).map(|_| rng.random_range(-1.0..1.0)).sum();
                values.push(centres[blob * d + f] + noise);
            }
        }
        Array2::from_shape_vec((n, d), values).expect("n × d values")
    }

    fn bench(c: &mut Criterion) {
        let mut group = c.benchmark_group("segment");
        group.sample_size(10);
        for n in [1_000, 100_000, 200_000] {
            let data = blobs(n, 8);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_function(
                BenchmarkId::new("kmeans/k=8/n_init=10", format!("{n}x8")),
                |b| {
                    b.iter(|| {
                        KMeans::params(8)
                            .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(0))
                            .expect("valid data")
                            .inertia
                    })
                },
            );
        }
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let orders: Vec<(String, i64, f64)> = (0..400_000)
            .map(|_| {
                (
                    format!("C{:06}", rng.random_range(0..100_000)),
                    20_000 + rng.random_range(0..365),
                    rng.random_range(5.0..200.0),
                )
            })
            .collect();
        group.throughput(Throughput::Elements(orders.len() as u64));
        group.bench_function("rfm/400000 orders", |b| {
            b.iter(|| {
                let mut builder = RfmBuilder::new();
                for (customer, day, amount) in &orders {
                    builder.add_order(customer, *day, *amount).expect("finite");
                }
                builder.finish(None).expect("orders").customers.len()
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
