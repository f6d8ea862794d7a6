//! The record of one transaction in a run: who has it, since when, and by which path.

use crate::sim::id::PeerId;
use crate::sim::time::Time;

use super::bitcoin::Request;
use super::NO_PEER;

/// Everything the run knows of one transaction.
#[derive(Clone, Debug)]
pub(crate) struct TxRecord {
    pub(crate) origin: PeerId,
    pub(crate) created: Time,
    /// First arrival per peer slot; `Time::MAX` where not yet reached.
    pub(crate) arrival: Vec<Time>,
    pub(crate) hops: Vec<u32>,
    pub(crate) parent: Vec<PeerId>,
    pub(crate) reached: usize,
    pub(crate) messages: [u64; 3],
    pub(crate) redundant: u64,
    pub(crate) lost: u64,
    /// Rounds in which at least one peer pushed (round-based policies).
    pub(crate) rounds: u32,
    /// Push and rumor: peers still pushing, in the order they started.
    pub(super) active: Vec<PeerId>,
    /// Push: rounds left per peer; rumor: the loss-of-interest counter.
    pub(super) budget: Vec<u32>,
    /// Whether the peer is still pushing (push and rumor).
    pub(super) interested: Vec<bool>,
    /// Bitcoin: pending requests per peer.
    pub(super) requests: Vec<Option<Box<Request>>>,
    /// Bitcoin: bit `2 * link + side` says "this side knows the other side has it".
    pub(super) known: Vec<u64>,
    /// Per peer: a time by which it certainly has the body unless an edit
    /// intervenes: its first arrival, or the earliest arrival of a queued
    /// body that nothing can lose (see [`LazyDuplicate`]).
    pub(super) certain_by: Vec<Time>,
    /// Peers whose `certain_by` is set ahead of their arrival (a queued body):
    /// the only entries an edit must reset, so an edit costs what it touches.
    pub(super) ahead: Vec<PeerId>,
}

impl TxRecord {
    pub(super) fn new(origin: PeerId, created: Time, peer_slots: usize) -> TxRecord {
        TxRecord {
            origin,
            created,
            arrival: vec![Time::MAX; peer_slots],
            hops: vec![u32::MAX; peer_slots],
            parent: vec![NO_PEER; peer_slots],
            reached: 0,
            messages: [0; 3],
            redundant: 0,
            lost: 0,
            rounds: 0,
            active: Vec::new(),
            budget: Vec::new(),
            interested: Vec::new(),
            requests: Vec::new(),
            known: Vec::new(),
            certain_by: vec![Time::MAX; peer_slots],
            ahead: Vec::new(),
        }
    }

    pub(super) fn grow(&mut self, peer_slots: usize) {
        if self.arrival.len() < peer_slots {
            self.arrival.resize(peer_slots, Time::MAX);
            self.hops.resize(peer_slots, u32::MAX);
            self.parent.resize(peer_slots, NO_PEER);
            self.certain_by.resize(peer_slots, Time::MAX);
        }
    }

    pub(crate) fn has(&self, peer: PeerId) -> bool {
        self.arrival
            .get(peer.index())
            .is_some_and(|&t| t != Time::MAX)
    }

    pub(super) fn is_known(&self, side: usize) -> bool {
        self.known
            .get(side / 64)
            .is_some_and(|w| w & (1 << (side % 64)) != 0)
    }

    pub(super) fn set_known(&mut self, side: usize) {
        if self.known.len() <= side / 64 {
            self.known.resize(side / 64 + 1, 0);
        }
        self.known[side / 64] |= 1 << (side % 64);
    }

    /// The announcer `peer` has asked for this transaction and is waiting on, if any.
    pub(super) fn asked_by(&self, peer: PeerId) -> Option<PeerId> {
        let request = self.requests.get(peer.index())?.as_ref()?;
        request.in_flight.map(|(announcer, _)| announcer)
    }

    pub(super) fn request_mut(&mut self, peer: PeerId) -> &mut Request {
        if self.requests.len() <= peer.index() {
            self.requests.resize(peer.index() + 1, None);
        }
        self.requests[peer.index()].get_or_insert_with(Default::default)
    }

    pub(super) fn ensure_round_state(&mut self, peer: PeerId) {
        if self.budget.len() <= peer.index() {
            self.budget.resize(peer.index() + 1, 0);
            self.interested.resize(peer.index() + 1, false);
        }
    }
}
