//! The one native integration-test binary: property tests of the core, policies, scenarios, CLI, repository rules.

mod harness;
mod policies;
mod properties;
