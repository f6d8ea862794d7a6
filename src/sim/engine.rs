//! The simulation engine: events at virtual time, relay policies, edits while messages fly.
//!
//! A [`Simulation`] is a state machine in the manner of quinn-proto: it does
//! no I/O and reads no clock. Inputs come in through [`Simulation::apply`]
//! (broadcasts and edits at the current virtual time) and
//! [`Simulation::schedule`] (the same, later); time moves only through
//! [`Simulation::step`], [`Simulation::step_until`] and [`Simulation::run`].
//! Outputs leave through [`Simulation::poll_trace`] and [`Simulation::metrics`].
//!
//! ```
//! use gossipscope::sim::engine::Simulation;
//! use gossipscope::sim::network::{LinkKind, Limits, Network, Role};
//! use gossipscope::sim::relay::RelayPolicy;
//! use gossipscope::sim::time::Time;
//!
//! let mut net = Network::new(Limits::TUTORIAL);
//! let a = net.add_peer(Role::Full, true).unwrap();
//! let b = net.add_peer(Role::Full, true).unwrap();
//! net.add_link(a, b, Time::from_ms(40), LinkKind::FullRelay).unwrap();
//! let mut sim = Simulation::new(net, RelayPolicy::Flood, 1).unwrap();
//! let tx = sim.broadcast(a).unwrap();
//! sim.run();
//! assert_eq!(sim.first_arrival(tx, b), Some(Time::from_ms(40)));
//! assert_eq!(sim.metrics(tx).reached, 2);
//! ```

mod bitcoin;
mod lazy;
mod rounds;
mod tx;

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::Arc;

use serde::Serialize;

use crate::sim::action::Action;
use crate::sim::caps;
use crate::sim::error::ParamError;
use crate::sim::latency::LatencyModel;
use crate::sim::network::{Adjacent, EditError, Network, PeerState};
use crate::sim::queue::EventQueue;
use crate::sim::relay::RelayPolicy;
use crate::sim::rng::SimRng;
use crate::sim::time::Time;
use crate::sim::trace::{LostReason, MessageKind, Outcome, TraceEvent};

pub use crate::sim::id::{LinkId, PeerId, TxId};

use bitcoin::{request_rank, Announcer};
use lazy::LazyDuplicate;
pub(crate) use tx::TxRecord;

/// The RNG stream of relay draws (the generator uses stream 0).
const RELAY_STREAM: u64 = 1;

/// Marks "no peer" in per-peer parent vectors.
const NO_PEER: PeerId = PeerId(u32::MAX);

/// A message on a link.
#[derive(Clone, Copy, Debug)]
struct Message {
    from: PeerId,
    to: PeerId,
    link: LinkId,
    tx: TxId,
    kind: MessageKind,
    /// The link's loss struck at sending: it travels, then vanishes.
    doomed: bool,
    /// Whether `to` opened the link (so `from` is its outbound peer): carried so that
    /// receiving needs no look-up in the link table, a cache miss at Bitcoin's size.
    to_opened: bool,
}

impl Message {
    /// The index of the receiver's side of the link, as [`bitcoin::side`] numbers sides.
    fn receiver_side(&self) -> usize {
        2 * self.link.index() + usize::from(!self.to_opened)
    }
}

#[derive(Clone, Debug)]
enum Event {
    /// A message arrives.
    Deliver(Message),
    /// A peer has validated a transaction and may relay it.
    Ready { peer: PeerId, tx: TxId },
    /// Bitcoin: an INV timer fires, for all inbound peers or one outbound link.
    InvTimer {
        peer: PeerId,
        outbound: Option<LinkId>,
    },
    /// Bitcoin: a peer (re)considers whom to ask for a transaction.
    RequestCheck { peer: PeerId, tx: TxId },
    /// Bitcoin: `announcer` answered `peer`'s request with NOTFOUND.
    NotFound {
        peer: PeerId,
        tx: TxId,
        announcer: PeerId,
    },
    /// Push and rumor gossip: a synchronous round begins.
    Round,
}

