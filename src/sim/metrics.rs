//! Metrics of a run: coverage, speed, cost, and why the peers left out were left out.

use serde::Serialize;

use crate::sim::engine::{Simulation, TxId, TxRecord};
use crate::sim::graph::{self, HopSearch};
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
    /// Round-based policies: the round in which the last peer was newly informed, counted
    /// from 1 at the first round after the broadcast (Pittel's spreading time for push
    /// gossip; `t_last` in Demers et al.'s tables for rumor mongering). A peer reached at
    /// time `a` was informed by the round that started last at or before `a`, which holds
    /// when every link's latency is shorter than a round.
    pub rounds: Option<u32>,
    /// Round-based policies: rounds in which at least one peer still pushed. It runs past
    /// `rounds` by the pushers' remaining budget (push) or interest (rumor).
    pub active_rounds: Option<u32>,
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
    /// It has no transaction-carrying link at all.
    NoLinks,
    /// No transaction-carrying path joins it to the source (though it has links).
    Partitioned,
}

/// A peer left out, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Unreached {
    /// The peer.
    pub id: PeerId,
    /// Why.
    pub reason: UnreachedReason,
}

/// Why a peer in the way of a transaction does not pass it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blocker {
    /// It is offline.
    Offline,
    /// It is censoring.
    Censoring,
    /// It is a light peer, which does not relay.
    Light,
    /// It does not relay for another reason.
    NotRelaying,
}

/// Why one peer never received a transaction, with the peers in the way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnreachedWhy {
    /// The peer left out.
    pub peer: PeerId,
    /// The transaction's source.
    pub source: PeerId,
    /// Why.
    pub reason: UnreachedReason,
    /// Behind a non-relaying or offline peer: the peers every path from the source passes
    /// through, each with why it does not pass the transaction on, in id order.
    pub blockers: Vec<(PeerId, Blocker)>,
}

/// Which peers `source` can reach on the network as it is now, through peers
/// that `passable` lets through (the source always passes); offline peers are
/// never counted as reached.
fn reachable_through(
    net: &Network,
    source: PeerId,
    passable: impl Fn(&crate::sim::network::Peer) -> bool,
) -> Vec<bool> {
    online_among(net, &graph::hop_distances(net, source, passable))
}

/// Which of the peers a search found (those with hops) are online, by slot.
fn online_among(net: &Network, hops: &[Option<u32>]) -> Vec<bool> {
    hops.iter()
        .enumerate()
        .map(|(i, d)| {
            d.is_some()
                && net
                    .peer(PeerId(i as u32))
                    .is_some_and(|p| p.state != PeerState::Offline)
        })
        .collect()
}

/// The peers `record`'s transaction can reach on `net`, given the hops from its source
/// through relaying peers: the online ones found, and any it already reached.
fn reachable_given(net: &Network, record: &TxRecord, hops: &[Option<u32>]) -> Vec<bool> {
    let mut reachable = online_among(net, hops);
    reachable.resize(net.peer_slots(), false);
    for (i, r) in reachable.iter_mut().enumerate() {
        *r |= record.has(PeerId(i as u32));
    }
    reachable
}

