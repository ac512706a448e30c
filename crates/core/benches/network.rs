//! Network analysis throughput on generated mention graphs (planted communities, hubs):
//! PageRank, Louvain and a layout step, at 10k, 100k and 1M edges.
//! `cargo bench -p converge-core --bench network`; the comparison with networkx is
//! `cargo xtask bench influence`.

// Criterion needs threads and a clock: natively only (wasm32 gets an empty main).
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use converge_core::network::{Graph, GraphBuilder, LayoutParams, Louvain, PageRank};
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// `n_edges` edges among `n_edges / 5` nodes in communities of 2,000, hubs first.
    fn mention_graph(n_edges: usize, seed: u64) -> Graph {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let n_nodes = (n_edges / 5).max(10) as u64;
        let size = n_nodes.min(2_000);
        let n_communities = n_nodes / size;
        let mut builder = GraphBuilder::directed();
        let ids: Vec<_> = (0..n_nodes)
            .map(|idx| builder.node(&format!("h{idx}")).unwrap())
            .collect();
        for _ in 0..n_edges {
            let source = rng.random_range(0..n_nodes);
            let community = if rng.random_bool(0.8) {
                (source / size).min(n_communities - 1)
            } else {
                rng.random_range(0..n_communities)
            };
            let member = ((size as f64) * rng.random::<f64>().powi(3)) as u64;
            let target = (community * size + member.min(size - 1)).min(n_nodes - 1);
            builder.add_edge_by_id(
                ids[source as usize],
                ids[target as usize],
                f64::from(rng.random_range(1..=5u8)),
            );
        }
        builder.finish()
    }

    fn bench(c: &mut Criterion) {
        let mut group = c.benchmark_group("network");
        group.sample_size(10);
        for n_edges in [10_000usize, 100_000, 1_000_000] {
            let graph = mention_graph(n_edges, 42);
            group.throughput(Throughput::Elements(n_edges as u64));
            group.bench_with_input(
                BenchmarkId::new("pagerank/tol=1e-6", n_edges),
                &graph,
                |b, graph| b.iter(|| PageRank::params().start(graph).unwrap().run().iterations),
            );
            if n_edges <= 100_000 {
                group.bench_with_input(
                    BenchmarkId::new("louvain/trials=1", n_edges),
                    &graph,
                    |b, graph| {
                        b.iter(|| {
                            Louvain::params()
                                .trials(1)
                                .start(graph)
                                .unwrap()
                                .run()
                                .n_communities
                        })
                    },
                );
                group.bench_with_input(
                    BenchmarkId::new("layout/one step", n_edges),
                    &graph,
                    |b, graph| {
                        let mut layout = LayoutParams::default().start(graph).unwrap();
                        b.iter(|| layout.step())
                    },
                );
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