/// What an applied action created that has a new id (named apart from
/// [`TraceEvent::Applied`], the trace's record of any applied action).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Created {
    /// Nothing with a new id: an edit, or a removal.
    Nothing,
    /// A peer joined with this id.
    Peer(PeerId),
    /// A link was made.
    Link(LinkId),
    /// A transaction was broadcast.
    Tx(TxId),
}

/// One peer's result for one transaction.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PeerResult {
    /// The peer.
    pub id: PeerId,
    /// When it first received the transaction, since the broadcast.
    pub first_arrival_ms: Option<f64>,
    /// Hops from the source along the path of first arrival.
    pub hops: Option<u32>,
    /// The neighbour it first received it from.
    pub parent: Option<PeerId>,
}

/// An action from the timeline that the network refused.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// When it was tried.
    pub at: Time,
    /// What was tried.
    pub action: Action,
    /// Why it was refused.
    pub error: EditError,
}

/// A deterministic, sans-IO gossip simulation over a [`Network`].
#[derive(Clone, Debug)]
pub struct Simulation {
    /// Shared with whoever made the simulation (the app's base network) until the first edit.
    network: Arc<Network>,
    policy: RelayPolicy,
    latency_model: LatencyModel,
    rng: SimRng,
    now: Time,
    queue: EventQueue<Event>,
    txs: Vec<TxRecord>,
    scheduled: Vec<Option<Action>>,
    refusals: Vec<Refusal>,
    tracing: bool,
    trace: VecDeque<TraceEvent>,
    announcer: Announcer,
    /// Whether a round event is queued (push and rumor).
    round_pending: bool,
    events_processed: u64,
    /// Reused buffer for neighbour sampling.
    scratch: Vec<Adjacent>,
    /// Transaction bodies certain to arrive as duplicates unless an edit
    /// intervenes: kept out of the queue (see [`LazyDuplicate`]).
    lazy: Vec<LazyDuplicate>,
    /// Scheduled actions not yet applied, as (time, index into `scheduled`): earliest first,
    /// and at equal times in the order they were scheduled.
    pending_actions: std::collections::BinaryHeap<std::cmp::Reverse<(Time, usize)>>,
    /// Whether a run to completion is under way (see [`Simulation::run_with_progress`]).
    to_completion: bool,
    /// The latest arrival of a duplicate counted at once.
    last_counted_arrival: Time,
    /// The client-server default hub, found once per network version (an edit clears it).
    default_server_cache: Option<Option<PeerId>>,
    /// Whether the run stopped at [`caps::HORIZON`] with events still to come.
    horizon_reached: bool,
    /// Bitcoin: the salt of the request tracker's ranking of announcers (from the seed,
    /// so drawing it takes nothing from the relay's random stream).
    salt: u64,
}

/// [`caps::transactions_fit`] for sizes counted in `usize`.
fn transactions_fit(transactions: usize, peer_slots: usize, links: usize) -> bool {
    caps::transactions_fit(transactions as u64, peer_slots as u64, links as u64)
}

/// The peer with the most links, lowest id on a tie.
fn default_server(network: &Network) -> Option<PeerId> {
    network
        .peer_ids()
        .max_by_key(|&p| (network.degree(p), std::cmp::Reverse(p)))
}

