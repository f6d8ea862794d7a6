//! The `gossipscope` command-line tool: generate scenarios and simulate them, without a browser.
//!
//! Native only: its argument parser, progress bar and signal handling have no
//! place in wasm, where the binary is an empty stub so that workspace-wide
//! wasm32 builds and lints still pass.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
