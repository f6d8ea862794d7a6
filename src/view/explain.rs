//! Sentences for people about a run: why a peer never heard of a transaction.
//!
//! The core says why as data ([`UnreachedReason`], [`UnreachedWhy`]); the words live here.

use crate::sim::engine::{Simulation, TxId};
use crate::sim::metrics::{Blocker, UnreachedReason, UnreachedWhy};
use crate::sim::network::PeerId;

/// A phrase for a reason a peer was left out: "it is offline".
pub fn reason_phrase(reason: UnreachedReason) -> &'static str {
    match reason {
        UnreachedReason::Offline => "it is offline",
        UnreachedReason::NotReachedByPolicy => {
            "a relaying path exists, but the gossip did not take it"
        }
        UnreachedReason::BehindNonRelayingPeer => {
            "every path from the source passes through a censoring or light peer"
        }
        UnreachedReason::BehindOfflinePeer => {
            "every path from the source passes through an offline peer"
        }
        UnreachedReason::Partitioned => "no transaction-carrying link path joins it to the source",
    }
}

fn blocker_phrase(blocker: Blocker) -> &'static str {
    match blocker {
        Blocker::Offline => "offline",
        Blocker::Censoring => "censoring",
        Blocker::Light => "a light peer, which does not relay",
        Blocker::NotRelaying => "not passing it on",
    }
}

/// A sentence saying why a peer never received a transaction, naming the peers in the way
/// where there are some: "Every path from N0 to N17 passes through N4, which is censoring."
pub fn unreached_sentence(why: &UnreachedWhy) -> String {
    let UnreachedWhy {
        peer,
        source,
        reason,
        blockers,
    } = why;
    match blockers.as_slice() {
        [] => format!("{peer} never heard of it: {}.", reason_phrase(*reason)),
        [(one, blocker)] => format!(
            "Every path from {source} to {peer} passes through {one}, which is {}.",
            blocker_phrase(*blocker)
        ),
        many => format!(
            "Every path from {source} to {peer} passes through a peer that does not pass it on: {}.",
            many.iter()
                .map(|&(p, b)| format!("{p} ({})", blocker_phrase(b)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// [`unreached_sentence`] for `peer` and `tx` in `sim`; `None` if the peer has it.
pub fn explain_unreached(sim: &Simulation, tx: TxId, peer: PeerId) -> Option<String> {
    sim.why_unreached(tx, peer)
        .map(|why| unreached_sentence(&why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(reason: UnreachedReason, blockers: Vec<(PeerId, Blocker)>) -> UnreachedWhy {
        UnreachedWhy {
            peer: PeerId(3),
            source: PeerId(0),
            reason,
            blockers,
        }
    }

    #[test]
    fn sentences_name_the_peers_in_the_way() {
        assert_eq!(
            unreached_sentence(&why(
                UnreachedReason::BehindNonRelayingPeer,
                vec![(PeerId(1), Blocker::Censoring)]
            )),
            "Every path from N0 to N3 passes through N1, which is censoring."
        );
        assert_eq!(
            unreached_sentence(&why(
                UnreachedReason::BehindOfflinePeer,
                vec![(PeerId(1), Blocker::Offline), (PeerId(2), Blocker::Light)]
            )),
            "Every path from N0 to N3 passes through a peer that does not pass it on: \
             N1 (offline), N2 (a light peer, which does not relay)."
        );
        assert_eq!(
            unreached_sentence(&why(UnreachedReason::Offline, vec![])),
            "N3 never heard of it: it is offline."
        );
    }
}
