//! Bitcoin Core's announce-request relay: Poisson INV trickles, and the request tracker.

use crate::sim::id::{LinkId, PeerId, TxId};
use crate::sim::network::{Adjacent, PeerState};
use crate::sim::relay::{BitcoinParams, RelayPolicy};
use crate::sim::rng::SimRng;
use crate::sim::time::Time;
use crate::sim::trace::{MessageKind, Outcome};

use super::{Event, Message, Simulation, NO_PEER};

/// A Bitcoin peer's pending request for one transaction (Core's TxRequestTracker, simplified).
#[derive(Clone, Debug, Default)]
pub(super) struct Request {
    /// Announcers not yet asked: (peer, link, time it may be asked, preferred).
    pub(super) candidates: Vec<(PeerId, LinkId, Time, bool)>,
    /// The announcer asked, and when the request times out.
    pub(super) in_flight: Option<(PeerId, Time)>,
}

/// Bitcoin relay state shared by all transactions: what each peer has to
/// announce, and its Poisson INV timers.
///
/// Laid out for the relay's cache: what a trickle over one link reads (its cursor and its
/// timer) sits together, and a peer's first relayed transaction sits beside its log's
/// length. At Bitcoin's size those were two cache misses a trickle, a quarter of the run.
#[derive(Clone, Debug, Default)]
pub(super) struct Announcer {
    /// Per peer: transactions it relays, in the order it became ready to.
    pub(super) relay_log: Vec<RelayLog>,
    /// Per link side (`2 * link + side`): the announcing side's cursor and timer.
    pub(super) sides: Vec<Side>,
    /// Per peer: the next fire time of the timer shared by its inbound peers.
    pub(super) next_inbound: Vec<Time>,
    pub(super) inbound_armed: Vec<bool>,
    /// Per link side: announcements a capped trickle left for the next one (few sides
    /// ever have any, so a map rather than a vector per side).
    pub(super) carried: std::collections::BTreeMap<usize, Vec<TxId>>,
}

/// One side of a link, as its sender sees it.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Side {
    /// How much of the sender's log it has announced over the link.
    pub(super) cursor: u32,
    /// The opener's timer for this outbound peer: armed, and its next fire time.
    pub(super) outbound_armed: bool,
    pub(super) next_outbound: Time,
}

/// The transactions a peer relays, in order; the first kept inline (most peers of a run
/// relay one).
#[derive(Clone, Debug, Default)]
pub(super) struct RelayLog {
    first: Option<TxId>,
    rest: Vec<TxId>,
}

impl RelayLog {
    pub(super) fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    pub(super) fn push(&mut self, tx: TxId) {
        match self.first {
            None => self.first = Some(tx),
            Some(_) => self.rest.push(tx),
        }
    }

    /// The `i`th transaction; `i` is below [`RelayLog::len`].
    pub(super) fn at(&self, i: usize) -> TxId {
        match (i, self.first) {
            (0, Some(first)) => first,
            _ => self.rest[i - 1],
        }
    }
}

impl Announcer {
    pub(super) fn grow(&mut self, peer_slots: usize, link_slots: usize) {
        if self.relay_log.len() < peer_slots {
            self.relay_log.resize(peer_slots, RelayLog::default());
            self.next_inbound.resize(peer_slots, Time::ZERO);
            self.inbound_armed.resize(peer_slots, false);
        }
        if self.sides.len() < 2 * link_slots {
            self.sides.resize(2 * link_slots, Side::default());
        }
    }
}

/// The next tick of a Poisson timer, as Bitcoin Core keeps it: a tick still
/// to come stands; once it has passed, the next one is drawn from now.
pub(super) fn next_poisson_tick(
    rng: &mut SimRng,
    next: &mut Time,
    now: Time,
    mean_ms: f64,
) -> Time {
    if *next <= now {
        let gap = rng.exponential(mean_ms);
        *next = now + Time::try_from_ms_f64(gap).unwrap_or(Time::ZERO);
    }
    *next
}

