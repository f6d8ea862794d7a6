//! End-to-end tests: the built app (dist/, from `trunk build --release --offline`) in headless Chromium, driven from native Rust.
//!
//! `cargo test --test e2e` builds dist/ first when it is missing or older than
//! the sources, serves it on 127.0.0.1, starts chromedriver (`$CHROMEDRIVER`,
//! else /usr/bin/chromedriver) and gives each test its own Chromium session
//! (`$CHROMIUM`, else /usr/bin/chromium). Screenshots land in
//! target/screenshots/, chromedriver's log in target/e2e/.
//!
//! - `app`: the interactive app's flows (issue 3), through its test contract
//!   of `data-testid`s and peer list attributes.
//! - `lessons`: every lesson's "Do it" path, and lesson 3 peer by peer (issue 4).
//! - `server`: the harness's static file server, without a browser.
//! - `share`: no lost work (issue 4): share links, export and import, autosave, bad input.
#![cfg(not(target_arch = "wasm32"))]

mod app;
mod harness;
mod lessons;
mod server;
mod share;