/// The step curve of peers reached over time, from sorted arrival times: one point per
/// distinct time (in ms), with the count reached by then.
fn coverage_of(arrivals: &[Time]) -> Vec<(f64, usize)> {
    let mut curve: Vec<(f64, usize)> = Vec::new();
    for (i, t) in arrivals.iter().enumerate() {
        let ms = t.as_ms_f64();
        match curve.last_mut() {
            Some(last) if last.0 == ms => last.1 = i + 1,
            _ => curve.push((ms, i + 1)),
        }
    }
    curve
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
        self.reachable_peers_on(self.network(), tx)
    }

    /// [`Simulation::reachable_peers`] on `net` instead of the network as it is now.
    fn reachable_peers_on(&self, net: &Network, tx: TxId) -> Vec<bool> {
        let Some(record) = self.tx_record(tx) else {
            return Vec::new();
        };
        let hops = graph::hop_distances(net, record.origin, |p| p.relays());
        reachable_given(net, record, &hops)
    }

    /// The search behind the count of peers `tx` can reach, to run a slice at a time
    /// (advance it with [`Peer::relays`](crate::sim::network::Peer::relays) as what passes),
    /// then [`Simulation::count_reachable`]; `None` for an unknown transaction.
    pub fn reachable_search(&self, tx: TxId) -> Option<HopSearch> {
        let record = self.tx_record(tx)?;
        Some(HopSearch::new(self.network(), record.origin))
    }

    /// How many peers `tx` can reach, as [`Metrics::reachable`] counts them, given the
    /// finished [`Simulation::reachable_search`]'s hops on the network as it is now.
    pub fn count_reachable(&self, tx: TxId, hops: &[Option<u32>]) -> usize {
        let Some(record) = self.tx_record(tx) else {
            return 0;
        };
        reachable_given(self.network(), record, hops)
            .iter()
            .filter(|&&r| r)
            .count()
    }

    /// The totals of `tx`'s spread so far.
    pub fn metrics(&self, tx: TxId) -> Metrics {
        let reachable = self.reachable_peers(tx).iter().filter(|&&r| r).count();
        self.metrics_with_reachable(tx, reachable)
    }

    /// [`Simulation::metrics`] given the count of peers `tx` can reach, which
    /// depends only on the network and the source: a caller that shows the
    /// metrics while the run goes on counts them once, not on every frame.
    pub fn metrics_with_reachable(&self, tx: TxId, reachable: usize) -> Metrics {
        self.metrics_from(tx, reachable, &self.sorted_arrivals(tx))
    }

    /// [`Simulation::metrics_with_reachable`] and [`Simulation::coverage`] at once, from one
    /// sort of the arrival times (at Bitcoin's size, most of the statistics panel's time).
    pub fn metrics_and_coverage(&self, tx: TxId, reachable: usize) -> (Metrics, Vec<(f64, usize)>) {
        let arrivals = self.sorted_arrivals(tx);
        (
            self.metrics_from(tx, reachable, &arrivals),
            coverage_of(&arrivals),
        )
    }

    fn metrics_from(&self, tx: TxId, reachable: usize, arrivals: &[Time]) -> Metrics {
        let Some(record) = self.tx_record(tx) else {
            return Metrics::default();
        };
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
            t50_ms: time_to(arrivals, needed(0.5)),
            t90_ms: time_to(arrivals, needed(0.9)),
            t100_ms: if record.reached >= reachable {
                time_to(arrivals, reachable)
            } else {
                None
            },
            rounds: self.last_informing_round(tx),
            active_rounds: self.policy().is_round_based().then_some(record.rounds),
        }
    }

    /// See [`Metrics::rounds`].
    fn last_informing_round(&self, tx: TxId) -> Option<u32> {
        let round = Time::try_from_ms_f64(self.round_ms()?)?.max(Time(1));
        let record = self.tx_record(tx)?;
        let first_round = Time(record.created.0.div_ceil(round.0).saturating_mul(round.0));
        let last = record
            .arrival
            .iter()
            .enumerate()
            .filter(|&(i, &t)| t != Time::MAX && PeerId(i as u32) != record.origin)
            .map(|(_, &t)| t)
            .max();
        Some(last.map_or(0, |t| ((t - first_round).0 / round.0) as u32 + 1))
    }

    /// The coverage curve of `tx`: (milliseconds since broadcast, peers reached by then).
    pub fn coverage(&self, tx: TxId) -> Vec<(f64, usize)> {
        coverage_of(&self.sorted_arrivals(tx))
    }

    /// Every live peer `tx` has not reached, with the reason, in id order.
    pub fn unreached(&self, tx: TxId) -> Vec<Unreached> {
        self.unreached_on(self.network(), tx)
    }

    /// [`Simulation::unreached`], with the reasons read off `net`: the
    /// network as it was when the transaction passed, if it has changed since.
    pub fn unreached_on(&self, net: &Network, tx: TxId) -> Vec<Unreached> {
        let Some(record) = self.tx_record(tx) else {
            return Vec::new();
        };
        if net.peers().all(|p| record.has(p.id)) {
            // Every peer heard: no searches needed (at Bitcoin's size they take a tenth of a
            // second, on every redraw of the finished run's statistics).
            return Vec::new();
        }
        let source = record.origin;
        let via_relays = self.reachable_peers_on(net, tx);
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
                } else if !net.adjacent(p.id).iter().any(|a| a.carries_transactions()) {
                    UnreachedReason::NoLinks
                } else {
                    UnreachedReason::Partitioned
                };
                Unreached { id: p.id, reason }
            })
            .collect()
    }

    /// Why `peer` never received `tx`, naming the peers in the way where there are some.
    /// `None` if the peer has it (or does not exist).
    pub fn why_unreached(&self, tx: TxId, peer: PeerId) -> Option<UnreachedWhy> {
        self.why_unreached_on(self.network(), tx, peer)
    }

    /// [`Simulation::why_unreached`], read off `net` (see [`Simulation::unreached_on`]).
    pub fn why_unreached_on(&self, net: &Network, tx: TxId, peer: PeerId) -> Option<UnreachedWhy> {
        let record = self.tx_record(tx)?;
        if record.has(peer) || !net.contains(peer) {
            return None;
        }
        let reason = self
            .unreached_on(net, tx)
            .into_iter()
            .find(|u| u.id == peer)?
            .reason;
        let source = record.origin;
        let blockers = match reason {
            UnreachedReason::BehindNonRelayingPeer => gatekeepers(
                net,
                source,
                peer,
                |p| p.relays() || p.id == source,
                |p| p.state != PeerState::Offline,
            ),
            UnreachedReason::BehindOfflinePeer => gatekeepers(
                net,
                source,
                peer,
                |p| p.state != PeerState::Offline,
                |_| true,
            ),
            _ => Vec::new(),
        };
        let blocker = |p: PeerId| match net.peer(p) {
            Some(x) if x.state == PeerState::Offline => Blocker::Offline,
            Some(x) if x.state == PeerState::Censoring => Blocker::Censoring,
            Some(x) if x.role == crate::sim::network::Role::Light => Blocker::Light,
            _ => Blocker::NotRelaying,
        };
        Some(UnreachedWhy {
            peer,
            source,
            reason,
            blockers: blockers.into_iter().map(|p| (p, blocker(p))).collect(),
        })
    }
}

