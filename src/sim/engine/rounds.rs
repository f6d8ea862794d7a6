//! The round-based relays: push gossip and rumor mongering (Demers et al. 1987).

use crate::sim::id::{PeerId, TxId};
use crate::sim::network::{Adjacent, PeerState};
use crate::sim::relay::{PushParams, RelayPolicy, RumorMode, RumorParams};
use crate::sim::time::Time;
use crate::sim::trace::MessageKind;

use super::{Event, Simulation};

impl Simulation {
    // ---- Push gossip and rumor mongering ---------------------------------------------------

    pub(super) fn activate_push(&mut self, peer: PeerId, tx: TxId, params: &PushParams) {
        let record = &mut self.txs[tx.index()];
        if params
            .hop_limit
            .is_some_and(|limit| record.hops[peer.index()] >= limit)
        {
            return;
        }
        record.ensure_round_state(peer);
        record.budget[peer.index()] = params.rounds.unwrap_or(1);
        if record.budget[peer.index()] == 0 {
            return;
        }
        record.interested[peer.index()] = true;
        record.active.push(peer);
        self.ensure_round(self.now);
    }

    /// The round interval of a round-based policy.
    pub(crate) fn round_ms(&self) -> Option<f64> {
        match &self.policy {
            RelayPolicy::Push(p) => Some(p.round_ms),
            RelayPolicy::Rumor(p) => Some(p.round_ms),
            _ => None,
        }
    }

    /// Queues a round at the first round start at or after `earliest`, unless one is queued.
    pub(super) fn ensure_round(&mut self, earliest: Time) {
        if self.round_pending {
            return;
        }
        let round = self
            .round_ms()
            .and_then(Time::try_from_ms_f64)
            .unwrap_or(Time(1))
            .max(Time(1));
        let next = Time(earliest.0.div_ceil(round.0).saturating_mul(round.0));
        self.round_pending = true;
        self.queue.push(next, Event::Round);
    }

    pub(super) fn on_round(&mut self) {
        self.round_pending = false;
        let policy = self.policy.clone();
        let mut anyone_left = false;
        for tx_index in 0..self.txs.len() {
            let tx = TxId(tx_index as u32);
            let active = std::mem::take(&mut self.txs[tx_index].active);
            let mut pushed = false;
            for &peer in &active {
                if !self.may_send(peer, tx) {
                    // A peer that went offline, censoring or away stops gossiping.
                    self.txs[tx_index].interested[peer.index()] = false;
                }
                if !self.txs[tx_index].interested[peer.index()] {
                    continue;
                }
                pushed |= match &policy {
                    RelayPolicy::Push(p) => self.push_round(peer, tx, p),
                    RelayPolicy::Rumor(p) => self.rumor_round(peer, tx, p),
                    _ => false,
                };
            }
            let record = &mut self.txs[tx_index];
            record.rounds += u32::from(pushed);
            // Peers activated during this round were appended to the now-empty list.
            let mut still = active;
            still.retain(|p| record.interested[p.index()]);
            still.append(&mut record.active);
            record.active = still;
            anyone_left |= !record.active.is_empty();
        }
        if anyone_left {
            self.ensure_round(self.now + Time(1));
        }
    }

    /// Fills `scratch` with the peer's transaction-carrying neighbours.
    pub(super) fn load_neighbours(&mut self, peer: PeerId) {
        self.scratch.clear();
        self.scratch.extend(
            self.network
                .adjacent(peer)
                .iter()
                .filter(|a| a.carries_transactions()),
        );
    }

    pub(super) fn push_round(&mut self, peer: PeerId, tx: TxId, params: &PushParams) -> bool {
        self.load_neighbours(peer);
        let n = self.scratch.len();
        let k = (params.fanout as usize).min(n);
        // Partial Fisher-Yates: the first k entries become a uniform sample.
        for i in 0..k {
            let j = i + self.rng.below(n - i);
            self.scratch.swap(i, j);
        }
        let chosen: Vec<Adjacent> = self.scratch[..k].to_vec();
        for adj in chosen {
            self.send(peer, adj, tx, MessageKind::Tx);
        }
        let record = &mut self.txs[tx.index()];
        let budget = &mut record.budget[peer.index()];
        *budget = budget.saturating_sub(1);
        if *budget == 0 || n == 0 {
            record.interested[peer.index()] = false;
        }
        k > 0
    }

    /// One cycle of rumor mongering for `peer`, after Demers et al. (1987): it pushes to one
    /// neighbour drawn at random, then may lose interest. Each mode follows one reading of
    /// the paper (README.md, "Relay models and their references"):
    /// - feedback + counter, as the paper's simulations (Table 1): a contact is unnecessary
    ///   if the recipient had the transaction (or was offline) at the start of the cycle; an
    ///   unnecessary contact counts towards k and a necessary one resets the count;
    /// - feedback + coin, as the paper's analysis (s = exp(-(k+1)(1-s))): a contact is judged
    ///   when it arrives (the recipient already had it, or it was lost), and an unnecessary
    ///   one tosses a 1/k coin (see [`Simulation::feedback_on_arrival`]);
    /// - blind + counter and blind + coin (Table 2): every contact counts, or tosses the coin.
    pub(super) fn rumor_round(&mut self, peer: PeerId, tx: TxId, params: &RumorParams) -> bool {
        self.load_neighbours(peer);
        if self.scratch.is_empty() {
            self.txs[tx.index()].interested[peer.index()] = false;
            return false;
        }
        let adj = self.scratch[self.rng.below(self.scratch.len())];
        let unnecessary = self.txs[tx.index()].has(adj.peer)
            || self
                .network
                .peer(adj.peer)
                .is_none_or(|p| p.state == PeerState::Offline);
        self.send(peer, adj, tx, MessageKind::Tx);
        match params.mode {
            RumorMode::FeedbackCounter if unnecessary => self.lose_interest(tx, peer, params),
            RumorMode::FeedbackCounter => self.txs[tx.index()].budget[peer.index()] = 0,
            RumorMode::FeedbackCoin => {} // judged on arrival
            RumorMode::BlindCounter | RumorMode::BlindCoin => self.lose_interest(tx, peer, params),
        }
        true
    }

    /// Feedback + coin: a push that arrived to find the transaction there, or was lost,
    /// tosses the sender's 1/k coin.
    pub(super) fn feedback_on_arrival(&mut self, tx: TxId, sender: PeerId) {
        if let RelayPolicy::Rumor(params) = &self.policy {
            if params.mode == RumorMode::FeedbackCoin {
                let params = params.clone();
                self.lose_interest(tx, sender, &params);
            }
        }
    }

    /// One step of loss of interest: count towards k, or toss a 1/k coin.
    pub(super) fn lose_interest(&mut self, tx: TxId, peer: PeerId, params: &RumorParams) {
        let record = &mut self.txs[tx.index()];
        if record.interested.get(peer.index()) != Some(&true) {
            return;
        }
        let lost = match params.mode {
            RumorMode::FeedbackCounter | RumorMode::BlindCounter => {
                record.budget[peer.index()] += 1;
                record.budget[peer.index()] >= params.k
            }
            RumorMode::FeedbackCoin | RumorMode::BlindCoin => {
                self.rng.chance(1.0 / f64::from(params.k))
            }
        };
        if lost {
            self.txs[tx.index()].interested[peer.index()] = false;
        }
    }
}
