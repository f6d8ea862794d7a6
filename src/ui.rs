//! The browser app's Yew components (wasm32 only): they dispatch commands and draw, nothing more.
//!
//! - [`app`]: the app component: the page's layout and its buttons' callbacks.
//! - [`shared`]: what the callbacks share; carrying out commands, saving, swapping networks.
//! - [`frame`]: the animation frame loop.
//! - [`pointer`]: the canvas's mouse and touch events, fed to the gesture machine.
//! - [`keys`]: keyboard shortcuts and the overlay that lists them.
//! - [`canvas`]: draws the network, messages in flight, flashes.
//! - [`controls`]: network choice, playback, editing, legend.
//! - [`crash`]: the panic hook: a visible message and a safe reload.
//! - [`deflate`]: share links' deflate and inflate, by the browser's own streams.
//! - [`inspector`]: the selected peer or link.
//! - [`lesson_panel`]: the lessons menu and the open lesson's narration.
//! - [`stats`]: reach, speed, cost, the coverage plot, who was left out.
//! - [`peer_list`]: every peer as a button, mirroring the canvas.
//! - [`save_panel`]: share link, export and import.
//! - [`events`]: reading form events.
//! - [`format`]: number formatting.
//! - [`storage`]: the URL fragment, autosave, downloads.
//!
//! All state and every decision live in [`crate::view`] and [`crate::sim`].

pub mod app;
pub mod canvas;
pub mod controls;
pub mod crash;
pub mod deflate;
pub mod events;
pub mod frame;
pub mod inspector;
pub mod keys;
pub mod lesson_panel;
pub mod peer_list;
pub mod pointer;
pub mod save_panel;
pub mod shared;
pub mod stats;
pub mod storage;

pub use app::App;
