//! The ids of peers, links and transactions: plain numbers with a type each.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A peer's id: stable for the peer's life and never given to another peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PeerId(pub u32);

impl PeerId {
    /// The id as an index into per-peer vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "N{}", self.0)
    }
}

/// A link's id: stable for the link's life and never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkId(pub u32);

impl LinkId {
    /// The id as an index into per-link vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A transaction's id within one run: 0 for the first broadcast, then 1, 2, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TxId(pub u32);

impl TxId {
    /// The id as an index into per-transaction vectors.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
