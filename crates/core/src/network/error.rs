//! What can go wrong building or analysing a graph: each variant names the input at fault.

/// An input the network analysis cannot use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetworkError {
    #[error("edge {source_node:?} → {target_node:?}: weight {weight} is not a finite number ≥ 0")]
    BadWeight {
        source_node: String,
        target_node: String,
        weight: f64,
    },
    #[error("edge {source_node:?} → {target_node:?}: sentiment {sentiment} is not in [-1, 1]")]
    BadSentiment {
        source_node: String,
        target_node: String,
        sentiment: f64,
    },
    #[error("the graph has more than {max} nodes")]
    TooManyNodes { max: usize },
    #[error("parameter `{name}` = {value} is out of range: {expected}")]
    BadParameter {
        name: &'static str,
        value: f64,
        expected: &'static str,
    },
    #[error("{what} has {got} values for a graph of {n_nodes} nodes")]
    WrongLength {
        what: &'static str,
        got: usize,
        n_nodes: usize,
    },
}
