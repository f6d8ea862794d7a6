//! Metrics of a run: coverage, speed, cost, and why the peers left out were left out.

use serde::Serialize;

use crate::sim::engine::{Simulation, TxId};
use crate::sim::graph;
use crate::sim::network::{Network, PeerId, PeerState};
use crate::sim::time::Time;
use crate::sim::trace::MessageKind;

/// Messages sent, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MessageCounts {
    /// Transaction bodies.
    pub tx: u64,
    /// Announcements.
    pub inv: u64,
    /// Requests.
    pub getdata: u64,
}

/// The totals of one transaction's spread.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Peers that received it, the source included.
    pub reached: usize,
    /// Peers it could reach: online peers the source reaches through relaying
    /// peers over transaction-carrying links, plus any already reached.
    pub reachable: usize,
    /// Messages sent, all kinds.
    pub messages: u64,
    /// Messages sent, by kind.
    pub messages_by_kind: MessageCounts,
    /// Deliveries that brought nothing new (duplicate bodies, announcements of the known).
    pub redundant: u64,
    /// Messages that never arrived (link loss, removed link, offline recipient).
    pub lost: u64,
    /// Time from the broadcast until half the reachable peers had it.
    pub t50_ms: Option<f64>,
    /// ... until 90 % had it.
    pub t90_ms: Option<f64>,
    /// ... until all had it (`None` if some never did).
    pub t100_ms: Option<f64>,
    /// Rounds with at least one push, for round-based policies.
    pub rounds: Option<u32>,
}

/// Why a peer never received a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnreachedReason {
    /// The peer is offline.
    Offline,
    /// A relaying path exists, but the gossip did not take it (lost interest,
    /// lost messages, a link added after relaying, or still in flight).
    NotReachedByPolicy,
    /// Every path from the source passes through a peer that does not relay
    /// (censoring or light).
    BehindNonRelayingPeer,
    /// Every path from the source passes through an offline peer.
    BehindOfflinePeer,
    /// No transaction-carrying path joins it to the source.
    Partitioned,
}

impl UnreachedReason {
    /// A sentence for people.
    pub fn explain(self) -> &'static str {
        match self {
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
            UnreachedReason::Partitioned => {
                "no transaction-carrying link path joins it to the source"
            }
        }
    }
}

/// A peer left out, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Unreached {
    /// The peer.
    pub id: PeerId,
    /// Why.
    pub reason: UnreachedReason,
}

/// Which peers `source` can reach on the network as it is now, through peers
/// that `passable` lets through (the source always passes); offline peers are
/// never counted as reached.
fn reachable_through(
    net: &Network,
    source: PeerId,
    passable: impl Fn(&crate::sim::network::Peer) -> bool,
) -> Vec<bool> {
    let distances = graph::hop_distances(net, source, passable);
    distances
        .iter()
        .enumerate()
        .map(|(i, d)| {
            d.is_some()
                && net
                    .peer(PeerId(i as u32))
                    .is_some_and(|p| p.state != PeerState::Offline)
        })
        .collect()
}

/// The time by which `needed` peers had the transaction, from sorted arrivals.
fn time_to(sorted_arrivals: &[Time], needed: usize) -> Option<f64> {
    if needed == 0 {
        return Some(0.0);
    }
    sorted_arrivals.get(needed - 1).map(|t| t.as_ms_f64())
}

impl Simulation {
    /// Arrival times of the peers that have `tx`, since its broadcast, ascending.
    fn sorted_arrivals(&self, tx: TxId) -> Vec<Time> {
        let Some(record) = self.tx_record(tx) else {
            return Vec::new();
        };
        let mut arrivals: Vec<Time> = record
            .arrival
            .iter()
            .filter(|&&t| t != Time::MAX)
            .map(|&t| t - record.created)
            .collect();
        arrivals.sort_unstable();
        arrivals
    }

    /// Peers `tx` could reach now: see [`Metrics::reachable`].
    pub fn reachable_peers(&self, tx: TxId) -> Vec<bool> {
        let Some(record) = self.tx_record(tx) else {
            return Vec::new();
        };
        let net = self.network();
        let mut reachable = reachable_through(net, record.origin, |p| p.relays());
        reachable.resize(net.peer_slots(), false);
        for (i, r) in reachable.iter_mut().enumerate() {
            *r |= record.has(PeerId(i as u32));
        }
        reachable
    }

    /// The totals of `tx`'s spread so far.
    pub fn metrics(&self, tx: TxId) -> Metrics {
        let Some(record) = self.tx_record(tx) else {
            return Metrics::default();
        };
        let reachable = self.reachable_peers(tx).iter().filter(|&&r| r).count();
        let arrivals = self.sorted_arrivals(tx);
        let needed = |share: f64| ((reachable as f64) * share).ceil() as usize;
        let by_kind = |k: MessageKind| record.messages[k.index()];
        Metrics {
            reached: record.reached,
            reachable,
            messages: record.messages.iter().sum(),
            messages_by_kind: MessageCounts {
                tx: by_kind(MessageKind::Tx),
                inv: by_kind(MessageKind::Inv),
                getdata: by_kind(MessageKind::GetData),
            },
            redundant: self.redundant(tx),
            lost: record.lost,
            t50_ms: time_to(&arrivals, needed(0.5)),
            t90_ms: time_to(&arrivals, needed(0.9)),
            t100_ms: if record.reached >= reachable {
                time_to(&arrivals, reachable)
            } else {
                None
            },
            rounds: self.policy().is_round_based().then_some(record.rounds),
        }
    }

    /// The coverage curve of `tx`: (milliseconds since broadcast, peers reached by then).
    pub fn coverage(&self, tx: TxId) -> Vec<(f64, usize)> {
        let mut curve: Vec<(f64, usize)> = Vec::new();
        for (i, t) in self.sorted_arrivals(tx).into_iter().enumerate() {
            let ms = t.as_ms_f64();
            match curve.last_mut() {
                Some(last) if last.0 == ms => last.1 = i + 1,
                _ => curve.push((ms, i + 1)),
            }
        }
        curve
    }

    /// Every live peer `tx` has not reached, with the reason, in id order.
    pub fn unreached(&self, tx: TxId) -> Vec<Unreached> {
        let Some(record) = self.tx_record(tx) else {
            return Vec::new();
        };
        let net = self.network();
        let source = record.origin;
        let via_relays = self.reachable_peers(tx);
        let via_online = reachable_through(net, source, |p| p.state != PeerState::Offline);
        let via_any = graph::hop_distances(net, source, |_| true);
        net.peers()
            .filter(|p| !record.has(p.id))
            .map(|p| {
                let i = p.id.index();
                let reason = if p.state == PeerState::Offline {
                    UnreachedReason::Offline
                } else if via_relays.get(i) == Some(&true) {
                    UnreachedReason::NotReachedByPolicy
                } else if via_online.get(i) == Some(&true) {
                    UnreachedReason::BehindNonRelayingPeer
                } else if via_any.get(i).is_some_and(Option::is_some) {
                    UnreachedReason::BehindOfflinePeer
                } else {
                    UnreachedReason::Partitioned
                };
                Unreached { id: p.id, reason }
            })
            .collect()
    }
}
