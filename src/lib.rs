//! gossipscope: watch a transaction gossip across a blockchain's peer-to-peer network.
//!
//! - [`sim`]: the deterministic, sans-IO simulation core.

pub mod sim;
