//! The gossip core: a deterministic, sans-IO simulation of transaction relay.
//!
//! Nothing here does I/O, reads a clock or draws ambient randomness, and no
//! web crate is imported: inputs are edits and broadcasts at a virtual time,
//! outputs are deliveries, metrics and a hop-by-hop trace. It compiles
//! natively and to wasm32.

pub mod latency;
pub mod network;
pub mod rng;
pub mod time;
