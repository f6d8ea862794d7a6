//! The browser app's Yew components (wasm32 only): for now a placeholder page that runs the core and shows its numbers.
//!
//! - [`app`]: the page: a form (peers, seed, relay policy) and the results of one run.
//! - [`stats`]: the results panel.
//! - [`run`]: turns the form into core inputs, runs the core, times it with the browser's clock.
//! - [`format`]: number formatting.
//!
//! The UI holds no simulation logic: everything it shows comes from [`crate::sim`].

pub mod app;
pub mod format;
pub mod run;
pub mod stats;

pub use app::{App, AppProps};