/// The index of "`peer`'s side" of a link: `2 * link` for the opener, `+ 1` for the acceptor.
pub(super) fn side(adj: &Adjacent) -> usize {
    2 * adj.link.index() + usize::from(!adj.outbound())
}

/// Bitcoin: an announcer's rank for a transaction's request, lowest first: a salted hash, as
/// Core's TxRequestTracker ranks equally ready announcers (SplitMix64's finalizer as the hash).
pub(super) fn request_rank(salt: u64, tx: TxId, announcer: PeerId) -> u64 {
    let mut z = salt ^ (u64::from(tx.0) << 32) ^ u64::from(announcer.0);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Simulation {
    // ---- Bitcoin announce-request ---------------------------------------------------------

    pub(super) fn arm_inv_timers(&mut self, peer: PeerId, params: &BitcoinParams) {
        let mut has_inbound = false;
        for i in 0..self.network.adjacent(peer).len() {
            let adj = self.network.adjacent(peer)[i];
            if !adj.carries_transactions() {
                continue;
            }
            if adj.outbound() {
                self.arm_outbound_timer(peer, adj.link, params);
            } else {
                has_inbound = true;
            }
        }
        if has_inbound {
            self.arm_inbound_timer(peer, params);
        }
    }

    /// Arms `peer`'s own timer for the outbound link `link`, unless it is armed.
    #[inline(always)] // a call per link of every relaying peer: kept inline, as it was
    pub(super) fn arm_outbound_timer(
        &mut self,
        peer: PeerId,
        link: LinkId,
        params: &BitcoinParams,
    ) {
        let side = &mut self.announcer.sides[2 * link.index()];
        if !side.outbound_armed {
            side.outbound_armed = true;
            let next = &mut side.next_outbound;
            let at = next_poisson_tick(&mut self.rng, next, self.now, params.outbound_inv_mean_ms);
            let outbound = Some(link);
            self.queue.push(at, Event::InvTimer { peer, outbound });
        }
    }

    /// Arms the timer `peer` shares among its inbound peers, unless it is armed.
    pub(super) fn arm_inbound_timer(&mut self, peer: PeerId, params: &BitcoinParams) {
        let p = peer.index();
        if !self.announcer.inbound_armed[p] {
            self.announcer.inbound_armed[p] = true;
            let next = &mut self.announcer.next_inbound[p];
            let at = next_poisson_tick(&mut self.rng, next, self.now, params.inbound_inv_mean_ms);
            let outbound = None;
            self.queue.push(at, Event::InvTimer { peer, outbound });
        }
    }

    pub(super) fn on_inv_timer(&mut self, peer: PeerId, outbound: Option<LinkId>) {
        match outbound {
            None => {
                if let Some(armed) = self.announcer.inbound_armed.get_mut(peer.index()) {
                    *armed = false;
                }
            }
            Some(link) => {
                let side = &mut self.announcer.sides[2 * link.index()];
                if !side.outbound_armed {
                    // The link was replaced or re-armed since this timer was set.
                    return;
                }
                side.outbound_armed = false;
            }
        }
        if self
            .network
            .peer(peer)
            .is_none_or(|p| p.state == PeerState::Offline)
        {
            return;
        }
        let params = self.bitcoin_params();
        match outbound {
            None => {
                let mut left_over = false;
                for i in 0..self.network.adjacent(peer).len() {
                    let adj = self.network.adjacent(peer)[i];
                    if !adj.outbound() && adj.carries_transactions() {
                        left_over |= self.announce(peer, adj, &params);
                    }
                }
                if left_over {
                    self.arm_inbound_timer(peer, &params);
                }
            }
            Some(link) => {
                if let Some(adj) = self.adjacent_via(peer, link) {
                    if self.announce(peer, adj, &params) {
                        self.arm_outbound_timer(peer, link, &params);
                    }
                }
            }
        }
    }

    /// One trickle of `peer` over this link: INVs for what it has not yet announced there, at
    /// most [`BitcoinParams::trickle_cap`] of them. Returns whether some are left for the next.
    ///
    /// As Core's `SendMessages`, the cap counts the queue before the trickle, a queued
    /// transaction the other side is known to have is dropped without counting, and the
    /// queue is drained in mempool order, which for transactions of equal fee rate and no
    /// ancestors is txid order: here a salted hash of the transaction's id stands for it.
    pub(super) fn announce(&mut self, peer: PeerId, adj: Adjacent, params: &BitcoinParams) -> bool {
        let side = side(&adj);
        let start = self.announcer.sides[side].cursor as usize;
        let end = self.announcer.relay_log[peer.index()].len();
        self.announcer.sides[side].cursor = end as u32;
        let carried = self.announcer.carried.remove(&side).unwrap_or_default();
        let queued = carried.len() + (end - start);
        let cap = params.trickle_cap(queued);
        if carried.is_empty() && queued <= cap {
            // Everything fits in one INV, so its order does not matter: the log's order.
            for i in start..end {
                let tx = self.announcer.relay_log[peer.index()].at(i);
                self.announce_one(peer, adj, side, tx);
            }
            return false;
        }
        let mut queue = carried;
        let log = &self.announcer.relay_log[peer.index()];
        queue.extend((start..end).map(|i| log.at(i)));
        let salt = self.salt;
        queue.sort_by_key(|&tx| (request_rank(salt, tx, NO_PEER), tx));
        let mut sent = 0;
        let mut rest = queue.into_iter();
        for tx in rest.by_ref() {
            sent += usize::from(self.announce_one(peer, adj, side, tx));
            if sent == cap {
                break;
            }
        }
        let rest: Vec<TxId> = rest.collect();
        let left_over = !rest.is_empty();
        if left_over {
            self.announcer.carried.insert(side, rest);
        }
        left_over
    }

    /// Sends one INV for `tx` unless `peer` may not relay it or the other side has it;
    /// returns whether it was sent.
    #[inline(always)] // a call per announcement: kept inline, as it was
    pub(super) fn announce_one(
        &mut self,
        peer: PeerId,
        adj: Adjacent,
        side: usize,
        tx: TxId,
    ) -> bool {
        if !self.may_send(peer, tx) || self.txs[tx.index()].is_known(side) {
            return false;
        }
        self.txs[tx.index()].set_known(side);
        self.send(peer, adj, tx, MessageKind::Inv);
        true
    }

    pub(super) fn bitcoin_params(&self) -> BitcoinParams {
        match &self.policy {
            RelayPolicy::Bitcoin(p) => p.clone(),
            _ => BitcoinParams::default(),
        }
    }

    pub(super) fn receive_inv(&mut self, msg: Message) -> Outcome {
        let Message {
            from, to, tx, link, ..
        } = msg;
        // The link is live (a message on a removed link is lost before it is received).
        let params = self.bitcoin_params();
        let record = &mut self.txs[tx.index()];
        record.set_known(msg.receiver_side());
        if record.has(to) {
            record.redundant += 1;
            return Outcome::Redundant;
        }
        // Ask outbound peers at once; inbound ones only after a delay.
        let preferred = msg.to_opened;
        let delay = if preferred {
            Time::ZERO
        } else {
            Time::try_from_ms_f64(params.inbound_request_delay_ms).unwrap_or(Time::ZERO)
        };
        let eligible = self.now + delay;
        let request = record.request_mut(to);
        request.candidates.push((from, link, eligible, preferred));
        if request.in_flight.is_none() {
            if eligible <= self.now {
                self.try_request(to, tx);
            } else {
                self.queue
                    .push(eligible, Event::RequestCheck { peer: to, tx });
            }
        }
        Outcome::New
    }

    pub(super) fn try_request(&mut self, peer: PeerId, tx: TxId) {
        let now = self.now;
        let timeout =
            Time::try_from_ms_f64(self.bitcoin_params().request_timeout_ms).unwrap_or(Time::ZERO);
        let network = &self.network;
        let record = &mut self.txs[tx.index()];
        if record.has(peer)
            || network
                .peer(peer)
                .is_none_or(|p| p.state == PeerState::Offline)
        {
            return;
        }
        let Some(Some(request)) = record.requests.get_mut(peer.index()) else {
            return;
        };
        if request.in_flight.is_some_and(|(_, expires)| expires > now) {
            return;
        }
        request.in_flight = None;
        // Announcers that went away (their link, or offline) are no longer asked.
        request.candidates.retain(|&(announcer, link, _, _)| {
            network.link(link).is_some()
                && network
                    .peer(announcer)
                    .is_some_and(|p| p.state != PeerState::Offline)
        });
        // Among the announcers that may be asked now, an outbound one if any; among equals,
        // one at random, as Core's request tracker ranks them by a salted hash.
        let salt = self.salt;
        let best = request
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.2 <= now)
            .min_by_key(|(_, c)| (!c.3, request_rank(salt, tx, c.0)))
            .map(|(i, _)| i);
        match best {
            Some(i) => {
                let (announcer, link, _, _) = request.candidates.remove(i);
                request.in_flight = Some((announcer, now + timeout));
                self.queue
                    .push(now + timeout, Event::RequestCheck { peer, tx });
                if let Some(adj) = self.adjacent_via(peer, link) {
                    self.send(peer, adj, tx, MessageKind::GetData);
                }
            }
            None => {
                if let Some(next) = request.candidates.iter().map(|c| c.2).min() {
                    self.queue.push(next, Event::RequestCheck { peer, tx });
                }
            }
        }
    }

    /// `peer` learns that `announcer` will not deliver `tx` (NOTFOUND, or it went away): if it
    /// was the one asked, the next announcer is asked at once, not after the timeout.
    pub(super) fn request_failed(&mut self, peer: PeerId, tx: TxId, announcer: PeerId) {
        let record = &mut self.txs[tx.index()];
        if record.asked_by(peer) == Some(announcer) {
            record.request_mut(peer).in_flight = None;
            self.try_request(peer, tx);
        }
    }

    /// Before `gone` goes offline or away, or its link to a neighbour goes (`only`), the
    /// peers waiting on it for a transaction are told, as a disconnection tells a Core node.
    pub(super) fn disconnect_requests(&mut self, gone: PeerId, only: Option<PeerId>) {
        if !matches!(self.policy, RelayPolicy::Bitcoin(_)) {
            return;
        }
        let waiting: Vec<PeerId> = self
            .network
            .adjacent(gone)
            .iter()
            .map(|a| a.peer)
            .filter(|&p| only.is_none_or(|o| o == p))
            .collect();
        for tx in 0..self.txs.len() {
            let tx = TxId(tx as u32);
            for &peer in &waiting {
                if self.txs[tx.index()].asked_by(peer) == Some(gone) {
                    self.queue.push(
                        self.now,
                        Event::NotFound {
                            peer,
                            tx,
                            announcer: gone,
                        },
                    );
                }
            }
        }
    }

    pub(super) fn receive_getdata(&mut self, msg: Message) -> Outcome {
        let Message {
            from, to, tx, link, ..
        } = msg;
        // `to` was asked by `from`: it serves the body if it has it and relays.
        let Some(adj) = self.adjacent_via(to, link) else {
            return Outcome::Redundant;
        };
        if !self.txs[tx.index()].has(to) || !self.may_send(to, tx) {
            // NOTFOUND: the answer travels back, and the asker moves on at once.
            let back = self.now + adj.latency();
            self.queue.push(
                back,
                Event::NotFound {
                    peer: from,
                    tx,
                    announcer: to,
                },
            );
            return Outcome::Redundant;
        }
        debug_assert_eq!(adj.peer, from);
        self.txs[tx.index()].set_known(side(&adj));
        self.send(to, adj, tx, MessageKind::Tx);
        Outcome::New
    }
}
