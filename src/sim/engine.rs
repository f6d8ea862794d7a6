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

use std::collections::VecDeque;
use std::ops::ControlFlow;

use serde::Serialize;

use crate::sim::action::Action;
use crate::sim::caps;
use crate::sim::latency::LatencyModel;
use crate::sim::network::{Adjacent, EditError, LinkId, Network, PeerId, PeerState};
use crate::sim::queue::EventQueue;
use crate::sim::relay::{BitcoinParams, PushParams, RelayPolicy, RumorMode, RumorParams};
use crate::sim::rng::SimRng;
use crate::sim::time::Time;
use crate::sim::trace::{LostReason, MessageKind, Outcome, TraceEvent};

/// A transaction's id within one run: 0 for the first broadcast, then 1, 2, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TxId(pub u32);

impl TxId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

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

/// What an applied action produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Nothing new to name.
    Done,
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

/// A Bitcoin peer's pending request for one transaction (Core's TxRequestTracker, simplified).
#[derive(Clone, Debug, Default)]
struct Request {
    /// Announcers not yet asked: (peer, link, time it may be asked, preferred).
    candidates: Vec<(PeerId, LinkId, Time, bool)>,
    /// The announcer asked, and when the request times out.
    in_flight: Option<(PeerId, Time)>,
}

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
    active: Vec<PeerId>,
    /// Push: rounds left per peer; rumor: the loss-of-interest counter.
    budget: Vec<u32>,
    /// Whether the peer is still pushing (push and rumor).
    interested: Vec<bool>,
    /// Bitcoin: pending requests per peer.
    requests: Vec<Option<Box<Request>>>,
    /// Bitcoin: bit `2 * link + side` says "this side knows the other side has it".
    known: Vec<u64>,
    /// Per peer: a time by which it certainly has the body unless an edit
    /// intervenes: its first arrival, or the earliest arrival of a queued
    /// body that nothing can lose (see [`LazyDuplicate`]).
    certain_by: Vec<Time>,
    /// Peers whose `certain_by` is set ahead of their arrival (a queued body):
    /// the only entries an edit must reset, so an edit costs what it touches.
    ahead: Vec<PeerId>,
}

