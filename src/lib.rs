//! gossipscope: watch a transaction gossip across a blockchain's peer-to-peer network.
//!
//! - [`sim`]: the deterministic, sans-IO simulation core.
//! - [`view`]: pure data between core and screen (layout, app state, frames).
//! - `ui`: the browser app's Yew components (wasm32 only).

pub mod sim;
pub mod view;

/// The browser app's Yew components; built for wasm32 only.
#[cfg(target_arch = "wasm32")]
pub mod ui;
