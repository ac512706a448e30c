//! Sentiment-aware influence: who speaks for the brand, who against it, and how far it carries.
//!
//! Definitions (plain on purpose, so a marketer can check them by hand):
//!
//! - **tone** of a node: the mean sentiment of the mentions it *made* (its outgoing edges that
//!   carry a sentiment), weighted by edge weight. In [-1, 1]; `None` if it said nothing scored.
//! - **reach** of a node: how many others are within two hops of listening to it, i.e. the
//!   distinct nodes that mention it, or mention someone who mentions it (its in-neighbours and
//!   theirs, itself excluded). Undirected graphs count neighbours within two hops.
//! - **net reach** = tone × reach: how many people, signed, the node's voice can carry to.
//! - **advocates**: nodes with tone ≥ +0.05 (VADER's threshold for positive), by net reach
//!   descending, ties by PageRank; **detractors**: tone ≤ −0.05, by net reach ascending (most
//!   negative first), ties by PageRank.
//!
//! Reach is counted only for nodes with a tone (others can be neither advocate nor detractor),
//! in steps of a few nodes so a worker can report progress: a hub's two-hop neighbourhood can be
//! most of the graph.

use std::ops::ControlFlow;

use super::{Graph, NetworkError, NodeId};

/// A tone at least this far from zero counts (VADER's compound threshold).
pub const TONE_THRESHOLD: f64 = 0.05;

/// One node's sentiment-aware influence.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InfluenceRank {
    pub node: NodeId,
    pub tone: f64,
    pub reach: u32,
    pub net_reach: f64,
    pub pagerank: f64,
}

/// Computes [`InfluenceRank`]s step by step; see the module docs.
/// It holds its own copy of the in-edges, so a worker can keep it between messages.
#[derive(Debug, Clone)]
pub struct SentimentInfluence {
    in_offsets: Vec<u32>,
    in_sources: Vec<u32>,
    tone: Vec<Option<f64>>,
    pagerank: Vec<f64>,
    speakers: Vec<NodeId>,
    next: usize,
    seen_stamp: Vec<u32>,
    ranks: Vec<InfluenceRank>,
}

impl SentimentInfluence {
    /// Prepares the computation; `pagerank` holds one score per node.
    pub fn new(graph: &Graph, pagerank: &[f64]) -> Result<SentimentInfluence, NetworkError> {
        if pagerank.len() != graph.n_nodes() {
            return Err(NetworkError::WrongLength {
                what: "pagerank",
                got: pagerank.len(),
                n_nodes: graph.n_nodes(),
            });
        }
        let speakers = graph
            .tone()
            .iter()
            .enumerate()
            .filter(|(_, tone)| tone.is_some())
            .map(|(idx, _)| NodeId(idx as u32))
            .collect();
        let (in_offsets, in_sources, _) = graph.in_csr();
        Ok(SentimentInfluence {
            in_offsets: in_offsets.to_vec(),
            in_sources: in_sources.to_vec(),
            tone: graph.tone().to_vec(),
            pagerank: pagerank.to_vec(),
            speakers,
            next: 0,
            seen_stamp: vec![u32::MAX; graph.n_nodes()],
            ranks: Vec::new(),
        })
    }