impl TxRecord {
    fn new(origin: PeerId, created: Time, peer_slots: usize) -> TxRecord {
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

    fn grow(&mut self, peer_slots: usize) {
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

    fn is_known(&self, side: usize) -> bool {
        self.known
            .get(side / 64)
            .is_some_and(|w| w & (1 << (side % 64)) != 0)
    }

    fn set_known(&mut self, side: usize) {
        if self.known.len() <= side / 64 {
            self.known.resize(side / 64 + 1, 0);
        }
        self.known[side / 64] |= 1 << (side % 64);
    }

    /// The announcer `peer` has asked for this transaction and is waiting on, if any.
    fn asked_by(&self, peer: PeerId) -> Option<PeerId> {
        let request = self.requests.get(peer.index())?.as_ref()?;
        request.in_flight.map(|(announcer, _)| announcer)
    }

    fn request_mut(&mut self, peer: PeerId) -> &mut Request {
        if self.requests.len() <= peer.index() {
            self.requests.resize(peer.index() + 1, None);
        }
        self.requests[peer.index()].get_or_insert_with(Default::default)
    }

    fn ensure_round_state(&mut self, peer: PeerId) {
        if self.budget.len() <= peer.index() {
            self.budget.resize(peer.index() + 1, 0);
            self.interested.resize(peer.index() + 1, false);
        }
    }
}

/// Bitcoin relay state shared by all transactions: what each peer has to
/// announce, and its Poisson INV timers.
#[derive(Clone, Debug, Default)]
struct Announcer {
    /// Per peer: transactions it relays, in the order it became ready to.
    relay_log: Vec<Vec<TxId>>,
    /// Per link side (`2 * link + side`): how much of the sender's log it has announced.
    cursor: Vec<u32>,
    /// Per peer: the next fire time of the timer shared by its inbound peers.
    next_inbound: Vec<Time>,
    inbound_armed: Vec<bool>,
    /// Per link side: the next fire time of the opener's timer for that outbound peer.
    next_outbound: Vec<Time>,
    outbound_armed: Vec<bool>,
    /// Per link side: announcements a capped trickle left for the next one (few sides
    /// ever have any, so a map rather than a vector per side).
    carried: std::collections::BTreeMap<usize, Vec<TxId>>,
}

impl Announcer {
    fn grow(&mut self, peer_slots: usize, link_slots: usize) {
        if self.relay_log.len() < peer_slots {
            self.relay_log.resize(peer_slots, Vec::new());
            self.next_inbound.resize(peer_slots, Time::ZERO);
            self.inbound_armed.resize(peer_slots, false);
        }
        if self.cursor.len() < 2 * link_slots {
            self.cursor.resize(2 * link_slots, 0);
            self.next_outbound.resize(2 * link_slots, Time::ZERO);
            self.outbound_armed.resize(2 * link_slots, false);
        }
    }
}

/// The next tick of a Poisson timer, as Bitcoin Core keeps it: a tick still
/// to come stands; once it has passed, the next one is drawn from now.
fn next_poisson_tick(rng: &mut SimRng, next: &mut Time, now: Time, mean_ms: f64) -> Time {
    if *next <= now {
        let gap = rng.exponential(mean_ms);
        *next = now + Time::try_from_ms_f64(gap).unwrap_or(Time::ZERO);
    }
    *next
}

/// The index of "`peer`'s side" of a link: `2 * link` for the opener, `+ 1` for the acceptor.
fn side(adj: &Adjacent) -> usize {
    2 * adj.link.index() + usize::from(!adj.outbound())
}

/// A deterministic, sans-IO gossip simulation over a [`Network`].
#[derive(Clone, Debug)]
pub struct Simulation {
    network: Network,
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

/// Bitcoin: an announcer's rank for a transaction's request, lowest first: a salted hash, as
/// Core's TxRequestTracker ranks equally ready announcers (SplitMix64's finalizer as the hash).
fn request_rank(salt: u64, tx: TxId, announcer: PeerId) -> u64 {
    let mut z = salt ^ (u64::from(tx.0) << 32) ^ u64::from(announcer.0);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
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
struct LazyDuplicate {
    arrives: Time,
    seq: u64,
    /// The link id, with the top bit set when the acceptor sent it to the
    /// opener: the link stays live until the duplicate is materialized, so
    /// its ends name sender and recipient (and the entry stays 24 bytes).
    link_and_direction: u32,
    tx: TxId,
}

const FROM_ACCEPTOR: u32 = 1 << 31;

impl LazyDuplicate {
    fn new(arrives: Time, seq: u64, adj: &Adjacent, tx: TxId) -> LazyDuplicate {
        let direction = if adj.outbound() { 0 } else { FROM_ACCEPTOR };
        LazyDuplicate {
            arrives,
            seq,
            link_and_direction: adj.link.0 | direction,
            tx,
        }
    }

    fn link(&self) -> LinkId {
        LinkId(self.link_and_direction & !FROM_ACCEPTOR)
    }

    /// The message it stands for, while its link is live.
    fn message(&self, network: &Network) -> Option<Message> {
        let link = network.link(self.link())?;
        let (from, to) = match self.link_and_direction & FROM_ACCEPTOR {
            0 => (link.from, link.to),
            _ => (link.to, link.from),
        };
        let (link, tx) = (link.id, self.tx);
        Some(Message {
            from,
            to,
            link,
            tx,
            kind: MessageKind::Tx,
            doomed: false,
        })
    }
}

impl Simulation {
    /// A simulation of `policy` over `network`, its draws seeded by `seed`.
    pub fn new(network: Network, policy: RelayPolicy, seed: u64) -> Result<Simulation, String> {
        policy.validate()?;

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
            Applied::Tx(tx) => Ok(tx),
            _ => unreachable!("a broadcast yields a transaction"),
        }
    }

    /// Applies an action at the current virtual time; on error nothing changes.
    pub fn apply(&mut self, action: Action) -> Result<Applied, EditError> {
        let applied = self.apply_inner(&action)?;
        let at = self.now;
        self.record(|| TraceEvent::Applied { at, action });
        Ok(applied)
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

    fn apply_inner(&mut self, action: &Action) -> Result<Applied, EditError> {
        if !matches!(action, Action::Broadcast { .. }) {
            self.default_server_cache = None;
        }
        if matches!(
            action,
            Action::RemovePeer { .. } | Action::RemoveLink { .. } | Action::SetState { .. }
        ) {
            // These can lose messages in flight: every message must be in the queue.
            self.materialize_lazy();
        }
        let net = &mut self.network;
        match *action {
            Action::Broadcast { peer } => {
                let state = net.peer(peer).ok_or(EditError::NoSuchPeer(peer))?.state;
                if state == PeerState::Offline {
                    return Err(EditError::PeerOffline(peer));
                }
                if !transactions_fit(self.txs.len() + 1, net.peer_slots(), net.n_links()) {
                    return Err(EditError::TooManyTransactions);
                }
                Ok(Applied::Tx(self.start_transaction(peer)))
            }
            Action::AddPeer { role, reachable } => {
                if !transactions_fit(self.txs.len(), net.peer_slots() + 1, net.n_links()) {
                    return Err(EditError::TooManyTransactions);
                }
                let id = net.add_peer(role, reachable)?;
                self.grow();
                Ok(Applied::Peer(id))
            }
            Action::RemovePeer { peer } => {
                if !net.contains(peer) {
                    return Err(EditError::NoSuchPeer(peer));
                }
                self.disconnect_requests(peer, None);
                self.network.remove_peer(peer)?;
                Ok(Applied::Done)
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
                let link = self.network.add_link(from, to, latency, kind)?;
                self.grow();
                // A new link announces only what its ends learn from now on.
                let a = &mut self.announcer;
                for (end, side) in [(from, 2 * link.index()), (to, 2 * link.index() + 1)] {
                    if let Some(log) = a.relay_log.get(end.index()) {
                        a.cursor[side] = log.len() as u32;
                        a.outbound_armed[side] = false;
                    }
                }
                Ok(Applied::Link(link))
            }
            Action::RemoveLink { a, b } => {
                let link = self.link_between(a, b)?;
                self.disconnect_requests(a, Some(b));
                self.disconnect_requests(b, Some(a));
                self.network.remove_link(link)?;
                Ok(Applied::Done)
            }
            Action::SetState { peer, state } => {
                let was = net.peer(peer).ok_or(EditError::NoSuchPeer(peer))?.state;
                if state == PeerState::Offline && was != PeerState::Offline {
                    self.disconnect_requests(peer, None);
                }
                self.network.set_state(peer, state)?;
                Ok(Applied::Done)
            }
            Action::SetRole { peer, role } => {
                net.set_role(peer, role)?;
                Ok(Applied::Done)
            }
            Action::SetReachable { peer, reachable } => {
                net.set_reachable(peer, reachable)?;
                Ok(Applied::Done)
            }
            Action::SetLatency { a, b, latency_ms } => {
                let latency = Self::latency_from_ms(latency_ms)?;
                let link = self.link_between(a, b)?;
                self.network.set_latency(link, latency)?;
                Ok(Applied::Done)
            }
            Action::SetLoss { a, b, loss } => {
                let link = self.link_between(a, b)?;
                self.network.set_loss(link, loss)?;

                Ok(Applied::Done)
            }
            Action::SetValidationDelay { peer, ms } => {
                let delay = Self::latency_from_ms(ms)?;
                net.set_validation_delay(peer, delay)?;
                Ok(Applied::Done)
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

    /// Whether a duplicate body does nothing but count (and no trace is kept).
    fn duplicates_are_inert(&self) -> bool {
        !self.tracing
            && matches!(
                self.policy,
                RelayPolicy::Flood | RelayPolicy::Push(_) | RelayPolicy::ClientServer(_)
            )
    }

    /// Whether a lazy duplicate's delivery lies in the past of the run.
    fn is_delivered(&self, lazy: &LazyDuplicate) -> bool {
        self.queue.is_past(lazy.arrives, lazy.seq)
    }

    /// Counts delivered lazy duplicates and puts the rest back into the queue.
    fn materialize_lazy(&mut self) {
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
    fn settle_lazy(&mut self) -> Option<Time> {
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
            if let Some(adj) = self.adjacent_via(to, msg.link) {
                self.txs[tx.index()].set_known(side(&adj));
            }
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

    /// Flood's relay from `peer` when no message can be lost or traced: the
    /// same sends, sequence numbers and lazy duplicates as [`Simulation::send`]
    /// makes one by one, in one tight loop.
    fn flood_fast(&mut self, peer: PeerId, tx: TxId, parent: PeerId) {
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
                };
                self.queue.push(arrives, Event::Deliver(msg));
            }
        }
        record.messages[MessageKind::Tx.index()] += sent;
        self.last_counted_arrival = last_counted;
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

    // ---- Bitcoin announce-request ---------------------------------------------------------

    fn arm_inv_timers(&mut self, peer: PeerId, params: &BitcoinParams) {
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
    fn arm_outbound_timer(&mut self, peer: PeerId, link: LinkId, params: &BitcoinParams) {
        let side = 2 * link.index();
        if !self.announcer.outbound_armed[side] {
            self.announcer.outbound_armed[side] = true;
            let next = &mut self.announcer.next_outbound[side];
            let at = next_poisson_tick(&mut self.rng, next, self.now, params.outbound_inv_mean_ms);
            let outbound = Some(link);
            self.queue.push(at, Event::InvTimer { peer, outbound });
        }
    }

    /// Arms the timer `peer` shares among its inbound peers, unless it is armed.
    fn arm_inbound_timer(&mut self, peer: PeerId, params: &BitcoinParams) {
        let p = peer.index();
        if !self.announcer.inbound_armed[p] {
            self.announcer.inbound_armed[p] = true;
            let next = &mut self.announcer.next_inbound[p];
            let at = next_poisson_tick(&mut self.rng, next, self.now, params.inbound_inv_mean_ms);
            let outbound = None;
            self.queue.push(at, Event::InvTimer { peer, outbound });
        }
    }

    fn on_inv_timer(&mut self, peer: PeerId, outbound: Option<LinkId>) {
        match outbound {
            None => {
                if let Some(armed) = self.announcer.inbound_armed.get_mut(peer.index()) {
                    *armed = false;
                }
            }
            Some(link) => {
                let side = 2 * link.index();
                if !self.announcer.outbound_armed[side] {
                    // The link was replaced or re-armed since this timer was set.
                    return;
                }
                self.announcer.outbound_armed[side] = false;
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
    fn announce(&mut self, peer: PeerId, adj: Adjacent, params: &BitcoinParams) -> bool {
        let side = side(&adj);
        let start = self.announcer.cursor[side] as usize;
        let end = self.announcer.relay_log[peer.index()].len();
        self.announcer.cursor[side] = end as u32;
        let carried = self.announcer.carried.remove(&side).unwrap_or_default();
        let queued = carried.len() + (end - start);
        let cap = params.trickle_cap(queued);
        if carried.is_empty() && queued <= cap {
            // Everything fits in one INV, so its order does not matter: the log's order.
            for i in start..end {
                let tx = self.announcer.relay_log[peer.index()][i];
                self.announce_one(peer, adj, side, tx);
            }
            return false;
        }
        let mut queue = carried;
        queue.extend_from_slice(&self.announcer.relay_log[peer.index()][start..end]);
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
    fn announce_one(&mut self, peer: PeerId, adj: Adjacent, side: usize, tx: TxId) -> bool {
        if !self.may_send(peer, tx) || self.txs[tx.index()].is_known(side) {
            return false;
        }
        self.txs[tx.index()].set_known(side);
        self.send(peer, adj, tx, MessageKind::Inv);
        true
    }

    fn bitcoin_params(&self) -> BitcoinParams {
        match &self.policy {
            RelayPolicy::Bitcoin(p) => p.clone(),
            _ => BitcoinParams::default(),
        }
    }

    fn receive_inv(&mut self, msg: Message) -> Outcome {
        let Message {
            from, to, tx, link, ..
        } = msg;
        let Some(adj) = self.adjacent_via(to, link) else {
            return Outcome::Redundant;
        };
        let params = self.bitcoin_params();
        let record = &mut self.txs[tx.index()];
        record.set_known(side(&adj));
        if record.has(to) {
            record.redundant += 1;
            return Outcome::Redundant;
        }
        // Ask outbound peers at once; inbound ones only after a delay.
        let preferred = adj.outbound();
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

    fn try_request(&mut self, peer: PeerId, tx: TxId) {
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
    fn request_failed(&mut self, peer: PeerId, tx: TxId, announcer: PeerId) {
        let record = &mut self.txs[tx.index()];
        if record.asked_by(peer) == Some(announcer) {
            record.request_mut(peer).in_flight = None;
            self.try_request(peer, tx);
        }
    }

    /// Before `gone` goes offline or away, or its link to a neighbour goes (`only`), the
    /// peers waiting on it for a transaction are told, as a disconnection tells a Core node.
    fn disconnect_requests(&mut self, gone: PeerId, only: Option<PeerId>) {
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

    fn receive_getdata(&mut self, msg: Message) -> Outcome {
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

    // ---- Push gossip and rumor mongering ---------------------------------------------------

    fn activate_push(&mut self, peer: PeerId, tx: TxId, params: &PushParams) {
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
    fn ensure_round(&mut self, earliest: Time) {
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

    fn on_round(&mut self) {
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
    fn load_neighbours(&mut self, peer: PeerId) {
        self.scratch.clear();
        self.scratch.extend(
            self.network
                .adjacent(peer)
                .iter()
                .filter(|a| a.carries_transactions()),
        );
    }

    fn push_round(&mut self, peer: PeerId, tx: TxId, params: &PushParams) -> bool {
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
    fn rumor_round(&mut self, peer: PeerId, tx: TxId, params: &RumorParams) -> bool {
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
    fn feedback_on_arrival(&mut self, tx: TxId, sender: PeerId) {
        if let RelayPolicy::Rumor(params) = &self.policy {
            if params.mode == RumorMode::FeedbackCoin {
                let params = params.clone();
                self.lose_interest(tx, sender, &params);
            }
        }
    }

    /// One step of loss of interest: count towards k, or toss a 1/k coin.
    fn lose_interest(&mut self, tx: TxId, peer: PeerId, params: &RumorParams) {
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
