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
/// Censoring peers' ring, and transaction bodies in flight.
pub const CENSOR: &str = "#D55E00";
/// Single points of failure.
pub const CUT: &str = "#CC79A7";
/// A duplicate dropped: a brief grey ring.
pub const FLASH: &str = "#8A8F98";
/// Links.
pub const LINK: &str = "#C3CAD3";
/// Announcements (INV) in flight.
pub const INV: &str = "#0072B2";
/// Requests (GETDATA) in flight.
pub const GETDATA: &str = "#009E73";
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