impl Simulation {
    /// A simulation of `policy` over `network`, its draws seeded by `seed`.
    ///
    /// A network passed in an [`Arc`] is shared, not copied, until the first edit.
    pub fn new(
        network: impl Into<Arc<Network>>,
        policy: RelayPolicy,
        seed: u64,
    ) -> Result<Simulation, ParamError> {
        policy.validate()?;
        let network = network.into();

        Ok(Simulation {
            network,
            policy,
            latency_model: LatencyModel::default(),
            rng: SimRng::for_stream(seed, RELAY_STREAM),
            now: Time::ZERO,
            queue: EventQueue::default(),
            txs: Vec::new(),
            scheduled: Vec::new(),
            refusals: Vec::new(),
            tracing: false,
            trace: VecDeque::new(),
            announcer: Announcer::default(),
            round_pending: false,

            events_processed: 0,
            scratch: Vec::new(),
            lazy: Vec::new(),
            pending_actions: std::collections::BinaryHeap::new(),
            to_completion: false,
            last_counted_arrival: Time::ZERO,
            default_server_cache: None,
            horizon_reached: false,
            salt: request_rank(seed, TxId(u32::MAX), PeerId(u32::MAX)),
        })
    }

    /// Sets the model that draws latencies of links added without one.
    pub fn set_latency_model(&mut self, model: LatencyModel) {
        self.latency_model = model;
    }

    /// Turns the hop-by-hop trace on or off (off by default: large runs need no trace).
    pub fn set_tracing(&mut self, on: bool) {
        if on {
            self.materialize_lazy();
        }
        self.tracing = on;
    }

    /// The network as it is now.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The network as it is now, shared: no copy is made until one side edits it.
    pub fn shared_network(&self) -> Arc<Network> {
        Arc::clone(&self.network)
    }

    /// The network, to edit: copied first if it is still shared.
    fn network_mut(&mut self) -> &mut Network {
        Arc::make_mut(&mut self.network)
    }

    /// The relay policy.
    pub fn policy(&self) -> &RelayPolicy {
        &self.policy
    }

