//! The gossip core: a deterministic, sans-IO simulation of transaction relay.
//!
//! Nothing here does I/O, reads a clock or draws ambient randomness, and no
//! web crate is imported: inputs are edits and broadcasts at a virtual time,
//! outputs are deliveries, metrics and a hop-by-hop trace. It compiles
//! natively and to wasm32.

pub mod action;
pub mod caps;
pub mod chunked;
pub mod engine;
pub mod error;
pub mod eviction;
pub mod generate;
pub mod graph;
pub mod id;
pub mod join;
pub mod latency;
pub mod metrics;
pub mod network;
pub mod queue;
pub mod read;
pub mod relay;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod time;
pub mod trace;
