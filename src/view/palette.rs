//! The colours of peers, links and messages (Okabe-Ito: safe for colour-blind viewers), on screen and in exports.

use crate::sim::network::Role;

/// Full peers.
pub const FULL: &str = "#0072B2";
/// Light peers.
pub const LIGHT: &str = "#56B4E9";
/// Mining peers.
pub const MINING: &str = "#E69F00";
/// Archival peers.
pub const ARCHIVAL: &str = "#009E73";
/// Offline peers.
pub const OFFLINE: &str = "#9AA0A6";
/// Censoring peers' ring.
pub const CENSOR: &str = "#D55E00";
/// Single points of failure.
pub const CUT: &str = "#CC79A7";
/// A duplicate dropped: a brief grey ring.
pub const FLASH: &str = "#8A8F98";
/// Links.
pub const LINK: &str = "#C3CAD3";
/// Messages in flight, told apart by shape rather than colour (so none is
/// mistaken for a role or a state): transactions as filled dots,
/// announcements (INV) as hollow rings, requests (GETDATA) as small diamonds.
pub const MESSAGE: &str = "#000000";
/// Selection.
pub const SELECTED: &str = "#111111";
/// The source of the transaction.
pub const SOURCE: &str = "#F0E442";

/// The colour of a role.
pub fn role_colour(role: Role) -> &'static str {
    match role {
        Role::Full => FULL,
        Role::Light => LIGHT,
        Role::Mining => MINING,
        Role::Archival => ARCHIVAL,
    }
}