    /// Counts the reach of up to `max_nodes` more speakers. Breaks when all are done.
    pub fn step(&mut self, max_nodes: usize) -> ControlFlow<()> {
        let end = (self.next + max_nodes).min(self.speakers.len());
        for idx in self.next..end {
            let node = self.speakers[idx];
            let stamp = idx as u32;
            self.seen_stamp[node.0 as usize] = stamp;
            let mut reach = 0u32;
            let listeners = |node: u32| {
                let idx = node as usize;
                &self.in_sources[self.in_offsets[idx] as usize..self.in_offsets[idx + 1] as usize]
            };
            for &listener in listeners(node.0) {
                let slot = &mut self.seen_stamp[listener as usize];
                if *slot != stamp {
                    *slot = stamp;
                    reach += 1;
                }
                for &second in listeners(listener) {
                    let slot = &mut self.seen_stamp[second as usize];
                    if *slot != stamp {
                        *slot = stamp;
                        reach += 1;
                    }
                }
            }
            let tone = self.tone[node.0 as usize].unwrap_or(0.0);
            self.ranks.push(InfluenceRank {
                node,
                tone,
                reach,
                net_reach: tone * f64::from(reach),
                pagerank: self.pagerank[node.0 as usize],
            });
        }
        self.next = end;
        if self.next >= self.speakers.len() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    pub fn fraction_done(&self) -> f32 {
        if self.speakers.is_empty() {
            1.0
        } else {
            self.next as f32 / self.speakers.len() as f32
        }
    }

    /// Runs to the end and returns every speaker's rank.
    pub fn run(mut self) -> Vec<InfluenceRank> {
        while self.step(1024).is_continue() {}
        self.ranks
    }
}

/// The `n` strongest advocates among `ranks` (see the module docs).
pub fn advocates(ranks: &[InfluenceRank], n: usize) -> Vec<InfluenceRank> {
    let mut chosen: Vec<InfluenceRank> = ranks
        .iter()
        .filter(|rank| rank.tone >= TONE_THRESHOLD)
        .copied()
        .collect();
    chosen.sort_by(|a, b| {
        b.net_reach
            .total_cmp(&a.net_reach)
            .then(b.pagerank.total_cmp(&a.pagerank))
            .then(a.node.cmp(&b.node))
    });
    chosen.truncate(n);
    chosen
}

/// The `n` strongest detractors among `ranks` (see the module docs).
pub fn detractors(ranks: &[InfluenceRank], n: usize) -> Vec<InfluenceRank> {
    let mut chosen: Vec<InfluenceRank> = ranks
        .iter()
        .filter(|rank| rank.tone <= -TONE_THRESHOLD)
        .copied()
        .collect();
    chosen.sort_by(|a, b| {
        a.net_reach
            .total_cmp(&b.net_reach)
            .then(b.pagerank.total_cmp(&a.pagerank))
            .then(a.node.cmp(&b.node))
    });
    chosen.truncate(n);
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{GraphBuilder, PageRank};

    /// fan1, fan2 and fan3 mention `happy` (who praises the brand); nobody mentions `grumpy`
    /// except `troll`, whom `fan3` mentions; `grumpy` complains about the brand.
    fn hand_made() -> Graph {
        let mut builder = GraphBuilder::directed();
        for fan in ["fan1", "fan2", "fan3"] {
            builder.add_mention(fan, "happy", 1.0, Some(0.2)).unwrap();
        }
        builder
            .add_mention("happy", "brand", 1.0, Some(0.8))
            .unwrap();
        builder
            .add_mention("happy", "brand", 1.0, Some(0.6))
            .unwrap();
        builder
            .add_mention("grumpy", "brand", 2.0, Some(-0.9))
            .unwrap();
        builder
            .add_mention("troll", "grumpy", 1.0, Some(-0.3))
            .unwrap();
        builder.add_edge("fan3", "troll", 1.0).unwrap();
        builder
            .add_mention("meh", "brand", 1.0, Some(0.01))
            .unwrap();
        builder.finish()
    }

    #[test]
    fn tone_reach_and_net_reach_by_hand() {
        let graph = hand_made();
        let pagerank = PageRank::params().start(&graph).unwrap().run().scores;
        let ranks = SentimentInfluence::new(&graph, &pagerank).unwrap().run();
        let find = |name: &str| {
            let idx = graph.names().iter().position(|n| n == name).unwrap();
            *ranks.iter().find(|r| r.node.0 as usize == idx).unwrap()
        };
        let happy = find("happy");
        assert!((happy.tone - 0.7).abs() < 1e-12);
        assert_eq!(happy.reach, 3); // fan1, fan2, fan3
        assert!((happy.net_reach - 2.1).abs() < 1e-12);
        let grumpy = find("grumpy");
        assert_eq!((grumpy.tone, grumpy.reach), (-0.9, 2)); // troll, and fan3 through troll
        let fan1 = find("fan1");
        assert_eq!((fan1.reach, fan1.net_reach), (0, 0.0));

        let names = |chosen: Vec<InfluenceRank>| -> Vec<String> {
            chosen
                .iter()
                .map(|r| graph.name(r.node).unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            names(advocates(&ranks, 2)),
            ["happy", "fan1"],
            "fans have no reach and the same PageRank: the first fan added comes next"
        );
        assert_eq!(names(detractors(&ranks, 5)), ["grumpy", "troll"]);
        // `meh` is neither.
        assert!(!names(advocates(&ranks, 10)).contains(&"meh".to_owned()));
    }

    #[test]
    fn pagerank_of_the_wrong_length_is_refused() {
        let graph = hand_made();
        assert!(SentimentInfluence::new(&graph, &[0.5]).is_err());
    }
}