    /// The current virtual time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Transactions broadcast so far.
    pub fn n_transactions(&self) -> usize {
        self.txs.len()
    }

    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Scheduled actions the network refused, in the order they were tried.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }

    /// Whether the run stopped at [`caps::HORIZON`], dropping events beyond it.
    pub fn horizon_reached(&self) -> bool {
        self.horizon_reached
    }

    /// The time of the next event, if any is waiting.
    pub fn next_event_time(&self) -> Option<Time> {
        match (self.queue.peek_time(), self.next_action_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether nothing is left to happen.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.lazy.is_empty() && self.pending_actions.is_empty()
    }

    /// The next trace event, oldest first.
    pub fn poll_trace(&mut self) -> Option<TraceEvent> {
        self.trace.pop_front()
    }

    /// All trace events not yet polled.
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        self.trace.drain(..).collect()
    }

    fn record(&mut self, event: impl FnOnce() -> TraceEvent) {
        if self.tracing {
            self.trace.push_back(event());
        }
    }

    /// Broadcasts a new transaction from `peer` now.
    pub fn broadcast(&mut self, peer: PeerId) -> Result<TxId, EditError> {
        match self.apply(Action::Broadcast { peer })? {
            Created::Tx(tx) => Ok(tx),
            _ => unreachable!("a broadcast yields a transaction"),
        }
    }

    /// Applies an action at the current virtual time; on error nothing changes.
    pub fn apply(&mut self, action: Action) -> Result<Created, EditError> {
        let created = self.apply_inner(&action)?;
        let at = self.now;
        self.record(|| TraceEvent::Applied { at, action });
        Ok(created)
    }

    /// Schedules an action for virtual time `at` (now, if `at` has passed).
    ///
    /// The order of simultaneous things: at a time `t`, every event due at `t`
    /// (deliveries, timers, rounds, and what they cause at `t`) happens first,
    /// then the actions scheduled for `t`, in the order they were scheduled. An
    /// edit made by hand at a paused clock `t` happens at that same place.
    /// If the network refuses an action, the refusal is kept in [`Simulation::refusals`].
    pub fn schedule(&mut self, at: Time, action: Action) {
        let index = self.scheduled.len();
        let at = at.max(self.now);
        self.scheduled.push(Some(action));
        self.pending_actions.push(std::cmp::Reverse((at, index)));
    }

    /// The time of the next scheduled action, if any.
    fn next_action_time(&self) -> Option<Time> {
        self.pending_actions.peek().map(|r| r.0 .0)
    }

    fn link_between(&self, a: PeerId, b: PeerId) -> Result<LinkId, EditError> {
        for p in [a, b] {
            if !self.network.contains(p) {
                return Err(EditError::NoSuchPeer(p));
            }
        }
        self.network
            .link_between(a, b)
            .ok_or(EditError::NotLinked(a, b))
    }

    fn latency_from_ms(ms: f64) -> Result<Time, EditError> {
        Time::try_from_ms_f64(ms).ok_or(EditError::BadLatency(ms))
    }

    fn apply_inner(&mut self, action: &Action) -> Result<Created, EditError> {
        if action.edits_network() {
            self.default_server_cache = None;
        }
        if matches!(
            action,
            Action::RemovePeer { .. } | Action::RemoveLink { .. } | Action::SetState { .. }
        ) {
            // These can lose messages in flight: every message must be in the queue.
            self.materialize_lazy();
        }
        let net = &*self.network;
        match *action {
            Action::Broadcast { peer } => {
                let state = net.peer(peer).ok_or(EditError::NoSuchPeer(peer))?.state;
                if state == PeerState::Offline {
                    return Err(EditError::PeerOffline(peer));
                }
                if !transactions_fit(self.txs.len() + 1, net.peer_slots(), net.n_links()) {
                    return Err(EditError::TooManyTransactions);
                }
                Ok(Created::Tx(self.start_transaction(peer)))
            }
            Action::AddPeer { role, reachable } => {
                if !transactions_fit(self.txs.len(), net.peer_slots() + 1, net.n_links()) {
                    return Err(EditError::TooManyTransactions);
                }
                let id = self.network_mut().add_peer(role, reachable)?;
                self.grow();
                Ok(Created::Peer(id))
            }
            Action::RemovePeer { peer } => {
                if !net.contains(peer) {
                    return Err(EditError::NoSuchPeer(peer));
                }
                self.disconnect_requests(peer, None);
                self.network_mut().remove_peer(peer)?;
                Ok(Created::Nothing)
            }
            Action::AddLink {
                from,
                to,
                latency_ms,
                kind,
            } => {
                if !transactions_fit(self.txs.len(), net.peer_slots(), net.n_links() + 1) {
                    return Err(EditError::TooManyTransactions);
                }
                let latency = match latency_ms {
                    Some(ms) => Self::latency_from_ms(ms)?,
                    None => {
                        net.check_link(from, to, kind)?;
                        let region = |p| net.peer(p).map_or(0, |p| p.region);
                        let (ra, rb) = (region(from), region(to));
                        self.latency_model.draw(&mut self.rng, ra, rb)
                    }
                };
                let link = self.network_mut().add_link(from, to, latency, kind)?;
                self.grow();
                // A new link announces only what its ends learn from now on.
                let a = &mut self.announcer;
                for (end, side) in [(from, 2 * link.index()), (to, 2 * link.index() + 1)] {
                    if let Some(log) = a.relay_log.get(end.index()) {
                        a.sides[side].cursor = log.len() as u32;
                        a.sides[side].outbound_armed = false;
                    }
                }
                Ok(Created::Link(link))
            }
            Action::RemoveLink { a, b } => {
                let link = self.link_between(a, b)?;
                self.disconnect_requests(a, Some(b));
                self.disconnect_requests(b, Some(a));
                self.network_mut().remove_link(link)?;
                Ok(Created::Nothing)
            }
            Action::SetState { peer, state } => {
                let was = net.peer(peer).ok_or(EditError::NoSuchPeer(peer))?.state;
                if state == PeerState::Offline && was != PeerState::Offline {
                    self.disconnect_requests(peer, None);
                }
                self.network_mut().set_state(peer, state)?;
                Ok(Created::Nothing)
            }
            Action::SetRole { peer, role } => {
                self.network_mut().set_role(peer, role)?;
                Ok(Created::Nothing)
            }
            Action::SetReachable { peer, reachable } => {
                self.network_mut().set_reachable(peer, reachable)?;
                Ok(Created::Nothing)
            }
            Action::SetLatency { a, b, latency_ms } => {
                let latency = Self::latency_from_ms(latency_ms)?;
                let link = self.link_between(a, b)?;
                self.network_mut().set_latency(link, latency)?;
                Ok(Created::Nothing)
            }
            Action::SetLoss { a, b, loss } => {
                let link = self.link_between(a, b)?;
                self.network_mut().set_loss(link, loss)?;

                Ok(Created::Nothing)
            }
            Action::SetValidationDelay { peer, ms } => {
                let delay = Self::latency_from_ms(ms)?;
                self.network_mut().set_validation_delay(peer, delay)?;
                Ok(Created::Nothing)
            }
        }
    }

    /// Sizes per-peer and per-link state to the network.
    fn grow(&mut self) {
        let (peers, links) = (self.network.peer_slots(), self.network.link_slots());
        for tx in &mut self.txs {
            tx.grow(peers);
        }
        if matches!(self.policy, RelayPolicy::Bitcoin(_)) {
            self.announcer.grow(peers, links);
        }
    }

    fn start_transaction(&mut self, origin: PeerId) -> TxId {
        let tx = TxId(self.txs.len() as u32);
        let mut record = TxRecord::new(origin, self.now, self.network.peer_slots());
        record.arrival[origin.index()] = self.now;
        record.certain_by[origin.index()] = self.now;
        record.hops[origin.index()] = 0;
        record.reached = 1;
        self.txs.push(record);
        self.grow();
        if self.duplicates_are_inert() && matches!(self.policy, RelayPolicy::Flood) {
            // Flood sends a body over nearly every link, most of them duplicates.
            self.lazy.reserve(2 * self.network.n_links());
        }
        let at = self.now;
        self.record(|| TraceEvent::Broadcast {
            at,
            tx,
            peer: origin,
        });
        self.record(|| TraceEvent::Reached {
            at,
            tx,
            peer: origin,
            hops: 0,
            parent: None,
        });
        // The origin made the transaction: it needs no validation.
        self.on_ready(origin, tx);
        tx
    }

    /// Processes the next event; returns its time, or `None` when nothing is left.
    pub fn step(&mut self) -> Option<Time> {
        if let Some(at) = self.next_action_time() {
            // Events due at the same time go first (see `schedule`).
            if self.queue.peek_time().is_none_or(|t| at < t) {
                return Some(self.apply_scheduled(at));
            }
        }
        let Some((time, event)) = self.queue.pop() else {
            return self.settle_lazy();
        };
        if time > caps::HORIZON {
            // Nothing a scenario can ask for gets here (every delay is capped); stop rather
            // than run on towards the end of representable time. (Checked on the popped
            // event: peeking first would cost a scan of the queue's buckets per event.)
            self.queue.clear();
            self.lazy.clear();
            self.horizon_reached = true;
            return None;
        }
        self.now = self.now.max(time);
        self.events_processed += 1;
        match event {
            Event::Deliver(msg) => self.deliver(msg),
            Event::Ready { peer, tx } => self.on_ready(peer, tx),
            Event::InvTimer { peer, outbound } => self.on_inv_timer(peer, outbound),
            Event::RequestCheck { peer, tx } => self.try_request(peer, tx),
            Event::NotFound {
                peer,
                tx,
                announcer,
            } => self.request_failed(peer, tx, announcer),
            Event::Round => self.on_round(),
        }
        Some(time)
    }

    /// Applies the next scheduled action, due at `at`, once every event up to `at` has run.
    fn apply_scheduled(&mut self, at: Time) -> Time {
        let Some(std::cmp::Reverse((_, index))) = self.pending_actions.pop() else {
            return at;
        };
        self.now = self.now.max(at);
        // Everything due by now has happened, duplicates kept aside included.
        self.queue.mark_past(self.now);
        self.events_processed += 1;
        if let Some(action) = self.scheduled.get_mut(index).and_then(Option::take) {
            if let Err(error) = self.apply(action.clone()) {
                self.refusals.push(Refusal {
                    at: self.now,
                    action,
                    error,
                });
            }
        }
        at
    }

    /// Processes every event up to and including `until`, then sets the clock to `until`.
    pub fn step_until(&mut self, until: Time) {
        while self.next_event_time().is_some_and(|t| t <= until) {
            self.step();
        }
        self.now = self.now.max(until);
        self.queue.mark_past(self.now);
    }

    /// Runs until nothing is left to happen.
    pub fn run(&mut self) {
        let _finished = self.run_with_progress(u64::MAX, &mut |_| ControlFlow::Continue(()));
    }

    /// Runs until nothing is left to happen, calling `progress` every `every` events.
    ///
    /// `progress` may stop the run early by returning `Break`; the result
    /// says whether the run finished. No edit can come from outside until a
    /// run to completion returns, so duplicates that arrive before the next
    /// scheduled action are simply counted, not kept (see [`LazyDuplicate`]).
    pub fn run_with_progress(
        &mut self,
        every: u64,
        progress: &mut dyn FnMut(&Simulation) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        self.to_completion = true;
        let mut next_report = self.events_processed.saturating_add(every);
        let mut flow = ControlFlow::Continue(());
        while self.step().is_some() {
            if self.events_processed >= next_report {
                flow = progress(self);
                if flow.is_break() {
                    break;
                }
                next_report = next_report.saturating_add(every);
            }
        }
        self.to_completion = false;
        self.now = self.now.max(self.last_counted_arrival);
        flow
    }

    /// Before which time a duplicate can be counted at once: only in a run to
    /// completion, and only before the next scheduled action.
    fn count_duplicates_before(&self) -> Time {
        match self.to_completion {
            true => self.next_action_time().unwrap_or(Time::MAX),
            false => Time::ZERO,
        }
    }

    /// Runs at most `max_events` events; returns whether the run is now idle.
    pub fn run_bounded(&mut self, max_events: u64) -> bool {
        for _ in 0..max_events {
            if self.step().is_none() {
                return true;
            }
        }
        self.is_idle()
    }

    // ---- Sending and delivering -------------------------------------------------------------

    fn send(&mut self, from: PeerId, adj: Adjacent, tx: TxId, kind: MessageKind) {
        let record = &mut self.txs[tx.index()];
        record.messages[kind.index()] += 1;
        let doomed = self.network.any_lossy_link()
            && self
                .network
                .link(adj.link)
                .is_some_and(|l| l.loss > 0.0 && self.rng.chance(l.loss));
        let arrives = self.now + adj.latency();
        if kind == MessageKind::Tx && !doomed && self.duplicates_are_inert() {
            let online = !self.network.any_offline()
                || self
                    .network
                    .peer(adj.peer)
                    .is_some_and(|p| p.state != PeerState::Offline);
            let count_before = self.count_duplicates_before();
            let record = &mut self.txs[tx.index()];
            if online {
                let best = &mut record.certain_by[adj.peer.index()];
                if *best <= arrives && arrives < count_before {
                    record.redundant += 1;
                    self.last_counted_arrival = self.last_counted_arrival.max(arrives);
                    return;
                }
                if *best <= arrives {
                    let seq = self.queue.reserve_seq();
                    self.lazy.push(LazyDuplicate::new(arrives, seq, &adj, tx));
                    return;
                }
                *best = arrives;
                record.ahead.push(adj.peer);
            }
        }
        let msg = Message {
            from,
            to: adj.peer,
            link: adj.link,
            tx,
            kind,
            doomed,
            to_opened: !adj.outbound(),
        };
        self.queue.push(arrives, Event::Deliver(msg));
        let at = self.now;
        self.record(|| TraceEvent::Sent {
            at,
            arrives,
            tx,
            from,
            to: adj.peer,
            kind,
        });
    }

    fn deliver(&mut self, msg: Message) {
        let lost = if msg.doomed {
            Some(LostReason::LinkLoss)
        } else if !self.network.is_link_live(msg.link) {
            if self.network.contains(msg.to) {
                Some(LostReason::LinkRemoved)
            } else {
                Some(LostReason::RecipientRemoved)
            }
        } else if self.network.any_offline()
            && self
                .network
                .peer(msg.to)
                .is_some_and(|p| p.state == PeerState::Offline)
        {
            Some(LostReason::RecipientOffline)
        } else {
            None
        };
        let outcome = match lost {
            Some(reason) => {
                self.txs[msg.tx.index()].lost += 1;
                if msg.kind == MessageKind::Tx {
                    // No answer is feedback too: the contact was wasted.
                    self.feedback_on_arrival(msg.tx, msg.from);
                }
                Outcome::Lost { reason }
            }
            None => match msg.kind {
                MessageKind::Tx => self.receive_tx(msg),
                MessageKind::Inv => self.receive_inv(msg),
                MessageKind::GetData => self.receive_getdata(msg),
            },
        };
        let at = self.now;
        let Message {
            tx, from, to, kind, ..
        } = msg;
        self.record(|| TraceEvent::Delivered {
            at,
            tx,
            from,
            to,
            kind,
            outcome,
        });
    }

    /// The adjacency entry of `peer` for `link`, if the link is live.
    fn adjacent_via(&self, peer: PeerId, link: LinkId) -> Option<Adjacent> {
        self.network.adjacent_entry(peer, link)
    }

    fn receive_tx(&mut self, msg: Message) -> Outcome {
        let Message { from, to, tx, .. } = msg;
        let now = self.now;
        let record = &mut self.txs[tx.index()];
        if record.has(to) {
            record.redundant += 1;
            self.feedback_on_arrival(tx, from);
            return Outcome::Redundant;
        }
        let hops = record.hops[from.index()].saturating_add(1);
        record.arrival[to.index()] = now;
        record.certain_by[to.index()] = now;
        record.hops[to.index()] = hops;
        record.parent[to.index()] = from;
        record.reached += 1;
        if let Some(request) = record.requests.get_mut(to.index()) {
            *request = None;
        }
        if matches!(self.policy, RelayPolicy::Bitcoin(_)) {
            // The link is live (a message on a removed link is lost before it is received).
            self.txs[tx.index()].set_known(msg.receiver_side());
        }
        self.record(|| TraceEvent::Reached {
            at: now,
            tx,
            peer: to,
            hops,
            parent: Some(from),
        });
        let delay = match self.network.any_validation_delay() {
            true => self
                .network
                .peer(to)
                .map_or(Time::ZERO, |p| p.validation_delay),
            false => Time::ZERO,
        };
        if delay == Time::ZERO {
            self.on_ready(to, tx);
        } else {
            self.queue.push(now + delay, Event::Ready { peer: to, tx });
        }
        Outcome::New
    }

    /// Whether `peer` may send `tx` on: relaying peers may, and the origin may send its own.
    fn may_send(&self, peer: PeerId, tx: TxId) -> bool {
        self.network.peer(peer).is_some_and(|p| {
            p.relays() || (self.txs[tx.index()].origin == peer && p.state != PeerState::Offline)
        })
    }

    /// The peer has the transaction validated: hand it to the relay policy.
    fn on_ready(&mut self, peer: PeerId, tx: TxId) {
        if !self.may_send(peer, tx) {
            return;
        }
        match self.policy.clone() {
            RelayPolicy::Flood => {
                let parent = self.txs[tx.index()].parent[peer.index()];
                if self.duplicates_are_inert()
                    && !self.network.any_lossy_link()
                    && !self.network.any_offline()
                {
                    self.flood_fast(peer, tx, parent);
                } else {
                    self.send_to_neighbours(peer, tx, |adj| adj.peer != parent);
                }
            }
            RelayPolicy::Bitcoin(params) => {
                self.announcer.relay_log[peer.index()].push(tx);
                self.arm_inv_timers(peer, &params);
            }
            RelayPolicy::Push(params) => self.activate_push(peer, tx, &params),
            RelayPolicy::Rumor(_) => {
                let record = &mut self.txs[tx.index()];
                record.ensure_round_state(peer);
                record.budget[peer.index()] = 0;
                record.interested[peer.index()] = true;
                record.active.push(peer);
                self.ensure_round(self.now);
            }
            RelayPolicy::ClientServer(params) => {
                let server = match params.server {
                    Some(server) => Some(server),
                    None => *self
                        .default_server_cache
                        .get_or_insert_with(|| default_server(&self.network)),
                };
                let parent = self.txs[tx.index()].parent[peer.index()];
                if Some(peer) == server {
                    self.send_to_neighbours(peer, tx, |adj| adj.peer != parent);
                } else if self.txs[tx.index()].origin == peer {
                    self.send_to_neighbours(peer, tx, |adj| Some(adj.peer) == server);
                }
            }
        }
    }

    /// Sends `tx` to every neighbour over a transaction-carrying link that `wanted` accepts.
    fn send_to_neighbours(&mut self, peer: PeerId, tx: TxId, wanted: impl Fn(&Adjacent) -> bool) {
        for i in 0..self.network.adjacent(peer).len() {
            let adj = self.network.adjacent(peer)[i];
            if adj.carries_transactions() && wanted(&adj) {
                self.send(peer, adj, tx, MessageKind::Tx);
            }
        }
    }

    /// The client-server default: the peer with the most links, lowest id on a tie.
    pub fn default_server(&self) -> Option<PeerId> {
        default_server(&self.network)
    }

    // ---- Results ----------------------------------------------------------------------------

    pub(crate) fn tx_record(&self, tx: TxId) -> Option<&TxRecord> {
        self.txs.get(tx.index())
    }

    /// When `peer` first received `tx`, counted from the broadcast.
    pub fn first_arrival(&self, tx: TxId, peer: PeerId) -> Option<Time> {
        let record = self.tx_record(tx)?;
        record
            .has(peer)
            .then(|| record.arrival[peer.index()] - record.created)
    }

    /// Hops from the source to `peer` along the path of first arrival.
    pub fn hops(&self, tx: TxId, peer: PeerId) -> Option<u32> {
        let record = self.tx_record(tx)?;
        record.has(peer).then(|| record.hops[peer.index()])
    }

    /// The neighbour `peer` first received `tx` from (`None` for the source).
    pub fn parent(&self, tx: TxId, peer: PeerId) -> Option<PeerId> {
        let record = self.tx_record(tx)?;
        let parent = *record.parent.get(peer.index())?;
        (parent != NO_PEER).then_some(parent)
    }

    /// The source of `tx`.
    pub fn origin(&self, tx: TxId) -> Option<PeerId> {
        self.tx_record(tx).map(|r| r.origin)
    }

    /// Per-peer results for `tx`, one per live peer, in id order.
    pub fn peer_results(&self, tx: TxId) -> Vec<PeerResult> {
        self.network
            .peer_ids()
            .map(|id| PeerResult {
                id,
                first_arrival_ms: self.first_arrival(tx, id).map(Time::as_ms_f64),
                hops: self.hops(tx, id),
                parent: self.parent(tx, id),
            })
            .collect()
    }
}
