//! Actions: broadcasts and edits, applied to a running simulation at a virtual time.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Error;

use crate::sim::network::{LinkKind, PeerId, PeerState, Role};
use crate::sim::read::Fields;

/// Something done to the network or its traffic at a point in virtual time.
///
/// Links are named by their two ends (either order), so a timeline reads the
/// same whatever order the links were made in.
///
/// Written by serde's derive; read by [`Action::from_fields`] (see [`crate::sim::read`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// A new transaction leaves `peer`.
    Broadcast { peer: PeerId },
    /// A new peer joins with the next free id.
    AddPeer { role: Role, reachable: bool },
    /// The peer leaves with all its links.
    RemovePeer { peer: PeerId },
    /// `from` opens a link to `to`; without a latency, the scenario's model draws one.
    AddLink {
        from: PeerId,
        to: PeerId,
        #[serde(skip_serializing_if = "Option::is_none")]
        latency_ms: Option<f64>,
        kind: LinkKind,
    },
    /// The link between `a` and `b` goes away; messages on it are lost.
    RemoveLink { a: PeerId, b: PeerId },
    /// Online, offline (sends and receives nothing) or censoring (receives, never relays).
    SetState { peer: PeerId, state: PeerState },
    /// Changes what the peer does.
    SetRole { peer: PeerId, role: Role },
    /// Changes whether the peer accepts inbound links.
    SetReachable { peer: PeerId, reachable: bool },
    /// Changes a link's one-way latency.
    SetLatency {
        a: PeerId,
        b: PeerId,
        latency_ms: f64,
    },
    /// Changes the probability that a message over the link is lost.
    SetLoss { a: PeerId, b: PeerId, loss: f64 },
    /// Changes the time a peer takes to validate a transaction before relaying it.
    SetValidationDelay { peer: PeerId, ms: f64 },
}

/// The actions' names in JSON, in the order of [`Action`]'s variants.
const ACTIONS: &[&str] = &[
    "broadcast",
    "add-peer",
    "remove-peer",
    "add-link",
    "remove-link",
    "set-state",
    "set-role",
    "set-reachable",
    "set-latency",
    "set-loss",
    "set-validation-delay",
];

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Action, D::Error> {
        Fields::read(deserializer, |f| {
            let (action, rest) = Action::from_fields(f)?;
            rest.end(action)
        })
    }
}

impl Action {
    /// The action named by the field `action`, from its fields (as its `Serialize` writes
    /// them); the fields not taken are left in `f` (a timeline entry's time is one).
    pub fn from_fields(mut f: Fields) -> Result<(Action, Fields), Error> {
        let action = match f.tag("action")?.as_str() {
            "broadcast" => Action::Broadcast {
                peer: f.need("peer")?,
            },
            "add-peer" => Action::AddPeer {
                role: f.or("role", Role::default())?,
                reachable: f.or("reachable", true)?,
            },
            "remove-peer" => Action::RemovePeer {
                peer: f.need("peer")?,
            },
            "add-link" => Action::AddLink {
                from: f.need("from")?,
                to: f.need("to")?,
                latency_ms: f.or("latency_ms", None)?,
                kind: f.or("kind", LinkKind::default())?,
            },
            "remove-link" => Action::RemoveLink {
                a: f.need("a")?,
                b: f.need("b")?,
            },
            "set-state" => Action::SetState {
                peer: f.need("peer")?,
                state: f.need("state")?,
            },
            "set-role" => Action::SetRole {
                peer: f.need("peer")?,
                role: f.need("role")?,
            },
            "set-reachable" => Action::SetReachable {
                peer: f.need("peer")?,
                reachable: f.need("reachable")?,
            },
            "set-latency" => Action::SetLatency {
                a: f.need("a")?,
                b: f.need("b")?,
                latency_ms: f.need("latency_ms")?,
            },
            "set-loss" => Action::SetLoss {
                a: f.need("a")?,
                b: f.need("b")?,
                loss: f.need("loss")?,
            },
            "set-validation-delay" => Action::SetValidationDelay {
                peer: f.need("peer")?,
                ms: f.need("ms")?,
            },
            other => return Err(Error::unknown_variant(other, ACTIONS)),
        };
        Ok((action, f))
    }

    /// Whether it edits the network (every action does but a broadcast, which only starts
    /// a transaction on it).
    pub fn edits_network(&self) -> bool {
        !matches!(self, Action::Broadcast { .. })
    }

    /// Censors the peer: it still receives but never relays.
    pub fn censor(peer: PeerId) -> Action {
        Action::SetState {
            peer,
            state: PeerState::Censoring,
        }
    }

    /// Takes the peer offline.
    pub fn take_offline(peer: PeerId) -> Action {
        Action::SetState {
            peer,
            state: PeerState::Offline,
        }
    }

    /// Brings the peer back online (and stops it censoring).
    pub fn bring_online(peer: PeerId) -> Action {
        Action::SetState {
            peer,
            state: PeerState::Online,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_added_by_a_file_is_a_reachable_full_peer_unless_it_says_otherwise() {
        let parse = |json: &str| serde_json::from_str::<Action>(json).unwrap();
        assert_eq!(
            parse(r#"{"action": "add-peer"}"#),
            Action::AddPeer {
                role: Role::Full,
                reachable: true
            }
        );
        assert_eq!(
            parse(r#"{"action": "add-peer", "reachable": false, "role": "light"}"#),
            Action::AddPeer {
                role: Role::Light,
                reachable: false
            }
        );
    }
}
