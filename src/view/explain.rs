//! Sentences for people about a run: why a peer never heard of a transaction.
//!
//! The core says why as data ([`UnreachedReason`], [`UnreachedWhy`]); the words live here.

use crate::sim::engine::{Simulation, TxId};
use crate::sim::metrics::{Blocker, UnreachedReason, UnreachedWhy};
use crate::sim::network::{Network, PeerId};

/// A phrase for a reason a peer was left out: "it is offline".
pub fn reason_phrase(reason: UnreachedReason) -> &'static str {
    match reason {
        UnreachedReason::Offline => "it is offline",
        UnreachedReason::NotReachedByPolicy => {
            "a relaying path exists, but the gossip did not take it"
        }
        UnreachedReason::BehindNonRelayingPeer => {
            "every online path from the source passes through a censoring or light peer"
        }
        UnreachedReason::BehindOfflinePeer => {
            "every path from the source passes through an offline peer"
        }
        UnreachedReason::NoLinks => "it has no links at all",
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
    // Behind a censoring or light peer, the paths that count are those over online peers.
    let paths = match reason {
        UnreachedReason::BehindNonRelayingPeer => "Every online path",
        _ => "Every path",
    };
    match blockers.as_slice() {
        [] => format!("{peer} never heard of it: {}.", reason_phrase(*reason)),
        [(one, blocker)] => format!(
            "{paths} from {source} to {peer} passes through {one}, which is {}.",
            blocker_phrase(*blocker)
        ),
        many => format!(
            "{paths} from {source} to {peer} passes through a peer that does not pass it on: {}.",
            many.iter()
                .map(|&(p, b)| format!("{p} ({})", blocker_phrase(b)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// [`unreached_sentence`] for `peer` and `tx` in `sim`; `None` if the peer has it.
///
/// `then` is the network as it was when the transaction had passed, if it has
/// been edited since: the reason is read off that network, and the sentence
/// says the network has changed (un-censoring the peer in the way afterwards
/// does not change why the peer was missed).
pub fn explain_unreached(
    sim: &Simulation,
    tx: TxId,
    peer: PeerId,
    then: Option<&Network>,
) -> Option<String> {
    match then {
        None => sim
            .why_unreached(tx, peer)
            .map(|why| unreached_sentence(&why)),
        Some(net) => sim.why_unreached_on(net, tx, peer).map(|why| {
            format!(
                "{} (So it was when the transaction passed; the network has changed since.)",
                unreached_sentence(&why)
            )
        }),
    }
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
            "Every online path from N0 to N3 passes through N1, which is censoring."
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
            unreached_sentence(&why(
                UnreachedReason::BehindNonRelayingPeer,
                vec![(PeerId(1), Blocker::Censoring), (PeerId(2), Blocker::Light)]
            )),
            "Every online path from N0 to N3 passes through a peer that does not pass it on: \
             N1 (censoring), N2 (a light peer, which does not relay)."
        );
        assert_eq!(
            unreached_sentence(&why(UnreachedReason::Offline, vec![])),
            "N3 never heard of it: it is offline."
        );
        assert_eq!(
            unreached_sentence(&why(UnreachedReason::NoLinks, vec![])),
            "N3 never heard of it: it has no links at all."
        );
    }
}
