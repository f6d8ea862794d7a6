//! Pure data between the core and the screen: layout, the app's state and its actions, frame models.
//!
//! Nothing here touches the browser: it compiles and is tested natively, and
//! the Yew components in `ui` only dispatch actions to it and draw what it says.

pub mod autosave;
pub mod density;
pub mod explain;
pub mod format;
pub mod gesture;
pub mod guide;
pub mod hit;
pub mod keys;
pub mod layout;
pub mod lessons;
pub mod pacing;
pub mod palette;
pub mod peer_list;
pub mod plot;
pub mod presets;
pub mod raster;
pub mod rings;
pub mod saves;
pub mod share;
pub mod state;
pub mod svg;
pub mod viewport;
