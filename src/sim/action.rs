//! Actions: broadcasts and edits, applied to a running simulation at a virtual time.

use serde::{Deserialize, Serialize};

use crate::sim::network::{LinkKind, PeerId, PeerState, Role};

/// Something done to the network or its traffic at a point in virtual time.
///
/// Links are named by their two ends (either order), so a timeline reads the
/// same whatever order the links were made in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Action {
    /// A new transaction leaves `peer`.
    Broadcast { peer: PeerId },
    /// A new peer joins with the next free id.
    AddPeer {
        #[serde(default)]
        role: Role,
        #[serde(default = "yes")]
        reachable: bool,
    },
    /// The peer leaves with all its links.
    RemovePeer { peer: PeerId },
    /// `from` opens a link to `to`; without a latency, the scenario's model draws one.
    AddLink {
        from: PeerId,
        to: PeerId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_ms: Option<f64>,
        #[serde(default)]
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

fn yes() -> bool {
    true
}

impl Action {
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
