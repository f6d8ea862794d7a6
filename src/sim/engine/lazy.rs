//! Duplicate transaction bodies kept out of the event queue while nothing can lose them.

use crate::sim::id::{LinkId, PeerId, TxId};
use crate::sim::network::{Adjacent, Network};
use crate::sim::relay::RelayPolicy;
use crate::sim::time::Time;
use crate::sim::trace::MessageKind;

use super::{Event, Message, Simulation};

/// A TX message that, with the network as it is, can only be a redundant delivery.
///
/// Flood sends most bodies to peers that have the transaction already, or
/// will have it from a message that arrives first. Such a delivery changes
/// nothing but a counter, so it need not pass through the event queue: it
/// keeps the sequence number it would have had, and an edit that could lose
/// messages puts it back into the queue at exactly that place. The results
/// are identical either way (a property test checks it); only the work
/// differs. Not used while tracing, or where duplicates have side effects
/// (rumor feedback, Bitcoin's known-inventory).
#[derive(Clone, Copy, Debug)]
pub(super) struct LazyDuplicate {
    pub(super) arrives: Time,
    pub(super) seq: u64,
    /// The link id, with the top bit set when the acceptor sent it to the
    /// opener: the link stays live until the duplicate is materialized, so
    /// its ends name sender and recipient (and the entry stays 24 bytes).
    pub(super) link_and_direction: u32,
    pub(super) tx: TxId,
}

pub(super) const FROM_ACCEPTOR: u32 = 1 << 31;

impl LazyDuplicate {
    pub(super) fn new(arrives: Time, seq: u64, adj: &Adjacent, tx: TxId) -> LazyDuplicate {
        let direction = if adj.outbound() { 0 } else { FROM_ACCEPTOR };
        LazyDuplicate {
            arrives,
            seq,
            link_and_direction: adj.link.0 | direction,
            tx,
        }
    }

    pub(super) fn link(&self) -> LinkId {
        LinkId(self.link_and_direction & !FROM_ACCEPTOR)
    }

    /// The message it stands for, while its link is live.
    pub(super) fn message(&self, network: &Network) -> Option<Message> {
        let link = network.link(self.link())?;
        let from_opener = self.link_and_direction & FROM_ACCEPTOR == 0;
        let (from, to) = match from_opener {
            true => (link.from, link.to),
            false => (link.to, link.from),
        };
        let (link, tx) = (link.id, self.tx);
        Some(Message {
            from,
            to,
            link,
            tx,
            kind: MessageKind::Tx,
            doomed: false,
            to_opened: !from_opener,
        })
    }
}

impl Simulation {
    /// Whether a duplicate body does nothing but count (and no trace is kept).
    pub(super) fn duplicates_are_inert(&self) -> bool {
        !self.tracing
            && matches!(
                self.policy,
                RelayPolicy::Flood | RelayPolicy::Push(_) | RelayPolicy::ClientServer(_)
            )
    }

    /// Whether a lazy duplicate's delivery lies in the past of the run.
    pub(super) fn is_delivered(&self, lazy: &LazyDuplicate) -> bool {
        self.queue.is_past(lazy.arrives, lazy.seq)
    }

    /// Counts delivered lazy duplicates and puts the rest back into the queue.
    pub(super) fn materialize_lazy(&mut self) {
        for lazy in std::mem::take(&mut self.lazy) {
            if self.is_delivered(&lazy) {
                self.txs[lazy.tx.index()].redundant += 1;
            } else if let Some(msg) = lazy.message(&self.network) {
                self.queue
                    .push_with_seq(lazy.arrives, lazy.seq, Event::Deliver(msg));
            } else {
                // Never expected: removals materialize before the link goes.
                self.txs[lazy.tx.index()].lost += 1;
            }
        }
        for record in &mut self.txs {
            // Queued bodies may now be lost: only arrivals are certain.
            for peer in record.ahead.drain(..) {
                record.certain_by[peer.index()] = record.arrival[peer.index()];
            }
        }
    }

    /// With the queue empty, delivers the remaining lazy duplicates.
    pub(super) fn settle_lazy(&mut self) -> Option<Time> {
        let last = self.lazy.iter().map(|l| l.arrives).max()?;
        self.now = self.now.max(last);
        for lazy in std::mem::take(&mut self.lazy) {
            self.txs[lazy.tx.index()].redundant += 1;
        }
        Some(self.now)
    }

    /// Redundant deliveries of `tx` so far, lazy ones included.
    pub(crate) fn redundant(&self, tx: TxId) -> u64 {
        let lazy = self
            .lazy
            .iter()
            .filter(|l| l.tx == tx && self.is_delivered(l))
            .count();
        self.txs.get(tx.index()).map_or(0, |r| r.redundant) + lazy as u64
    }

    /// Flood's relay from `peer` when no message can be lost or traced: the
    /// same sends, sequence numbers and lazy duplicates as [`Simulation::send`]
    /// makes one by one, in one tight loop.
    pub(super) fn flood_fast(&mut self, peer: PeerId, tx: TxId, parent: PeerId) {
        let now = self.now;
        let count_before = self.count_duplicates_before();
        let mut last_counted = self.last_counted_arrival;
        let record = &mut self.txs[tx.index()];
        let mut sent = 0;
        for adj in self.network.adjacent(peer) {
            if !adj.carries_transactions() || adj.peer == parent {
                continue;
            }
            sent += 1;
            let arrives = now + adj.latency();
            let (to, link) = (adj.peer, adj.link);
            let best = &mut record.certain_by[to.index()];
            if *best <= arrives && arrives < count_before {
                record.redundant += 1;
                last_counted = last_counted.max(arrives);
            } else if *best <= arrives {
                let seq = self.queue.reserve_seq();
                self.lazy.push(LazyDuplicate::new(arrives, seq, adj, tx));
            } else {
                *best = arrives;
                record.ahead.push(to);
                let msg = Message {
                    from: peer,
                    to,
                    link,
                    tx,
                    kind: MessageKind::Tx,
                    doomed: false,
                    to_opened: !adj.outbound(),
                };
                self.queue.push(arrives, Event::Deliver(msg));
            }
        }
        record.messages[MessageKind::Tx.index()] += sent;
        self.last_counted_arrival = last_counted;
    }
}
