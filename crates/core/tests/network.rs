//! Network analysis against networkx on classic public graphs, and on the demo company.
//!
//! The fixtures in `tests/data/network/` were written by `make_reference.py` (networkx 3.6.1):
//! each graph's edge list, networkx's PageRank with its defaults, and the modularity of
//! `louvain_communities` for seeds 0–4. Ours must agree on PageRank to 1e-6 and be at least as
//! modular as the best of networkx's five runs.

use std::collections::HashMap;
use std::path::PathBuf;

use converge_core::network::{
    advocates, mentions, modularity, normalise_handle, Graph, GraphBuilder, Louvain, PageRank,
    SentimentInfluence,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/network")
        .join(name)
}

fn records(name: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(data(name))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

fn load(name: &str, undirected: bool) -> Graph {
    let mut builder = if undirected {
        GraphBuilder::undirected()
    } else {
        GraphBuilder::directed()
    };
    for row in records(&format!("{name}.csv")) {
        builder
            .add_edge(&row[0], &row[1], row[2].parse().unwrap())
            .unwrap();
    }
    builder.finish()
}

const GRAPHS: [(&str, bool); 5] = [
    ("karate", true),
    ("les_miserables", true),
    ("florentine_families", true),
    ("davis_southern_women", true),
    ("scale_free_directed", false),
];

#[test]
fn pagerank_agrees_with_networkx_to_1e_6() {
    for (name, undirected) in GRAPHS {
        let graph = load(name, undirected);
        let ours = PageRank::params().start(&graph).unwrap().run();
        assert!(ours.converged, "{name}");
        let index: HashMap<&str, usize> = graph
            .names()
            .iter()
            .enumerate()
            .map(|(idx, n)| (n.as_str(), idx))
            .collect();
        let reference = records(&format!("{name}.pagerank.csv"));
        assert_eq!(reference.len(), graph.n_nodes(), "{name}");
        let mut max_diff: f64 = 0.0;
        for row in &reference {
            let expected: f64 = row[1].parse().unwrap();
            let got = ours.scores[index[&row[0]]];
            max_diff = max_diff.max((got - expected).abs());
        }
        eprintln!(
            "{name}: {} nodes, PageRank in {} iterations, max |ours - networkx| = {max_diff:.2e}",
            graph.n_nodes(),
            ours.iterations
        );
        assert!(max_diff <= 1e-6, "{name}: {max_diff}");
        // Same iteration, same stopping rule: in fact equal up to rounding.
        assert!(max_diff <= 1e-12, "{name}: {max_diff}");
    }
}

#[test]
fn louvain_is_at_least_as_modular_as_networkx() {
    for (name, undirected) in GRAPHS {
        let graph = load(name, undirected);
        let theirs = records(&format!("{name}.louvain.csv"))
            .iter()
            .map(|row| row[1].parse::<f64>().unwrap())
            .fold(f64::NEG_INFINITY, f64::max);
        let ours = Louvain::params().seed(0).start(&graph).unwrap().run();
        eprintln!(
            "{name}: modularity ours {:.6} ({} communities), networkx best of 5 seeds {theirs:.6}",
            ours.modularity, ours.n_communities
        );
        assert!(ours.modularity >= theirs - 1e-12, "{name}");
        // The reported modularity is the partition's, recomputed independently.
        let recomputed = modularity(&graph, &ours.membership).unwrap();
        assert!((recomputed - ours.modularity).abs() < 1e-12);
        // Communities are numbered by decreasing size.
        let mut sizes = vec![0usize; ours.n_communities];
        for com in &ours.membership {
            sizes[*com as usize] += 1;
        }
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{name}: {sizes:?}");
    }
}

#[test]
fn networkx_modularity_of_a_given_partition_is_ours() {
    // Karate club, split by the club the members joined (networkx's `club` attribute): its
    // modularity by networkx.community.modularity with weights is 0.3582347140039447... for the
    // unweighted graph, which we rebuild with weight 1.
    let mut builder = GraphBuilder::undirected();
    for row in records("karate.csv") {
        builder.add_edge(&row[0], &row[1], 1.0).unwrap();
    }
    let graph = builder.finish();
    let officer = [
        9, 14, 15, 18, 20, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
    ];
    let membership: Vec<u32> = graph
        .names()
        .iter()
        .map(|name| u32::from(officer.contains(&name.parse::<u32>().unwrap())))
        .collect();
    let q = modularity(&graph, &membership).unwrap();
    assert!((q - 0.3582347140039447).abs() < 1e-12, "{q}");
}

#[test]
fn the_demo_influencers_rank_near_the_top() {
    use converge_core::demo::{CompanyGenerator, DemoParams};
    use converge_core::sentiment::Vader;
    let company = CompanyGenerator::new(DemoParams {
        n_customers: 2_000,
        ..DemoParams::default()
    })
    .finish();
    let posts = company
        .files
        .iter()
        .find(|file| file.name == "social_posts.ndjson")
        .unwrap();
    let vader = Vader::shared();
    let mut builder = GraphBuilder::directed();
    for line in String::from_utf8_lossy(&posts.bytes).lines() {
        let post: serde_json::Value = serde_json::from_str(line).unwrap();
        let author = normalise_handle(post["author"]["handle"].as_str().unwrap());
        let text = post["text"].as_str().unwrap();
        let sentiment = vader.score(text).compound;
        for handle in mentions(text) {
            builder
                .add_mention(&author, &normalise_handle(handle), 1.0, Some(sentiment))
                .unwrap();
        }
    }
    let graph = builder.finish();
    let pagerank = PageRank::params().start(&graph).unwrap().run().scores;
    let mut ranked: Vec<usize> = (0..graph.n_nodes()).collect();
    ranked.sort_by(|a, b| pagerank[*b].total_cmp(&pagerank[*a]));
    let influencers: Vec<String> = company
        .truth
        .influencers
        .iter()
        .map(|h| normalise_handle(h))
        .collect();
    assert!(!influencers.is_empty());
    // The brand first, then the planted influencers.
    let top: Vec<&str> = ranked[..influencers.len() + 1]
        .iter()
        .map(|idx| graph.names()[*idx].as_str())
        .collect();
    assert_eq!(top[0], "northwind_outdoor", "{top:?}");
    for influencer in &influencers {
        assert!(
            top.contains(&influencer.as_str()),
            "{influencer} not in {top:?}"
        );
    }
    let ranks = SentimentInfluence::new(&graph, &pagerank).unwrap().run();
    assert!(!advocates(&ranks, 10).is_empty());
}

/// Invariants on random graphs: whatever the edges, PageRank is a distribution that does not
/// depend on the order the edges came in, every node lands in exactly one community, and the
/// reported modularity is the partition's.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn edges() -> impl Strategy<Value = Vec<(u8, u8, u8)>> {
        proptest::collection::vec((0u8..30, 0u8..30, 0u8..4), 1..120)
    }

    fn build(edges: &[(u8, u8, u8)], undirected: bool) -> Graph {
        let mut builder = if undirected {
            GraphBuilder::undirected()
        } else {
            GraphBuilder::directed()
        };
        for (from, to, weight) in edges {
            builder
                .add_edge(&format!("n{from}"), &format!("n{to}"), f64::from(*weight))
                .unwrap();
        }
        builder.finish()
    }

    proptest! {
        #[test]
        fn pagerank_is_a_distribution_whatever_the_edge_order(
            edges in edges(),
            undirected in any::<bool>(),
        ) {
            let graph = build(&edges, undirected);
            let scores = PageRank::params().start(&graph).unwrap().run().scores;
            let total: f64 = scores.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-9, "{}", total);
            prop_assert!(scores.iter().all(|s| *s > 0.0));
            let mut reversed = edges.clone();
            reversed.reverse();
            let other = build(&reversed, undirected);
            let other_scores = PageRank::params().start(&other).unwrap().run().scores;
            for (idx, name) in graph.names().iter().enumerate() {
                let other_idx = other.names().iter().position(|n| n == name).unwrap();
                prop_assert!((scores[idx] - other_scores[other_idx]).abs() < 1e-12);
            }
            // Weighted degrees add up to the total weight either way.
            let out: f64 = graph.out_degree().iter().sum();
            let inward: f64 = graph.in_degree().iter().sum();
            prop_assert!((out - inward).abs() < 1e-9);
        }

        #[test]
        fn every_node_is_in_exactly_one_community(
            edges in edges(),
            undirected in any::<bool>(),
            seed in 0u64..1_000,
        ) {
            let graph = build(&edges, undirected);
            let found = Louvain::params().seed(seed).start(&graph).unwrap().run();
            prop_assert_eq!(found.membership.len(), graph.n_nodes());
            let mut sizes = vec![0usize; found.n_communities];
            for com in &found.membership {
                prop_assert!((*com as usize) < found.n_communities);
                sizes[*com as usize] += 1;
            }
            prop_assert!(sizes.iter().all(|size| *size > 0));
            prop_assert!(sizes.windows(2).all(|w| w[0] >= w[1]));
            let recomputed = modularity(&graph, &found.membership).unwrap();
            prop_assert!((recomputed - found.modularity).abs() < 1e-9);
            prop_assert!(found.modularity <= 1.0);
            // Never worse than everyone alone.
            let singletons: Vec<u32> = (0..graph.n_nodes() as u32).collect();
            prop_assert!(found.modularity >= modularity(&graph, &singletons).unwrap() - 1e-12);
            let again = Louvain::params().seed(seed).start(&graph).unwrap().run();
            prop_assert_eq!(found, again);
        }
    }
}