/// The peers standing between `source` and `target`: those the transaction
/// reaches but cannot pass (`open` is false for them) and from which `target`
/// can be reached over `walkable` peers.
fn gatekeepers(
    net: &Network,
    source: PeerId,
    target: PeerId,
    open: impl Fn(&crate::sim::network::Peer) -> bool,
    walkable: impl Fn(&crate::sim::network::Peer) -> bool,
) -> Vec<PeerId> {
    let reached = graph::hop_distances(net, source, &open);
    let is_frontier = |p: PeerId| {
        reached.get(p.index()).is_some_and(Option::is_some) && net.peer(p).is_some_and(|x| !open(x))
    };
    let mut seen = vec![false; net.peer_slots()];
    let mut queue = std::collections::VecDeque::from([target]);
    seen[target.index()] = true;
    let mut found = Vec::new();
    while let Some(p) = queue.pop_front() {
        for adj in net.adjacent(p).iter().filter(|a| a.carries_transactions()) {
            let q = adj.peer;
            if seen[q.index()] {
                continue;
            }
            seen[q.index()] = true;
            if is_frontier(q) {
                found.push(q);
            } else if net.peer(q).is_some_and(&walkable) {
                queue.push_back(q);
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::{Limits, LinkKind, Role};
    use crate::sim::relay::RelayPolicy;

    /// A path N0 - N1 - N2 - N3 with 10 ms links.
    fn path() -> Network {
        let mut net = Network::new(Limits::TUTORIAL);
        for _ in 0..4 {
            net.add_peer(Role::Full, true).unwrap();
        }
        for i in 0..3 {
            net.add_link(
                PeerId(i),
                PeerId(i + 1),
                Time::from_ms(10),
                LinkKind::FullRelay,
            )
            .unwrap();
        }
        net
    }

    #[test]
    fn the_peer_in_the_way_is_named_with_its_state() {
        let mut net = path();
        net.set_state(PeerId(1), PeerState::Censoring).unwrap();
        let mut sim = Simulation::new(net, RelayPolicy::Flood, 1).unwrap();
        let tx = sim.broadcast(PeerId(0)).unwrap();
        sim.run();
        let why = sim.why_unreached(tx, PeerId(3)).unwrap();
        assert_eq!(why.reason, UnreachedReason::BehindNonRelayingPeer);
        assert_eq!(why.blockers, [(PeerId(1), Blocker::Censoring)]);
        assert_eq!(sim.why_unreached(tx, PeerId(1)), None, "N1 received it");

        let mut net = path();
        net.set_state(PeerId(2), PeerState::Offline).unwrap();
        let mut sim = Simulation::new(net, RelayPolicy::Flood, 1).unwrap();
        let tx = sim.broadcast(PeerId(0)).unwrap();
        sim.run();
        let why = sim.why_unreached(tx, PeerId(3)).unwrap();
        assert_eq!(why.reason, UnreachedReason::BehindOfflinePeer);
        assert_eq!(why.blockers, [(PeerId(2), Blocker::Offline)]);
        let why = sim.why_unreached(tx, PeerId(2)).unwrap();
        assert_eq!(
            (why.reason, why.blockers),
            (UnreachedReason::Offline, vec![])
        );
    }

    #[test]
    fn the_reachable_peers_counted_in_slices_are_those_before_the_first_peer_in_the_way() {
        // Broadcast from N0 on the path: a censoring N2 still receives, so N0-N2 are
        // reachable; an offline N2 does not, so only N0 and N1 are.
        for (state, expected) in [(PeerState::Censoring, 3), (PeerState::Offline, 2)] {
            let mut net = path();
            net.set_state(PeerId(2), state).unwrap();
            let mut sim = Simulation::new(net, RelayPolicy::Flood, 1).unwrap();
            let tx = sim.broadcast(PeerId(0)).unwrap();
            let mut search = sim.reachable_search(tx).unwrap();
            let mut slices = 1;
            while !search.advance(sim.network(), |p| p.relays(), 1) {
                slices += 1;
            }
            assert!(slices > 1, "one link a slice takes more than one slice");
            let hops = search.finish(sim.network(), |p| p.relays());
            assert_eq!(sim.count_reachable(tx, &hops), expected, "{state:?}");
            sim.run();
            assert_eq!(sim.metrics(tx).reachable, expected);
        }
        // A peer that heard before it went offline counts as reached, and so as reachable.
        let mut sim = Simulation::new(path(), RelayPolicy::Flood, 1).unwrap();
        let tx = sim.broadcast(PeerId(0)).unwrap();
        sim.run();
        sim.apply(crate::sim::action::Action::SetState {
            peer: PeerId(3),
            state: PeerState::Offline,
        })
        .unwrap();
        let hops = sim
            .reachable_search(tx)
            .unwrap()
            .finish(sim.network(), |p| p.relays());
        assert_eq!(sim.count_reachable(tx, &hops), 4);
        assert_eq!(sim.reachable_search(TxId(7)).map(|_| ()), None);
        assert_eq!(sim.count_reachable(TxId(7), &hops), 0);
    }
}
