//! The one native integration-test binary: property tests of the core, policies, scenarios, CLI, repository rules.
#![cfg(not(target_arch = "wasm32"))]

mod cli;
mod front_ends;
mod guides;
mod harness;
mod policies;
mod properties;
mod scenario;
mod tidy;
