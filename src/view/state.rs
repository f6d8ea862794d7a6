//! The app's state and the commands that change it: the network, its history, the run, playback.
//!
//! [`AppState`] is plain Rust, tested natively; the Yew components hold one,
//! send it [`Command`]s and draw what it reports. Undo and redo rebuild the
//! run from the starting network and the list of inputs (broadcasts and edits
//! at their virtual times): the core is deterministic, so the rebuilt run is
//! the old one without the undone input.

use std::sync::Arc;

pub use crate::view::layout::FORCE_LAYOUT_PEERS;

use crate::sim::action::Action;
use crate::sim::engine::{Created, Simulation, TxId};
use crate::sim::error::OrPanic;
use crate::sim::eviction::eviction_candidate;
use crate::sim::generate::{Generation, GeneratorSpec, Topology};
use crate::sim::graph::{self, CriticalSearch, HopSearch};
use crate::sim::join::{plan_join, JoinPlan};
use crate::sim::latency::LatencyModel;
use crate::sim::metrics::Metrics;
use crate::sim::network::{EditError, Limits, LinkId, LinkKind, Network, PeerId, PeerState, Role};
use crate::sim::relay::RelayPolicy;
use crate::sim::scenario::{Built, Scenario, ScenarioError};
use crate::sim::time::Time;
use crate::sim::trace::{MessageKind, Outcome, TraceEvent};
use crate::view::layout::Layout;
use crate::view::presets;
use crate::view::rings::{Arrangement, RingSearch};

/// How fast virtual time runs on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// Virtual milliseconds per wall-clock millisecond, from 0.1 to 100.
    Factor(f64),
    /// One typical hop (the median link latency) per second.
    Classroom,
}

impl Speed {
    /// The slowest and fastest factors offered.
    pub const MIN_FACTOR: f64 = 0.1;
    /// See [`Speed::MIN_FACTOR`].
    pub const MAX_FACTOR: f64 = 100.0;
}

/// Everything a user can do, as data.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Loads a preset network (its id, e.g. `bitcoin-30`).
    LoadPreset(String),
    /// Loads a scenario (from a file or a link).
    LoadScenario(Box<Scenario>),
    /// Builds the current preset again with another seed.
    SetSeed(u64),
    /// Generates a network of a topology (its scenario name, e.g. `small-world`) and size.
    Generate { topology: String, peers: u32 },
    /// Switches the relay policy; the run restarts with the same inputs.
    SetRelay(RelayPolicy),
    /// Selects a peer; `additive` adds it to the selection (or removes it if it was in).
    SelectPeer { peer: PeerId, additive: bool },
    /// Selects a link.
    SelectLink(LinkId),
    /// Clears the selection.
    ClearSelection,
    /// Selects exactly these peers (a region drawn on the canvas); none clears the selection.
    SelectPeers(Vec<PeerId>),
    /// Adds a peer, at a layout position if given, and selects it.
    AddPeer { at: Option<(f64, f64)> },
    /// Removes the selected peers, or the selected link.
    RemoveSelection,
    /// Links the two selected peers (the first selected opens the link).
    LinkSelected,
    /// `from` opens a link to `to`.
    AddLink { from: PeerId, to: PeerId },
    /// Censors the selected peers, or stops them censoring.
    ToggleCensor,
    /// Takes the selected peers offline, or brings them back.
    ToggleOffline,
    /// Sets a peer's role.
    SetRole { peer: PeerId, role: Role },
    /// Sets whether a peer accepts inbound links.
    SetReachable { peer: PeerId, reachable: bool },
    /// Sets the latency of the link between two peers.
    SetLatency { a: PeerId, b: PeerId, ms: f64 },
    /// Broadcasts a new transaction from the selected peer (the first online peer if none is).
    Broadcast,
    /// Starts the clock.
    Play,
    /// Stops the clock.
    Pause,
    /// Moves to the next event.
    Step,
    /// Runs everything that is left at once.
    Finish,
    /// Sets the pace.
    SetSpeed(Speed),
    /// Back to time 0 with the current network and no transactions.
    Reset,
    /// Back to time 0 with the same inputs, to watch the same run again.
    Replay,
    /// Takes back the last input.
    Undo,
    /// Applies again what was undone.
    Redo,
    /// Wall-clock time passed: `ms` milliseconds.
    Tick { ms: f64 },
    /// A peer was dragged to a layout position.
    MovePeer { peer: PeerId, x: f64, y: f64 },
    /// Tells the user something (bad input the view caught itself).
    Notice(String),
    /// Removes every link between the peers of `side` and the rest: a partition.
    ///
    /// Each removed link is one input, in link id order; they are made
    /// together (all or none) and one [`Command::Undo`] restores them all.
    CutBetween { side: Vec<PeerId> },
    /// Removes every link the line from `from` to `to` (layout coordinates) crosses:
    /// a partition drawn across the picture.
    CutAlong { from: (f64, f64), to: (f64, f64) },
    /// Spreads one transaction from the selected peer (the first online peer if
    /// none is) under each relay policy of [`COMPARED_RELAYS`], on the network as
    /// it is at the clock, and keeps the results in [`AppState::comparison`].
    ///
    /// The run on screen is untouched; the results are a snapshot that stays
    /// until the next comparison or until another network loads.
    CompareRelays,
    /// Stops long work (see [`AppState::work`]) where it got to, and drops the
    /// commands of a [`Command::Run`] still waiting for it.
    Cancel,
    /// Puts a peer in a state (online, censoring, offline), whatever it was:
    /// doing it twice is doing it once.
    SetPeerState { peer: PeerId, state: PeerState },
    /// Shows or hides the single points of failure (cut vertices and bridges).
    ShowCutVertices(bool),
    /// Lays the peers out by forces, or in rings around the source (see [`crate::view::rings`]);
    /// the peers glide to their new places.
    Arrange(Arrangement),
    /// Skips quiet time while playing: when no message is in flight, the clock
    /// jumps to the next event (see [`AppState::quiet_skipped`]).
    SkipQuiet(bool),
    /// Carries out these commands in order, as one press of a button; one that
    /// starts long work holds the rest until it ends (a tick at a time).
    Run(Vec<Command>),
    /// A new full peer joins as a Bitcoin Core node does: it asks the DNS seeds
    /// for addresses, then opens its outbound links one at a time, a step every
    /// [`JOIN_STEP_MS`] of wall-clock time (long work: [`Command::Cancel`] stops it).
    JoinPeer { reachable: bool },
    /// Gives the network other link limits (refused if its links do not fit).
    SetLimits(Limits),
}

/// Whether a command leaves long work (and the commands waiting for it) going:
/// watching and selecting do; anything that changes the run or the network does not.
fn keeps_work(command: &Command) -> bool {
    matches!(
        command,
        Command::Tick { .. }
            | Command::MovePeer { .. }
            | Command::SelectPeer { .. }
            | Command::SelectLink(_)
            | Command::SelectPeers(_)
            | Command::ClearSelection
            | Command::SetSpeed(_)
            | Command::Notice(_)
            | Command::ShowCutVertices(_)
            | Command::Arrange(_)
            | Command::SkipQuiet(_)
            | Command::Run(_)
    )
}

/// The seed a joining peer's plan is drawn from: the run's seed, told apart by the
/// newcomer's id so that two joins differ.
pub fn join_seed(seed: u64, newcomer: PeerId) -> u64 {
    seed ^ (u64::from(newcomer.0) << 32)
}

/// The time constant of the peers' glide to new places, in wall-clock milliseconds.
const GLIDE_MS: f64 = 100.0;

/// Wall-clock milliseconds between a joining peer's connection attempts.
pub const JOIN_STEP_MS: f64 = 600.0;

/// One relay policy's spread in a comparison (see [`Command::CompareRelays`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The policy's name (`flood`, `bitcoin`, `push`).
    pub relay: String,
    /// Its totals: reach, speed, messages by kind.
    pub metrics: Metrics,
    /// Its coverage curve: (milliseconds since broadcast, peers reached by then).
    pub coverage: Vec<(f64, usize)>,
}

/// The relay policies [`Command::CompareRelays`] runs, each with its default parameters.
pub const COMPARED_RELAYS: [&str; 3] = ["flood", "bitcoin", "push"];

/// Spreads one transaction from `source` over `network` under each policy of
/// [`COMPARED_RELAYS`], with `latency` drawing the latencies of added links and
/// `seed` every random draw; the runs are independent of each other.
pub fn compare_relays(
    network: &Network,
    source: PeerId,
    latency: &LatencyModel,
    seed: u64,
) -> Result<Vec<Comparison>, String> {
    let network = Arc::new(network.clone());
    Ok(ComparisonJob::new(&network, source, latency, seed)?.finish())
}

/// The runs of a relay comparison, advanced a slice at a time so a large network
/// never blocks the page (see [`AppState::work`]).
#[derive(Clone, Debug)]
pub struct ComparisonJob {
    /// Each policy's name, its run, and the transaction it follows.
    runs: Vec<(String, Simulation, TxId)>,
    /// The run being advanced; the ones before it are done.
    current: usize,
}

impl ComparisonJob {
    /// The runs, each with its transaction broadcast and nothing run yet.
    pub fn new(
        network: &Arc<Network>,
        source: PeerId,
        latency: &LatencyModel,
        seed: u64,
    ) -> Result<ComparisonJob, String> {
        let runs = COMPARED_RELAYS
            .iter()
            .map(|name| {
                let relay = RelayPolicy::from_name(name).map_err(|e| e.to_string())?;
                let mut sim =
                    Simulation::new(Arc::clone(network), relay, seed).map_err(|e| e.to_string())?;
                sim.set_latency_model(latency.clone());
                let tx = sim.broadcast(source).map_err(|e| e.to_string())?;
                Ok((name.to_string(), sim, tx))
            })
            .collect::<Result<_, String>>()?;
        Ok(ComparisonJob { runs, current: 0 })
    }

    /// Runs at most `events` more events; returns whether every run has ended.
    pub fn advance(&mut self, mut events: u64) -> bool {
        while let Some((_, sim, _)) = self.runs.get_mut(self.current) {
            let before = sim.events_processed();
            if !sim.run_bounded(events) {
                return false;
            }
            events = events.saturating_sub(sim.events_processed() - before);
            self.current += 1;
        }
        true
    }

    /// Runs every run to its end and returns the results.
    pub fn finish(mut self) -> Vec<Comparison> {
        while !self.advance(u64::MAX) {}
        self.results()
    }

    /// Events run so far, over all the runs.
    pub fn events(&self) -> u64 {
        self.runs
            .iter()
            .map(|(_, sim, _)| sim.events_processed())
            .sum()
    }

    /// Each policy's totals and coverage curve.
    pub fn results(&self) -> Vec<Comparison> {
        self.runs
            .iter()
            .map(|(name, sim, tx)| Comparison {
                relay: name.clone(),
                metrics: sim.metrics(*tx),
                coverage: sim.coverage(*tx),
            })
            .collect()
    }
}

/// Work too long for one frame, done a slice per [`Command::Tick`] until it ends or
/// [`Command::Cancel`] stops it.
#[derive(Clone, Debug)]
enum Work {
    /// Running the simulation to its end ([`Command::Finish`]).
    Finishing,
    /// Running the run again from the start to where its clock was, after an undo, a redo
    /// or another relay (see [`AppState::rebuild`]).
    Rebuilding(Time),
    /// Running a relay comparison ([`Command::CompareRelays`]).
    Comparing(Box<ComparisonJob>),
    /// A peer joining, attempt by attempt ([`Command::JoinPeer`]).
    Joining(Box<Joining>),
    /// A large network being built ([`Command::LoadPreset`], [`Command::Generate`] or
    /// [`Command::LoadScenario`] above [`DEFERRED_LOAD_PEERS`] peers).
    Loading(Box<Loading>),
}

/// Networks with more peers than this are built in slices, one per frame, so that the page
/// says what it is doing and no frame waits for the whole (building Bitcoin's 110,000 peers
/// takes one to three seconds in wasm; 10,000 peers built in one go held the page for 87-167
/// ms, 250 ms with the forces' first placement).
pub const DEFERRED_LOAD_PEERS: u64 = 5_000;

/// Peers that open their links in one slice of building a large network (ten links each at
/// Bitcoin's size): 20-30 ms natively, most slices under 50 ms in the page on a 2-core machine.
pub const LINKING_PEERS_PER_SLICE: u32 = 5_000;

/// Steps of the search for cut vertices and bridges in one slice (a step follows one end of
/// a link): about 20 ms natively, most slices under 50 ms in the page.
pub const SEARCH_STEPS_PER_SLICE: usize = 600_000;

/// Steps of the search for the rings' places in one slice (a step follows one end of a
/// link): 13-19 ms natively at Bitcoin's size, where the whole search took one task of
/// 86-97 ms in the page.
pub const RING_STEPS_PER_SLICE: usize = 500_000;

/// A large network being built a slice per tick, so that no frame waits for all of it. Any
/// command that is not watching (an edit, [`Command::Cancel`]) drops it and the network on
/// screen stays.
#[derive(Clone, Debug)]
pub struct Loading {
    /// The preset's name, or "scenario".
    preset: String,
    scenario: Box<Scenario>,
    /// The generator topology, when [`Command::Generate`] asked for the network.
    generator: Option<Topology>,
    stage: LoadStage,
}

/// How far building a large network has got.
#[derive(Clone)]
enum LoadStage {
    /// Nothing done yet: the page has a frame to say what is coming.
    Waiting,
    /// Peers opening their links, [`LINKING_PEERS_PER_SLICE`] of them per tick.
    Linking(Box<Generation>),
    /// The network built, to be opened as the app's state on the next tick.
    Opening(Box<Built>),
    /// The new state, its peers to be placed on the next tick.
    Placing(Box<AppState>),
    /// The new state, whole but for its rings, searched for a slice per tick in the page's
    /// layout by [`AppState::refresh_rings`] (no search in the forces).
    Ringing(Box<AppState>),
    /// The new state, whole, to go on screen on the next tick.
    Ready(Box<AppState>),
}

impl std::fmt::Debug for LoadStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LoadStage::Waiting => "Waiting",
            LoadStage::Linking(_) => "Linking",
            LoadStage::Opening(_) => "Opening",
            LoadStage::Placing(_) => "Placing",
            LoadStage::Ringing(_) => "Ringing",
            LoadStage::Ready(_) => "Ready",
        })
    }
}

impl Loading {
    /// One slice of the work; the new state once it is whole, shown as `viewing` says.
    fn advance(&mut self, viewing: Viewing) -> Result<Option<AppState>, String> {
        let stage = std::mem::replace(&mut self.stage, LoadStage::Waiting);
        self.stage = match stage {
            LoadStage::Waiting => match &self.scenario.generator {
                Some(spec) => {
                    let generation = Generation::start(spec, self.scenario.seed)
                        .map_err(|e| ScenarioError::at("generator", e).to_string())?;
                    LoadStage::Linking(Box::new(generation))
                }
                None => {
                    let built = self.scenario.build().map_err(|e| e.to_string())?;
                    LoadStage::Opening(Box::new(built))
                }
            },
            LoadStage::Linking(mut generation) => {
                if generation.advance(LINKING_PEERS_PER_SLICE) {
                    let generated = generation
                        .finish()
                        .map_err(|e| ScenarioError::at("generator", e).to_string())?;
                    LoadStage::Opening(Box::new(generated.into()))
                } else {
                    LoadStage::Linking(generation)
                }
            }
            LoadStage::Opening(built) => {
                let mut state = AppState::from_built(&self.preset, &self.scenario, *built)?;
                state.generator = self.generator.clone();
                LoadStage::Placing(Box::new(state))
            }
            LoadStage::Placing(mut state) => {
                // Its cut vertices and bridges are searched for a slice per tick once it
                // is on screen (see AppState::search_facts).
                state.place_and_open();
                LoadStage::Ringing(state)
            }
            LoadStage::Ringing(mut state) => {
                // The rings the page will show (a search over every link at this size), a
                // slice per tick; the network goes on screen with them on the tick after.
                state.viewing = viewing;
                if state.arrangement() == Arrangement::Force || state.refresh_rings() {
                    LoadStage::Ready(state)
                } else {
                    LoadStage::Ringing(state)
                }
            }
            LoadStage::Ready(state) => return Ok(Some(*state)),
        };
        Ok(None)
    }

    /// What is under way, and how far it has got.
    fn progress(&self) -> WorkProgress {
        let (what, part) = match &self.stage {
            LoadStage::Waiting => ("building the network", None),
            LoadStage::Linking(generation) => {
                let (done, all) = generation.progress();
                (
                    "building the network",
                    Some((u64::from(done), u64::from(all), "peers linked")),
                )
            }
            LoadStage::Ringing(state) => (
                "placing the peers",
                state.ring_search.as_ref().map(|pending| {
                    (
                        pending.1.progress().0 as u64,
                        state.network().n_peers() as u64,
                        "peers placed",
                    )
                }),
            ),
            LoadStage::Opening(_) | LoadStage::Placing(_) | LoadStage::Ready(_) => {
                ("placing the peers", None)
            }
        };
        WorkProgress {
            what,
            events: 0,
            virtual_time: None,
            part,
        }
    }
}

/// A join under way: the plan, the attempts made, and the wall-clock wait
/// before the next one.
#[derive(Clone, Debug)]
pub struct Joining {
    plan: JoinPlan,
    made: usize,
    wait_ms: f64,
    /// What the last attempt did, for the page.
    last: String,
}

/// Where long work stands, for the page to show.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkProgress {
    /// What is being done, as a sentence fragment ("finishing the run").
    pub what: &'static str,
    /// Events processed so far.
    pub events: u64,
    /// The virtual time reached, for finishing.
    pub virtual_time: Option<Time>,
    /// Work counted in other units: how many are done, of how many, and what they are.
    pub part: Option<(u64, u64, &'static str)>,
}

impl WorkProgress {
    /// One line for the page: what is under way and how far it has got.
    pub fn sentence(&self) -> String {
        if let Some((done, all, unit)) = self.part {
            return format!(
                "{}: {} of {} {unit}…",
                capitalized(self.what),
                crate::view::format::count(done),
                crate::view::format::count(all)
            );
        }
        if self.events == 0 && self.virtual_time.is_none() {
            return format!("{}…", capitalized(self.what));
        }
        let mut line = format!("{}: {} events so far", capitalized(self.what), self.events);
        if let Some(t) = self.virtual_time {
            line.push_str(&format!(
                ", {:.1} s of virtual time",
                t.as_ms_f64() / 1000.0
            ));
        }
        line
    }
}

/// `text` with its first letter a capital (the app's own fragments, all ASCII: std's full
/// Unicode case tables would add 7 KB to the browser build).
fn capitalized(text: &str) -> String {
    let mut text = text.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

/// Networks up to this many peers finish, compare and run again after an undo at once (it
/// takes milliseconds); larger ones do it in slices, one per frame, of
/// [`WORK_EVENTS_PER_TICK`] events until the page sizes them to its frames
/// ([`AppState::set_events_per_slice`]).
pub const SLICED_WORK_PEERS: usize = 2_000;

/// Events in a slice of long work, until the page sizes slices to its frames.
pub const WORK_EVENTS_PER_TICK: u64 = 20_000;

/// A broadcast or an edit, at the virtual time it was made.
#[derive(Clone, Debug, PartialEq)]
struct Input {
    at: Time,
    action: Action,
    /// Made by the same command as the input before it: undone and redone with it.
    joined: bool,
    /// When it was made, as a count: a loaded timeline's entries in time order, then what is
    /// done here. Undo takes back the latest made, wherever it sits in time.
    made: u64,
}

/// A message on its way, for the animation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    /// Sender.
    pub from: PeerId,
    /// Recipient.
    pub to: PeerId,
    /// When it left.
    pub sent: Time,
    /// When it arrives.
    pub arrives: Time,
    /// What it carries.
    pub kind: MessageKind,
}

impl Flight {
    /// How far along its link the message is at `clock`: 0 as it leaves, 1 once it arrives
    /// (a message that arrives as it leaves counts as a microsecond's flight).
    pub fn progress(&self, clock: Time) -> f64 {
        let span = (self.arrives - self.sent).0.max(1) as f64;
        ((clock - self.sent).0 as f64 / span).clamp(0.0, 1.0)
    }

    /// Where the message is at `clock`, on the straight line from its sender at `from` to its
    /// recipient at `to`.
    pub fn position(&self, clock: Time, from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
        let done = self.progress(clock);
        (
            from.0 + (to.0 - from.0) * done,
            from.1 + (to.1 - from.1) * done,
        )
    }
}

/// A delivery that brought nothing new, for a brief flash.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flash {
    /// Where it was dropped.
    pub peer: PeerId,
    /// When.
    pub at: Time,
}

/// What is selected.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// One or more peers, in the order they were selected.
    Peers(Vec<PeerId>),
    /// A link.
    Link(LinkId),
}

/// The app: the network under study, its run, and how it is shown.
#[derive(Clone, Debug)]
pub struct AppState {
    preset: String,
    /// The topology the network was generated from, when not a preset.
    generator: Option<Topology>,
    seed: u64,
    relay: RelayPolicy,
    latency: LatencyModel,
    /// The network as loaded, before any input.
    base: Arc<Network>,
    notes: Vec<String>,
    inputs: Vec<Input>,
    /// The `made` count of the next input made here.
    next_made: u64,
    /// How many inputs the run has applied so far.
    applied: usize,
    redo: Vec<Input>,
    sim: Simulation,
    /// The virtual time on screen.
    clock: Time,
    playing: bool,
    speed: Speed,
    selection: Selection,
    message: Option<String>,
    flights: Vec<Flight>,
    /// One flash per peer at most: the latest redundant delivery.
    flashes: Vec<Flash>,
    /// Per peer slot: its index in `flashes`, if it is flashing.
    flash_index: Vec<Option<u32>>,
    /// Deliveries seen so far (Step runs until this grows).
    deliveries: u64,
    layout: Layout,
    /// Bumped on every change of the network's shape (peers or links).
    network_version: u64,
    facts_version: u64,
    /// The typical hop's latency, and the network version it was measured on.
    typical_hop: Option<(u64, Time)>,
    cut_vertices: Vec<PeerId>,
    bridges: Vec<LinkId>,
    /// The latest relay comparison (see [`Command::CompareRelays`]).
    comparison: Vec<Comparison>,
    /// Long work under way, a slice per tick.
    work: Option<Work>,
    /// How the run is shown; kept when another network loads.
    viewing: Viewing,
    /// Commands of a [`Command::Run`] waiting for long work to end.
    pending: std::collections::VecDeque<Command>,
    /// Virtual time skipped as quiet since the last broadcast, reset or load.
    quiet_skipped: Time,
    /// The network as the latest transaction left it, kept once an edit made
    /// after the spread ended changes it: why a peer was missed is read off this.
    passed: Option<(TxId, Arc<Network>)>,
    /// The ring places of the arrangement in force, once computed.
    rings: Option<Rings>,
    /// The search for the rings wanted, under way a slice per tick on a large network: what
    /// it is for, the search, and whether it has found every peer's ring.
    ring_search: Option<Box<(RingsKey, RingSearch, bool)>>,
    /// Events per slice of long work (the page sizes it to its frames, see
    /// [`AppState::set_events_per_slice`]).
    events_per_slice: u64,
    /// How many peers a transaction can reach, for the network version it was counted on.
    /// (network version, inputs applied, transaction, reachable peers).
    reachable_memo: std::cell::Cell<Option<(ReachableKey, usize)>>,
    /// The count of reachable peers of a large network, under way a slice per tick.
    reachable_search: Option<Box<(ReachableKey, HopSearch)>>,
    /// Where a run being run again was headed when a command cut it short, while that
    /// command is carried out (see [`AppState::resume_clock`]).
    rebuild_to: Option<Time>,
    /// The search for the cut vertices and bridges of a large network, under way a slice
    /// per tick, and the network version it searches.
    facts_search: Option<Box<(u64, CriticalSearch)>>,
    /// The generator the base network came from, while the base is still exactly
    /// what it builds: then a saved or shared scenario carries the generator and
    /// the inputs, not every peer and link.
    spec: Option<GeneratorSpec>,
}

/// What ring places were computed for: (network version, centre, arrangement).
type RingsKey = (u64, PeerId, Arrangement);

/// What a count of reachable peers holds for: network version, inputs applied, transaction.
type ReachableKey = (u64, usize, TxId);

/// The rings' places for one network version, centre and arrangement.
#[derive(Clone, Debug)]
struct Rings {
    key: RingsKey,
    /// A place per peer slot, `None` where there is no peer.
    places: Vec<Option<(f64, f64)>>,
    /// How many rings there are around the centre (the outermost may hold the
    /// peers the gossip cannot reach).
    count: u32,
}

/// Display choices that outlive the network they were made on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Viewing {
    show_cut_vertices: bool,
    skip_quiet: bool,
    /// The layout the user chose; `None` until they choose one, and then the
    /// network's size picks ([`AppState::arrangement`]).
    arrangement: Option<Arrangement>,
}

/// How long a redundant delivery keeps flashing, in wall-clock milliseconds.
const FLASH_WALL_MS: f64 = 400.0;

/// Events the run may take per tick, so one frame never freezes the page.
const EVENTS_PER_TICK: u64 = 2_000_000;

impl AppState {
    /// The app on the default preset.
    pub fn new() -> AppState {
        AppState::with_preset(presets::DEFAULT_PRESET, 1).or_panic("the default preset builds")
    }

    /// The app on a preset and seed.
    pub fn with_preset(id: &str, seed: u64) -> Result<AppState, String> {
        let scenario =
            presets::scenario(id, seed).ok_or_else(|| format!("there is no preset '{id}'"))?;
        AppState::from_scenario(id, &scenario)
    }

    /// The app on a freshly generated network.
    pub fn generated(
        topology: Topology,
        relay: RelayPolicy,
        seed: u64,
    ) -> Result<AppState, String> {
        let scenario = AppState::generated_scenario(topology.clone(), relay, seed);
        let mut state = AppState::from_scenario(topology.name(), &scenario)?;
        state.generator = Some(topology);
        Ok(state)
    }

    /// The scenario of a freshly generated network: [`AppState::generated`] opens it.
    fn generated_scenario(topology: Topology, relay: RelayPolicy, seed: u64) -> Scenario {
        let latency = match topology {
            Topology::Regions { .. } => topology.default_latency(),
            _ => LatencyModel::LogNormal {
                mean_ms: 100.0,
                sd_ms: 40.0,
            },
        };
        presets::generated(topology, latency, relay, seed)
    }

    /// The app as it opens a scenario from a link, a file or the autosave: at once up to
    /// [`DEFERRED_LOAD_PEERS`] peers; a larger one is checked now, then built a slice per tick
    /// over the default network ([`AppState::work`] says how far it has got).
    pub fn opening(scenario: Scenario) -> Result<AppState, String> {
        let mut state = AppState::new();
        state.load(Command::LoadScenario(Box::new(scenario)))?;
        Ok(state)
    }

    /// The app on a scenario (its timeline becomes the inputs).
    pub fn from_scenario(preset: &str, scenario: &Scenario) -> Result<AppState, String> {
        scenario.validate().map_err(|e| e.to_string())?;
        crate::view::share::fits_the_app(scenario)?;
        let built = scenario.build().map_err(|e| e.to_string())?;
        let mut state = AppState::from_built(preset, scenario, built)?;
        state.place_and_open();
        state.refresh_facts();
        Ok(state)
    }

    /// The app on a scenario whose network is built, its peers not yet placed
    /// ([`AppState::place_and_open`] does that), its cut vertices and bridges not yet found.
    fn from_built(preset: &str, scenario: &Scenario, built: Built) -> Result<AppState, String> {
        // The same relay, latency model and timeline order as every other run of a scenario.
        let relay = scenario
            .relay_for(&built, None)
            .map_err(|e| e.to_string())?;
        let latency = scenario.latency_model();
        // The run shares the base network until its first edit.
        let base = Arc::new(built.network);
        let mut sim = Simulation::new(Arc::clone(&base), relay.clone(), scenario.seed)
            .map_err(|e| e.to_string())?;
        sim.set_tracing(true);
        sim.set_latency_model(latency.clone());
        let layout = Layout::new(scenario.seed);
        let inputs: Vec<Input> = scenario
            .timeline_in_order()
            .into_iter()
            .zip(1..)
            .map(|((at, action), made)| Input {
                at,
                action,
                joined: false,
                made,
            })
            .collect();
        let state = AppState {
            preset: preset.to_string(),
            generator: None,
            seed: scenario.seed,
            relay,
            latency,
            base,
            notes: built.notes,
            next_made: inputs.len() as u64 + 1,
            inputs,
            applied: 0,
            redo: Vec::new(),
            sim,
            clock: Time::ZERO,
            playing: false,
            speed: Speed::Classroom,
            selection: Selection::None,
            message: None,
            flights: Vec::new(),
            flashes: Vec::new(),
            flash_index: Vec::new(),
            deliveries: 0,
            layout,
            network_version: 1,
            facts_version: 0,
            typical_hop: None,
            cut_vertices: Vec::new(),
            bridges: Vec::new(),
            comparison: Vec::new(),
            work: None,
            viewing: Viewing::default(),
            pending: Default::default(),
            quiet_skipped: Time::ZERO,
            passed: None,
            rings: None,
            ring_search: None,
            reachable_memo: Default::default(),
            reachable_search: None,
            facts_search: None,
            rebuild_to: None,
            events_per_slice: WORK_EVENTS_PER_TICK,
            spec: scenario.generator.clone(),
        };
        Ok(state)
    }

    /// Places the peers of a state [`AppState::from_built`] made, then applies the inputs at
    /// time 0 (edits made before any broadcast), which shape the network as it opens.
    fn place_and_open(&mut self) {
        self.layout.sync(&self.base);
        self.advance_to(Time::ZERO);
    }

    // ---- Reading ------------------------------------------------------------------------------

    /// The network as it is at the clock.
    pub fn network(&self) -> &Network {
        self.sim.network()
    }

    /// The run.
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// The preset (or "scenario") the network came from.
    pub fn preset(&self) -> &str {
        &self.preset
    }

    /// The generator topology's name (`bitcoin`, `star`, ...), if the network came from one.
    pub fn topology_name(&self) -> Option<&'static str> {
        match &self.generator {
            Some(topology) => Some(topology.name()),
            None => presets::scenario(&self.preset, self.seed)
                .and_then(|s| s.generator)
                .map(|spec| spec.topology.name()),
        }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The relay policy.
    pub fn relay(&self) -> &RelayPolicy {
        &self.relay
    }

    /// Notes from the generator.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The virtual time on screen.
    pub fn clock(&self) -> Time {
        self.clock
    }

    /// Whether the clock runs.
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// The pace.
    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// What is selected.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The selected peers, in selection order.
    pub fn selected_peers(&self) -> &[PeerId] {
        match &self.selection {
            Selection::Peers(peers) => peers,
            _ => &[],
        }
    }

    /// The last message for the user (a refused edit, say), if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The transaction the statistics follow: the latest broadcast.
    pub fn current_tx(&self) -> Option<TxId> {
        self.sim
            .n_transactions()
            .checked_sub(1)
            .map(|i| TxId(i as u32))
    }

    /// Messages on their way at the clock.
    pub fn flights(&self) -> &[Flight] {
        &self.flights
    }

    /// Redundant deliveries still flashing, one per peer.
    pub fn flashes(&self) -> &[Flash] {
        &self.flashes
    }

    /// Peer positions.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Whether there is something to undo or redo.
    pub fn can_undo(&self) -> bool {
        !self.inputs.is_empty()
    }

    /// See [`AppState::can_undo`].
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The latency model links added later draw from.
    pub fn latency_model(&self) -> &LatencyModel {
        &self.latency
    }

    /// Whether long work is under way or commands of a [`Command::Run`] are
    /// still waiting for it.
    pub fn is_busy(&self) -> bool {
        self.work.is_some() || !self.pending.is_empty()
    }

    /// How the peers are laid out: the layout chosen, else the clearest for the
    /// network's size (the forces up to [`RINGS_BY_DEFAULT_PEERS`] peers, rings by
    /// hops above, where the forces draw a hairball and the rings show the wave).
    ///
    /// Above [`FORCE_LAYOUT_PEERS`] the forces cannot settle in a browser, so a
    /// network that large is shown in rings by hops whatever was chosen before.
    pub fn arrangement(&self) -> Arrangement {
        match self.viewing.arrangement {
            Some(chosen) if self.offers(chosen) => chosen,
            Some(_) => Arrangement::RingsByHops,
            None if self.network().n_peers() > RINGS_BY_DEFAULT_PEERS => Arrangement::RingsByHops,
            None => Arrangement::Force,
        }
    }

    /// Whether this network can be shown in `arrangement`: the forces only up to
    /// [`FORCE_LAYOUT_PEERS`] peers, the rings always.
    pub fn offers(&self, arrangement: Arrangement) -> bool {
        arrangement != Arrangement::Force || self.network().n_peers() <= FORCE_LAYOUT_PEERS
    }

    /// The peer the rings are centred on: the latest transaction's source, else the
    /// first selected peer, else the first peer.
    pub fn ring_centre(&self) -> Option<PeerId> {
        let tx_source = self.current_tx().and_then(|tx| self.sim.origin(tx));
        tx_source
            .or_else(|| self.selected_peers().first().copied())
            .or_else(|| self.network().peer_ids().next())
    }

    /// The rings to draw as guides: the centre peer and how many rings (the outermost
    /// holding the peers the gossip cannot reach, if any); `None` outside the rings.
    pub fn ring_guides(&self) -> Option<(PeerId, u32)> {
        if self.arrangement() == Arrangement::Force {
            return None;
        }
        let rings = self.rings.as_ref()?;
        Some((rings.key.1, rings.count))
    }

    /// Computes the rings' places for the arrangement in force, once per network
    /// version, centre and arrangement; above [`DEFERRED_LOAD_PEERS`] peers a slice per
    /// call ([`RING_STEPS_PER_SLICE`]). Whether the rings are now the ones wanted.
    fn refresh_rings(&mut self) -> bool {
        let key = self.rings_key();
        if self.rings.as_ref().is_some_and(|r| r.key == key) {
            self.ring_search = None;
            return true;
        }
        let (mut search, found) = match self.ring_search.take() {
            Some(pending) if pending.0 == key => (pending.1, pending.2),
            _ => (RingSearch::new(self.sim.network(), key.1, key.2), false),
        };
        if !self.searches_in_slices() || found {
            self.place_rings(search);
            return true;
        }
        // Placing the peers is a slice of its own (at Bitcoin's size the last slice of the
        // search and the placing made a tick of 50 ms natively).
        let found = search.advance(self.sim.network(), RING_STEPS_PER_SLICE);
        self.ring_search = Some(Box::new((key, search, found)));
        false
    }

    /// Which rings the arrangement in force wants: network version, centre, arrangement.
    fn rings_key(&self) -> RingsKey {
        (
            self.network_version,
            self.ring_centre().unwrap_or(PeerId(0)),
            self.arrangement(),
        )
    }

    /// Places the rings `search` (started on this network for [`AppState::rings_key`])
    /// found.
    fn place_rings(&mut self, search: RingSearch) {
        let key = self.rings_key();
        let places = search.finish(self.sim.network());
        let (cx, cy) = places
            .get(key.1.index())
            .copied()
            .flatten()
            .unwrap_or((0.0, 0.0));
        let outermost = places
            .iter()
            .flatten()
            .map(|(x, y)| ((x - cx).powi(2) + (y - cy).powi(2)).sqrt())
            .fold(0.0f64, f64::max);
        let count = (outermost / crate::view::rings::RING_GAP).round() as u32;
        self.rings = Some(Rings { key, places, count });
    }

    /// Sets how many events each slice of long work, and each frame of a playing run, takes
    /// from now on (at least one); the page sizes slices to its frames. The run's result does
    /// not depend on it.
    pub fn set_events_per_slice(&mut self, events: u64) {
        self.events_per_slice = events.max(1);
    }

    /// Events per slice of long work.
    pub fn events_per_slice(&self) -> u64 {
        self.events_per_slice
    }

    /// Whether long work under way runs in slices of events (finishing a run, comparing
    /// relays), whose size [`AppState::set_events_per_slice`] sets; a join goes by the clock.
    pub fn works_in_event_slices(&self) -> bool {
        matches!(
            self.work,
            Some(Work::Finishing | Work::Rebuilding(_) | Work::Comparing(_))
        )
    }

    /// Whether the canvas is drawn sparingly ([`crate::view::pacing::DRAW_WHILE_WORKING_MS`])
    /// while the long work under way runs: work in event slices, whose frames go to the work,
    /// and building a large network, which leaves the picture as it is until it is built
    /// (drawing the network it replaces on every frame doubled a frame's time).
    pub fn draws_sparingly(&self) -> bool {
        self.works_in_event_slices() || matches!(self.work, Some(Work::Loading(_)))
    }

    /// The metrics of `tx`'s spread so far, as [`Simulation::metrics`] counts them; the
    /// peers it can reach are counted once per network version (a search over every link).
    /// `None` while a large network's count is still under way (see
    /// [`AppState::reachable`]).
    pub fn metrics(&self, tx: TxId) -> Option<crate::sim::metrics::Metrics> {
        Some(self.sim.metrics_with_reachable(tx, self.reachable(tx)?))
    }

    /// [`AppState::metrics`] and the coverage curve ([`Simulation::coverage`]) at once, for
    /// the statistics panel: one sort of the arrival times instead of two.
    pub fn metrics_and_coverage(
        &self,
        tx: TxId,
    ) -> Option<(crate::sim::metrics::Metrics, Vec<(f64, usize)>)> {
        Some(self.sim.metrics_and_coverage(tx, self.reachable(tx)?))
    }

    /// How many peers `tx` can reach, counted once per network version and input: on a
    /// network of up to [`DEFERRED_LOAD_PEERS`] peers when first asked, above that a slice
    /// per tick ([`RING_STEPS_PER_SLICE`] links, after any ring search), and `None` until
    /// then.
    fn reachable(&self, tx: TxId) -> Option<usize> {
        let key = self.reachable_key(tx);
        match self.reachable_memo.get() {
            Some((counted, n)) if counted == key => Some(n),
            _ if self.searches_in_slices() => None,
            _ => {
                let n = self.sim.reachable_peers(tx).iter().filter(|&&r| r).count();
                self.reachable_memo.set(Some((key, n)));
                Some(n)
            }
        }
    }

    /// What a count of the peers `tx` can reach holds for on the network as it is now.
    fn reachable_key(&self, tx: TxId) -> ReachableKey {
        (self.network_version, self.applied, tx)
    }

    /// Whether this network is large enough that finishing its run, comparing relays on it
    /// and running its run again after an undo go a slice of events per tick: above
    /// [`SLICED_WORK_PEERS`] peers.
    fn works_in_slices(&self) -> bool {
        self.network().n_peers() > SLICED_WORK_PEERS
    }

    /// Whether this network is large enough that its searches (rings, reachable peers) run
    /// a slice per tick: above [`DEFERRED_LOAD_PEERS`] peers, as its load did.
    fn searches_in_slices(&self) -> bool {
        self.network().n_peers() as u64 > DEFERRED_LOAD_PEERS
    }

    /// Counts the reachable peers of the latest transaction of a large network a slice
    /// further (see [`AppState::reachable`]); whether there was a count to advance.
    fn refresh_reachable(&mut self) -> bool {
        let Some(tx) = self.current_tx() else {
            self.reachable_search = None;
            return false;
        };
        let key = self.reachable_key(tx);
        let counted = matches!(self.reachable_memo.get(), Some((k, _)) if k == key);
        if counted || !self.searches_in_slices() {
            self.reachable_search = None;
            return false;
        }
        let search = match self.reachable_search.take() {
            Some(pending) if pending.0 == key => Some(pending.1),
            _ => self.sim.reachable_search(tx),
        };
        let Some(mut search) = search else {
            return false;
        };
        let passes = |p: &crate::sim::network::Peer| p.relays();
        if search.advance(self.sim.network(), passes, RING_STEPS_PER_SLICE) {
            let hops = search.finish(self.sim.network(), passes);
            let n = self.sim.count_reachable(tx, &hops);
            self.reachable_memo.set(Some((key, n)));
        } else {
            self.reachable_search = Some(Box::new((key, search)));
            // The page must go on ticking until the count is done.
            self.layout.unsettle();
        }
        true
    }

    /// Whether the single points of failure are shown.
    pub fn shows_cut_vertices(&self) -> bool {
        self.viewing.show_cut_vertices
    }

    /// Whether quiet time is skipped while playing (see [`Command::SkipQuiet`]).
    pub fn skips_quiet(&self) -> bool {
        self.viewing.skip_quiet
    }

    /// Virtual time jumped over as quiet (nothing in flight) since the run
    /// last started from 0, for the page to say so.
    pub fn quiet_skipped(&self) -> Time {
        self.quiet_skipped
    }

    /// Whether the run has nothing left to do.
    pub fn is_finished(&self) -> bool {
        self.sim.is_idle() && self.applied == self.inputs.len()
    }

    /// Peers whose loss splits the network (single points of failure), ascending.
    pub fn cut_vertices(&self) -> &[PeerId] {
        &self.cut_vertices
    }

    /// Links whose loss splits the network, ascending.
    pub fn bridges(&self) -> &[LinkId] {
        &self.bridges
    }

    /// The latest relay comparison, one entry per policy of [`COMPARED_RELAYS`]
    /// (empty before [`Command::CompareRelays`]).
    pub fn comparison(&self) -> &[Comparison] {
        &self.comparison
    }

    /// Long work under way (finishing a large run, comparing relays on a large network).
    pub fn work(&self) -> Option<WorkProgress> {
        self.work.as_ref().map(|work| match work {
            Work::Finishing => WorkProgress {
                what: "finishing the run",
                events: self.sim.events_processed(),
                virtual_time: Some(self.sim.now()),
                part: None,
            },
            Work::Rebuilding(_) => WorkProgress {
                what: "running the run again to where it was",
                events: self.sim.events_processed(),
                virtual_time: Some(self.sim.now()),
                part: None,
            },
            Work::Comparing(job) => WorkProgress {
                what: "comparing relay policies",
                events: job.events(),
                virtual_time: None,
                part: None,
            },
            Work::Loading(loading) => loading.progress(),
            Work::Joining(join) => WorkProgress {
                what: "a peer joining",
                events: join.made as u64,
                virtual_time: None,
                part: None,
            },
        })
    }

    /// A joining peer's progress, one line for the page: whom the seeds named,
    /// which attempt it is at, and what the last one did.
    pub fn join_status(&self) -> Option<String> {
        let Some(Work::Joining(join)) = &self.work else {
            return None;
        };
        let plan = &join.plan;
        Some(format!(
            "{} asked {} DNS seeds and got {} addresses; attempt {} of {}. {}",
            plan.newcomer,
            crate::sim::join::DNS_SEEDS,
            plan.addresses.len(),
            join.made,
            plan.attempts.len(),
            join.last
        ))
    }

    /// Bumped whenever peers or links change, so views can cache by it.
    pub fn network_version(&self) -> u64 {
        self.network_version
    }

    /// The median link latency, the length of a "typical hop".
    pub fn typical_latency(&self) -> Time {
        let mut latencies: Vec<Time> = self.network().links().map(|l| l.latency).collect();
        if latencies.is_empty() {
            return Time::from_ms(100);
        }
        let mid = latencies.len() / 2;
        *latencies.select_nth_unstable(mid).1
    }

    // ---- Changing -----------------------------------------------------------------------------

    /// Carries out a command; a refusal leaves everything as it was and sets [`AppState::message`].
    ///
    /// A command that ends long work also drops the commands of an earlier
    /// [`Command::Run`] still waiting for it: they were meant for the state
    /// that work would have left.
    pub fn dispatch(&mut self, command: Command) {
        if !matches!(command, Command::Tick { .. } | Command::MovePeer { .. }) {
            self.message = None;
        }
        let ends_work = match &command {
            // A run of commands (a lesson's step) waits for a network being built: it was
            // meant for that network.
            Command::Run(_) if matches!(self.work, Some(Work::Loading(_))) => false,
            Command::Run(commands) => !commands.iter().all(keeps_work),
            other => !keeps_work(other),
        };
        // A run again cut short by a command that runs it again too (an undo after an undo)
        // still goes to where it was headed.
        self.rebuild_to = match (&self.work, ends_work) {
            (Some(Work::Rebuilding(to)), true) => Some(*to),
            _ => None,
        };
        if ends_work {
            self.work = None;
            self.pending.clear();
        }
        match command {
            Command::Run(commands) => {
                self.pending.extend(commands);
                self.run_pending();
            }
            command => {
                let ticked = matches!(command, Command::Tick { .. });
                if let Err(message) = self.execute(command) {
                    self.message = Some(message);
                }
                if ticked {
                    self.run_pending();
                }
            }
        }
        self.rebuild_to = None;
        self.wake_for_rings();
    }

    /// In rings, a new arrangement, centre or network moves the peers: the layout counts as
    /// moving (so the page ticks) until they have glided to their new places.
    fn wake_for_rings(&mut self) {
        if self.arrangement() == Arrangement::Force {
            return;
        }
        let key = self.rings_key();
        if self.rings.as_ref().is_none_or(|r| r.key != key) {
            self.layout.unsettle();
        }
    }

    /// Carries out waiting commands until one starts long work or none is left.
    ///
    /// A refusal among them is kept as the message (a lesson step may show one
    /// on purpose) and the rest still run.
    fn run_pending(&mut self) {
        while self.work.is_none() {
            let Some(command) = self.pending.pop_front() else {
                break;
            };
            if let Err(message) = self.execute(command) {
                self.message = Some(message);
            }
        }
    }

    /// Takes `next`'s network and run, keeping how things are shown and the
    /// commands still waiting.
    fn replace(&mut self, mut next: AppState) {
        next.viewing = self.viewing;
        next.events_per_slice = self.events_per_slice;
        next.pending = std::mem::take(&mut self.pending);
        *self = next;
    }

    /// Puts the network a [`Command::LoadPreset`], [`Command::Generate`] or
    /// [`Command::LoadScenario`] asks for in place of this one: at once up to
    /// [`DEFERRED_LOAD_PEERS`] peers, a larger one a slice per tick ([`Loading`]). The scenario
    /// is checked first either way, so a refused one leaves the network on screen.
    fn load(&mut self, command: Command) -> Result<(), String> {
        let (preset, scenario, generator) = match command {
            Command::LoadPreset(id) => {
                let scenario = presets::scenario(&id, self.seed)
                    .ok_or_else(|| format!("there is no preset '{id}'"))?;
                (id, scenario, None)
            }
            Command::Generate { topology, peers } => {
                let topology = topology_of(&topology, peers)?;
                let relay = match topology {
                    Topology::Star { .. } => RelayPolicy::ClientServer(Default::default()),
                    _ => self.relay.clone(),
                };
                let scenario = AppState::generated_scenario(topology.clone(), relay, self.seed);
                (topology.name().to_string(), scenario, Some(topology))
            }
            Command::LoadScenario(scenario) => ("scenario".to_string(), *scenario, None),
            _ => return Err("this command does not load a network".to_string()),
        };
        self.open(preset, scenario, generator)
    }

    /// Puts `scenario`'s network in place of this one, as [`AppState::load`] does.
    fn open(
        &mut self,
        preset: String,
        scenario: Scenario,
        generator: Option<Topology>,
    ) -> Result<(), String> {
        scenario.validate().map_err(|e| e.to_string())?;
        crate::view::share::fits_the_app(&scenario)?;
        let (peers, _) = crate::view::share::size_of(&scenario);
        if peers > DEFERRED_LOAD_PEERS {
            self.work = Some(Work::Loading(Box::new(Loading {
                preset,
                scenario: Box::new(scenario),
                generator,
                stage: LoadStage::Waiting,
            })));
            return Ok(());
        }
        let mut next = AppState::from_scenario(&preset, &scenario)?;
        next.generator = generator;
        self.replace(next);
        Ok(())
    }

    fn execute(&mut self, command: Command) -> Result<(), String> {
        // Anything but watching and selecting ends long work where it got to.
        if !keeps_work(&command) {
            self.work = None;
        }
        match command {
            Command::LoadPreset(_) | Command::LoadScenario(_) | Command::Generate { .. } => {
                self.load(command)?;
            }
            Command::SetSeed(seed) => {
                // The same network from another seed, with the relay in force; built like
                // any other, so a large one a slice per tick.
                let relay = self.relay.clone();
                let scenario = match &self.generator {
                    Some(topology) => AppState::generated_scenario(topology.clone(), relay, seed),
                    None => match presets::scenario(&self.preset, seed) {
                        Some(preset) => Scenario { relay, ..preset },
                        None => return Err("a loaded scenario keeps its own seed".into()),
                    },
                };
                self.open(self.preset.clone(), scenario, self.generator.clone())?;
            }
            Command::SetRelay(relay) => {
                relay.validate().map_err(|e| e.to_string())?;
                let previous = std::mem::replace(&mut self.relay, relay);
                self.resume_clock();
                if let Err(e) = self.rebuild() {
                    self.relay = previous;
                    self.rebuild()?;
                    return Err(e);
                }
            }
            Command::SelectPeer { peer, additive } => {
                if !self.network().contains(peer) {
                    return Err(format!("there is no peer {peer}"));
                }
                let mut peers = match (&self.selection, additive) {
                    (Selection::Peers(peers), true) => peers.clone(),
                    _ => Vec::new(),
                };
                match peers.iter().position(|&p| p == peer) {
                    Some(i) if additive => {
                        peers.remove(i);
                    }
                    Some(_) => {}
                    None => peers.push(peer),
                }
                self.selection = if peers.is_empty() {
                    Selection::None
                } else {
                    Selection::Peers(peers)
                };
            }
            Command::SelectLink(link) => {
                if self.network().link(link).is_none() {
                    return Err(format!("there is no link {}", link.0));
                }
                self.selection = Selection::Link(link);
            }
            Command::ClearSelection => self.selection = Selection::None,
            Command::SelectPeers(peers) => {
                let net = self.network();
                let peers: Vec<PeerId> = peers.into_iter().filter(|&p| net.contains(p)).collect();
                self.selection = if peers.is_empty() {
                    Selection::None
                } else {
                    Selection::Peers(peers)
                };
            }
            Command::AddPeer { at } => {
                let created = self.input(Action::AddPeer {
                    role: Role::Full,
                    reachable: true,
                })?;
                if let Created::Peer(peer) = created {
                    if let Some((x, y)) = at {
                        self.layout.set_position(peer, x, y);
                        self.layout.unpin(peer);
                    }
                    self.selection = Selection::Peers(vec![peer]);
                }
            }
            Command::RemoveSelection => match self.selection.clone() {
                Selection::Peers(peers) => {
                    let removals = peers.into_iter().map(|peer| Action::RemovePeer { peer });
                    self.input_all(removals.collect())?;
                    self.selection = Selection::None;
                }
                Selection::Link(link) => {
                    let l = self
                        .network()
                        .link(link)
                        .ok_or("that link is gone")?
                        .clone();
                    self.input(Action::RemoveLink { a: l.from, b: l.to })?;
                    self.selection = Selection::None;
                }
                Selection::None => return Err("select a peer or a link to remove".into()),
            },
            Command::LinkSelected => match self.selected_peers() {
                &[from, to] => self.add_link(from, to)?,
                _ => return Err("select exactly two peers to link (shift-click the second)".into()),
            },
            Command::AddLink { from, to } => self.add_link(from, to)?,
            Command::ToggleCensor => self.toggle_state(PeerState::Censoring)?,
            Command::ToggleOffline => self.toggle_state(PeerState::Offline)?,
            Command::SetRole { peer, role } => {
                self.input(Action::SetRole { peer, role })?;
            }
            Command::SetReachable { peer, reachable } => {
                self.input(Action::SetReachable { peer, reachable })?;
            }
            Command::SetLatency { a, b, ms } => {
                self.input(Action::SetLatency {
                    a,
                    b,
                    latency_ms: ms,
                })?;
            }
            Command::Broadcast => {
                // With nothing selected, the first online peer broadcasts: one press starts a demo.
                let peer = match self.selected_peers() {
                    &[peer, ..] => peer,
                    _ => {
                        let net = self.network();
                        let first = net.peers().find(|p| p.state != PeerState::Offline);
                        let peer = first.ok_or("there is no online peer to broadcast from")?.id;
                        self.selection = Selection::Peers(vec![peer]);
                        peer
                    }
                };
                self.input(Action::Broadcast { peer })?;
                self.playing = true;
                self.quiet_skipped = Time::ZERO;
            }
            Command::Play => {
                if self.is_finished() && self.sim.n_transactions() == 0 {
                    return Err("select a peer and press Broadcast to start a transaction".into());
                }
                self.playing = true;
            }
            Command::Pause => self.playing = false,
            Command::Step => {
                self.playing = false;
                // On to the next delivery (timers and requests pass on the way).
                let deliveries = self.deliveries;
                let mut moved = false;
                while self.deliveries == deliveries {
                    let next_input = self.inputs.get(self.applied).map(|i| i.at);
                    let next = [self.sim.next_event_time(), next_input]
                        .into_iter()
                        .flatten()
                        .min();
                    match next {
                        Some(t) => self.advance_to(t.max(self.clock)),
                        None if !moved => {
                            return Err("nothing left to happen: broadcast a transaction".into())
                        }
                        None => break,
                    }
                    moved = true;
                }
            }
            Command::Finish => {
                self.playing = false;
                if !self.works_in_slices() {
                    while !self.finish_slice(EVENTS_PER_TICK) {}
                } else {
                    self.work = Some(Work::Finishing);
                }
            }
            Command::Cancel => self.pending.clear(),
            Command::SetPeerState { peer, state } => {
                let now = self
                    .network()
                    .peer(peer)
                    .ok_or(format!("there is no peer {peer}"))?;
                if now.state != state {
                    self.input(Action::SetState { peer, state })?;
                }
            }
            Command::JoinPeer { reachable } => {
                let created = self.input(Action::AddPeer {
                    role: Role::Full,
                    reachable,
                })?;
                let Created::Peer(newcomer) = created else {
                    return Err("the new peer was not made".into());
                };
                self.selection = Selection::Peers(vec![newcomer]);
                let seed = join_seed(self.seed, newcomer);
                let plan = plan_join(self.network(), newcomer, seed, &self.latency);
                if plan.attempts.is_empty() {
                    return Err(format!(
                        "{newcomer} joined, but the DNS seeds named no peer that accepts links"
                    ));
                }
                self.work = Some(Work::Joining(Box::new(Joining {
                    plan,
                    made: 0,
                    wait_ms: JOIN_STEP_MS,
                    last: "It asks the seeds first.".into(),
                })));
            }
            Command::SetLimits(limits) => {
                // Tried on a copy: every input made so far must still be accepted under the
                // new limits, or nothing changes.
                let mut trial = self.clone();
                Arc::make_mut(&mut trial.base)
                    .set_limits(limits)
                    .map_err(|e| e.to_string())?;
                trial.rebuild()?;
                if let Some(refused) = trial.message.take() {
                    return Err(format!(
                        "those limits do not fit this run's edits: {refused}"
                    ));
                }
                // The generator would build other links under other limits: spell it out.
                trial.spec = None;
                *self = trial;
            }
            Command::ShowCutVertices(on) => self.viewing.show_cut_vertices = on,
            Command::Arrange(arrangement) => {
                let peers = self.network().n_peers();
                if !self.offers(arrangement) {
                    return Err(format!(
                        "forces cannot lay out {peers} peers in a browser (at most {FORCE_LAYOUT_PEERS}); the rings show the spread"
                    ));
                }
                let was = self.arrangement();
                self.viewing.arrangement = Some(arrangement);
                if arrangement == Arrangement::Force && was != Arrangement::Force {
                    self.layout.reheat();
                }
            }
            Command::SkipQuiet(on) => self.viewing.skip_quiet = on,
            Command::Run(commands) => {
                // Nested: its commands go first, before the rest of the outer run.
                for (i, command) in commands.into_iter().enumerate() {
                    self.pending.insert(i, command);
                }
            }
            Command::Tick { ms } => self.tick(ms),
            Command::SetSpeed(speed) => {
                self.speed = match speed {
                    Speed::Factor(f) if f.is_finite() => {
                        Speed::Factor(f.clamp(Speed::MIN_FACTOR, Speed::MAX_FACTOR))
                    }
                    Speed::Factor(_) => return Err("the speed must be a number".into()),
                    Speed::Classroom => Speed::Classroom,
                }
            }
            Command::Reset => {
                // Keep the edits (at time 0), drop the transactions.
                self.inputs
                    .retain(|i| !matches!(i.action, Action::Broadcast { .. }));
                for input in &mut self.inputs {
                    input.at = Time::ZERO;
                }
                self.redo.clear();
                self.clock = Time::ZERO;
                self.quiet_skipped = Time::ZERO;
                self.playing = false;
                self.rebuild()?;
            }
            Command::Replay => {
                self.clock = Time::ZERO;
                self.quiet_skipped = Time::ZERO;
                self.rebuild()?;
                self.playing = true;
            }
            Command::Undo => {
                // The input made last goes, with the others of its command (they sit just
                // before it); a loaded timeline's entries still to come stay.
                let last = (0..self.inputs.len())
                    .max_by_key(|&i| self.inputs[i].made)
                    .ok_or("nothing to undo")?;
                let mut first = last;
                while first > 0 && self.inputs[first].joined {
                    first -= 1;
                }
                let command: Vec<Input> = self.inputs.drain(first..=last).collect();
                self.redo.extend(command.into_iter().rev());
                self.resume_clock();
                self.rebuild()?;
            }
            Command::Redo => {
                let first = self.redo.pop().ok_or("nothing to redo")?;
                let mut command = vec![first];
                while let Some(next) = self.redo.pop_if(|i| i.joined) {
                    command.push(next);
                }
                // Back at its time, after the inputs made at or before it.
                let at = command[0].at;
                let index = self.inputs.partition_point(|i| i.at <= at);
                self.inputs.splice(index..index, command);
                self.resume_clock();
                self.rebuild()?;
            }
            Command::Notice(text) => return Err(text),
            Command::MovePeer { peer, x, y } => {
                if self.network().contains(peer) {
                    self.layout.set_position(peer, x, y);
                }
            }
            Command::CutBetween { side } => {
                let net = self.network();
                let mut inside = vec![false; net.peer_slots()];
                for &peer in &side {
                    if !net.contains(peer) {
                        return Err(format!("there is no peer {peer}"));
                    }
                    inside[peer.index()] = true;
                }
                let crossing: Vec<(PeerId, PeerId)> = net
                    .links()
                    .filter(|l| inside[l.from.index()] != inside[l.to.index()])
                    .map(|l| (l.from, l.to))
                    .collect();
                if crossing.is_empty() {
                    return Err("no link joins those peers to the rest: nothing to cut".into());
                }
                let cuts = crossing
                    .into_iter()
                    .map(|(a, b)| Action::RemoveLink { a, b });
                self.input_all(cuts.collect())?;
                self.selection = Selection::None;
            }
            Command::CutAlong { from, to } => {
                let layout = &self.layout;
                let crossing: Vec<(PeerId, PeerId)> = self
                    .network()
                    .links()
                    .filter(|l| match (layout.position(l.from), layout.position(l.to)) {
                        (Some(a), Some(b)) => segments_cross(from, to, a, b),
                        _ => false,
                    })
                    .map(|l| (l.from, l.to))
                    .collect();
                if crossing.is_empty() {
                    return Err("the line crosses no link: draw it across the network".into());
                }
                let cuts = crossing
                    .into_iter()
                    .map(|(a, b)| Action::RemoveLink { a, b });
                self.input_all(cuts.collect())?;
            }
            Command::CompareRelays => {
                let source = match self.selected_peers() {
                    &[peer, ..] => peer,
                    _ => {
                        let net = self.network();
                        let first = net.peers().find(|p| p.state != PeerState::Offline);
                        first.ok_or("there is no online peer to broadcast from")?.id
                    }
                };
                let job = ComparisonJob::new(
                    &self.sim.shared_network(),
                    source,
                    &self.latency,
                    self.seed,
                )?;
                if !self.works_in_slices() {
                    self.comparison = job.finish();
                } else {
                    self.work = Some(Work::Comparing(Box::new(job)));
                }
            }
        }
        Ok(())
    }

    fn add_link(&mut self, from: PeerId, to: PeerId) -> Result<(), String> {
        if let Some(evicted) = self.link_evicting(from, to, None, LinkKind::default())? {
            self.message = Some(format!(
                "{to}'s inbound slots were full, so, as Bitcoin Core does, it evicted {evicted} \
                 (the youngest of its largest network group, after protecting the rest) to \
                 take {from}."
            ));
        }
        Ok(())
    }

    /// `from` opens a link to `to`; if `to`'s inbound slots are full it first
    /// evicts the inbound peer Bitcoin Core would (see
    /// [`eviction_candidate`]), both as one command. Returns the evicted peer.
    fn link_evicting(
        &mut self,
        from: PeerId,
        to: PeerId,
        latency_ms: Option<f64>,
        kind: LinkKind,
    ) -> Result<Option<PeerId>, String> {
        let add = Action::AddLink {
            from,
            to,
            latency_ms,
            kind,
        };
        let full = matches!(
            self.network().check_link(from, to, kind),
            Err(EditError::InboundFull { .. })
        );
        match eviction_candidate(self.network(), to).filter(|_| full) {
            Some(evicted) => {
                let drop = Action::RemoveLink {
                    a: evicted.peer,
                    b: to,
                };
                self.input_all(vec![drop, add])?;
                Ok(Some(evicted.peer))
            }
            None => self.input(add).map(|_| None),
        }
    }

    /// One joining attempt, if its time has come; returns the join if it goes on.
    fn join_slice(&mut self, mut join: Box<Joining>, wall_ms: f64) -> Option<Box<Joining>> {
        join.wait_ms -= wall_ms;
        if join.wait_ms > 0.0 {
            return Some(join);
        }
        join.wait_ms += JOIN_STEP_MS;
        let attempt = join.plan.attempts.get(join.made).cloned()?;
        join.made += 1;
        let newcomer = join.plan.newcomer;
        let target = attempt.target;
        let what = match attempt.kind {
            LinkKind::BlockRelayOnly => "a block-relay-only link",
            _ => "a full-relay link",
        };
        join.last = match self.link_evicting(
            newcomer,
            target,
            Some(attempt.latency.as_ms_f64()),
            attempt.kind,
        ) {
            Ok(None) => format!("{target} accepted {what}."),
            Ok(Some(evicted)) => {
                format!("{target} was full: it evicted {evicted} and accepted {what}.")
            }
            Err(why) => format!("{target} refused: {why}."),
        };
        (join.made < join.plan.attempts.len()).then_some(join)
    }

    fn toggle_state(&mut self, target: PeerState) -> Result<(), String> {
        let peers = self.selected_peers().to_vec();
        if peers.is_empty() {
            return Err("select a peer first".into());
        }
        let changes = peers.into_iter().map(|peer| {
            let current = self.network().peer(peer).map(|p| p.state);
            let state = if current == Some(target) {
                PeerState::Online
            } else {
                target
            };
            Action::SetState { peer, state }
        });
        self.input_all(changes.collect())
    }

    /// Applies a new input at the clock; on success it joins the history.
    fn input(&mut self, action: Action) -> Result<Created, String> {
        // It joins the inputs at the clock: a loaded timeline's later entries stay, and run
        // when their time comes (everything up to the clock has been applied already).
        self.sim.step_until(self.clock);
        let kept = self.keep_passed_network(&action);
        let edits_network = action.edits_network();
        let applied = match self.sim.apply(action.clone()) {
            Ok(applied) => applied,
            Err(e) => {
                if kept {
                    self.passed = None;
                }
                return Err(e.to_string());
            }
        };
        let input = Input {
            at: self.clock,
            action,
            joined: false,
            made: self.next_made,
        };
        self.next_made += 1;
        self.inputs.insert(self.applied, input);
        self.applied += 1;
        self.redo.clear();
        if edits_network {
            self.after_run_changed();
        } else {
            // The network is as it was: its facts, layout and rings stand (at Bitcoin's size,
            // working them out again cost the Broadcast press a few hundred milliseconds).
            self.collect_trace();
        }
        Ok(applied)
    }

    /// Applies several inputs as one command: all of them, or (if any is
    /// refused) none, leaving the state exactly as it was; one undo step.
    fn input_all(&mut self, mut actions: Vec<Action>) -> Result<(), String> {
        if actions.len() == 1 {
            // One input is refused without a change: no copy to go back to (a copy shares the
            // network, so the edit would then copy all of it: 50 ms at Bitcoin's size).
            return self.input(actions.remove(0)).map(|_| ());
        }
        let before = self.clone();
        for (i, action) in actions.into_iter().enumerate() {
            if let Err(e) = self.input(action) {
                *self = before;
                return Err(e);
            }
            if i > 0 {
                if let Some(last) = self.inputs.last_mut() {
                    last.joined = true;
                }
            }
        }
        Ok(())
    }

    /// Before an edit made once the latest transaction has finished spreading,
    /// keeps the network as it left it (once per transaction); returns whether it did.
    fn keep_passed_network(&mut self, action: &Action) -> bool {
        let Some(tx) = self.current_tx() else {
            return false;
        };
        let fresh = !matches!(&self.passed, Some((kept, _)) if *kept == tx);
        if fresh && self.sim.is_idle() && action.edits_network() {
            self.passed = Some((tx, self.sim.shared_network()));
            return true;
        }
        false
    }

    /// Why `peer` never heard of the latest transaction, once its spread has
    /// ended; read off the network as the transaction left it if that has
    /// changed since. `None` if it heard, or the run is still going.
    pub fn why_unreached(&self, peer: PeerId) -> Option<String> {
        let tx = self.current_tx().filter(|_| self.is_finished())?;
        let then = match &self.passed {
            Some((kept, net)) if *kept == tx => Some(&**net),
            _ => None,
        };
        crate::view::explain::explain_unreached(&self.sim, tx, peer, then)
    }

    /// Starts the run again from the base network and replays the inputs up to the clock: at
    /// once up to [`SLICED_WORK_PEERS`] peers, above that as long work, a slice of events
    /// per tick from the first (at Bitcoin's size, an undo after a relay ran 2 million events
    /// again: more than a second in one task).
    fn rebuild(&mut self) -> Result<(), String> {
        self.passed = None;
        let had_base = Arc::ptr_eq(&self.sim.shared_network(), &self.base);
        let mut sim = Simulation::new(Arc::clone(&self.base), self.relay.clone(), self.seed)
            .map_err(|e| e.to_string())?;
        sim.set_tracing(true);
        sim.set_latency_model(self.latency.clone());
        self.sim = sim;
        self.applied = 0;
        self.flights.clear();
        self.flashes.clear();
        self.flash_index.clear();
        let clock = self.clock;
        if !self.works_in_slices() {
            self.advance_to(clock);
        } else {
            // Back to the start is one short slice now; further, the first slice waits for
            // the next tick: this one has let go of the old run and places the network (at
            // Bitcoin's size 11-36 ms natively, and a slice on top made 64-131 ms).
            self.clock = Time::ZERO;
            if clock > Time::ZERO || !self.rebuild_slice(clock) {
                self.work = Some(Work::Rebuilding(clock));
            }
        }
        // An edit copies the shared network, so a run that still has the very base network
        // it had before (a replay, a relay changed before any edit) has nothing new to place
        // or search: at Bitcoin's size that search and the rings took a frame of 0.2-0.4 s.
        if !(had_base && Arc::ptr_eq(&self.sim.shared_network(), &self.base)) {
            self.network_version += 1;
            self.layout.sync(self.sim.network());
            self.refresh_facts();
        }
        self.keep_selection_valid();
        Ok(())
    }

    /// One slice of running the run again to `to` ([`AppState::rebuild`]); whether it got there.
    fn rebuild_slice(&mut self, to: Time) -> bool {
        self.advance_within(to, self.events_per_slice);
        self.clock >= to
    }

    /// Puts the clock back where a run being run again was headed, if this command cut it
    /// short: an undo after an undo still ends where the first would have.
    fn resume_clock(&mut self) {
        if let Some(to) = self.rebuild_to {
            self.clock = to;
        }
    }

    /// Runs the simulation to `t`, applying inputs at their times.
    fn advance_to(&mut self, t: Time) {
        self.advance_within(t, EVENTS_PER_TICK);
    }

    /// [`AppState::advance_to`], stopping (the clock where the run got to) after `events` events.
    fn advance_within(&mut self, t: Time, events: u64) {
        let before = self.shape();
        let mut edited = false;
        let mut budget = events;
        loop {
            // The events before the next input (or `t`), then that input.
            let input = self.inputs.get(self.applied).filter(|input| input.at <= t);
            let until = input.map_or(t, |input| input.at);
            while budget > 0 && self.sim.next_event_time().is_some_and(|next| next <= until) {
                self.sim.step();
                budget -= 1;
            }
            if budget == 0 && self.sim.next_event_time().is_some_and(|next| next <= until) {
                // Too much for one frame: the clock waits where the run got to.
                self.clock = self.sim.now();
                break;
            }
            self.sim.step_until(until);
            let Some(input) = input else {
                self.clock = t;
                break;
            };
            let (at, action) = (input.at, input.action.clone());
            edited |= action.edits_network();
            self.keep_passed_network(&action);
            // Inputs made here were accepted when made (and the run is deterministic); a
            // loaded timeline's entry may be refused when its time comes: say so.
            if let Err(error) = self.sim.apply(action) {
                self.message = Some(format!(
                    "The timeline's entry at {} ms was refused: {error}",
                    at.as_ms_f64()
                ));
            }
            self.applied += 1;
        }
        self.collect_trace();
        // Replayed edits (a latency, a state) change the network without changing its shape.
        if before != self.shape() || edited {
            self.after_network_changed();
        }
    }

    /// Counts that change whenever peers or links do.
    fn shape(&self) -> (usize, usize, usize, usize) {
        let net = self.network();
        (
            net.n_peers(),
            net.n_links(),
            net.peer_slots(),
            net.link_slots(),
        )
    }

    /// Runs the rest of the run, at most `events` events of it; returns whether it has ended.
    fn finish_slice(&mut self, events: u64) -> bool {
        let last_input = self.inputs.last().map_or(Time::ZERO, |i| i.at);
        let inputs_done = self.applied == self.inputs.len() && self.clock >= last_input;
        let ended = if inputs_done {
            // Nothing of a finished run's messages is drawn: no trace to record and throw away
            // (the results are the same either way, as the core's tests check).
            self.sim.set_tracing(false);
            let ended = self.sim.run_bounded(events);
            self.sim.set_tracing(true);
            ended
        } else {
            self.advance_within(last_input.max(self.clock), events);
            false
        };
        self.clock = self.clock.max(self.sim.now());
        self.collect_trace();
        self.flights.clear();
        ended
    }

    /// One frame's slice of long work, `wall_ms` after the last; returns whether it put a
    /// newly built network in place.
    fn work_slice(&mut self, wall_ms: f64) -> bool {
        match self.work.take() {
            Some(Work::Joining(join)) => {
                self.work = self.join_slice(join, wall_ms).map(Work::Joining);
            }
            Some(Work::Loading(mut loading)) => match loading.advance(self.viewing) {
                Ok(Some(next)) => {
                    self.replace(next);
                    return true;
                }
                Ok(None) => self.work = Some(Work::Loading(loading)),
                Err(message) => self.message = Some(message),
            },
            Some(Work::Finishing) if !self.finish_slice(self.events_per_slice) => {
                self.work = Some(Work::Finishing);
            }
            Some(Work::Finishing) => {}
            Some(Work::Rebuilding(to)) if !self.rebuild_slice(to) => {
                self.work = Some(Work::Rebuilding(to));
            }
            Some(Work::Rebuilding(_)) => {}
            Some(Work::Comparing(mut job)) => {
                if job.advance(self.events_per_slice) {
                    self.comparison = job.results();
                } else {
                    self.work = Some(Work::Comparing(job));
                }
            }
            None => {}
        }
        false
    }

    /// [`AppState::typical_latency`], computed once per network version
    /// rather than on every frame.
    fn classroom_hop(&mut self) -> Time {
        match self.typical_hop {
            Some((version, hop)) if version == self.network_version => hop,
            _ => {
                let hop = self.typical_latency();
                self.typical_hop = Some((self.network_version, hop));
                hop
            }
        }
    }

    fn tick(&mut self, wall_ms: f64) {
        // A run being run again re-applies its edits on the way, so the searches of its
        // network (rings, reachable peers, cut vertices) wait until it is back where it was,
        // and a tick never stacks a search's slice on a slice of it. A network just built
        // has had its frame's worth of work: its searches wait for the next tick.
        let rebuilding = matches!(self.work, Some(Work::Rebuilding(_)));
        let searches_wait = self.work_slice(wall_ms.clamp(0.0, 250.0)) || rebuilding;
        let mut ringing = false;
        if self.arrangement() != Arrangement::Force && !searches_wait {
            // A glide of about half a second to the rings' places.
            let fraction = 1.0 - libm::exp(-wall_ms.clamp(0.0, 250.0) / GLIDE_MS);
            // A search found on the last tick is placed on this one, as its slice.
            let placing = self.ring_search.is_some();
            if !self.refresh_rings() {
                // The rings of a large network are still being searched for: the page
                // must go on ticking until they are found.
                self.layout.unsettle();
                ringing = true;
            } else if let Some(rings) = &self.rings {
                ringing = placing;
                self.layout.glide(&rings.places, fraction);
            }
        }
        // One search a tick: the count of reachable peers after any ring search, then the
        // cut vertices and bridges.
        if !searches_wait && !ringing && !self.refresh_reachable() {
            self.search_facts();
        }
        let dt = Time::try_from_ms_f64(wall_ms.clamp(0.0, 250.0)).unwrap_or(Time::ZERO);
        // While the run is being run again to where it was, the clock waits for it.
        if self.playing && !matches!(self.work, Some(Work::Rebuilding(_))) {
            let virtual_us = match self.speed {
                Speed::Factor(f) => dt.0 as f64 * f,
                Speed::Classroom => dt.0 as f64 * self.classroom_hop().as_ms_f64() / 1000.0,
            };
            let mut target = self.clock + Time(virtual_us.round() as u64);
            if self.viewing.skip_quiet && self.flights.is_empty() {
                // Nothing in flight: on to the next event (a timer, a send, an edit).
                let next_input = self.inputs.get(self.applied).map(|i| i.at);
                let next = [self.sim.next_event_time(), next_input]
                    .into_iter()
                    .flatten()
                    .min();
                if let Some(next) = next.filter(|&next| next > target) {
                    self.quiet_skipped = self.quiet_skipped + (next - target);
                    target = next;
                }
            }
            // As many events as a slice of long work: when a frame cannot hold the run, the
            // clock waits for it. A slow frame no longer means a longer step next (at Bitcoin's
            // size a replay at 10x made frames of 0.3, then 1.9 s).
            self.advance_within(target, self.events_per_slice);
            if self.is_finished() && self.flights.is_empty() {
                self.playing = false;
            }
        }
        let flash_window = match self.speed {
            Speed::Factor(f) => Time::try_from_ms_f64(FLASH_WALL_MS * f).unwrap_or(Time::ZERO),
            Speed::Classroom => self.classroom_hop(),
        };
        let clock = self.clock;
        if self.flashes.iter().any(|f| f.at + flash_window < clock) {
            self.flashes.retain(|f| f.at + flash_window >= clock);
            self.flash_index.iter_mut().for_each(|i| *i = None);
            for (i, f) in self.flashes.iter().enumerate() {
                self.flash_index[f.peer.index()] = Some(i as u32);
            }
        }
    }

    /// Runs one step of the layout; returns whether it is still moving.
    ///
    /// The view calls this as often as its frame budget allows, so large
    /// networks settle in a few frames' time rather than a tick per frame.
    pub fn relax_layout(&mut self) -> bool {
        // In rings the peers glide on ticks, by wall-clock time, not per call.
        if self.layout.is_settled() || self.arrangement() != Arrangement::Force {
            return false;
        }
        let network = self.sim.network();
        self.layout.tick(network)
    }

    /// Starts (or restarts) a peer's flash.
    fn flash(&mut self, peer: PeerId, at: Time) {
        if self.flash_index.len() <= peer.index() {
            self.flash_index.resize(peer.index() + 1, None);
        }
        match self.flash_index[peer.index()] {
            Some(i) => self.flashes[i as usize].at = at,
            None => {
                self.flash_index[peer.index()] = Some(self.flashes.len() as u32);
                self.flashes.push(Flash { peer, at });
            }
        }
    }

    /// Moves trace events into the animation's flights and flashes.
    fn collect_trace(&mut self) {
        while let Some(event) = self.sim.poll_trace() {
            match event {
                TraceEvent::Sent {
                    at,
                    arrives,
                    from,
                    to,
                    kind,
                    ..
                } => self.flights.push(Flight {
                    from,
                    to,
                    sent: at,
                    arrives,
                    kind,
                }),
                TraceEvent::Delivered {
                    at,
                    to,
                    outcome,
                    kind,
                    ..
                } => {
                    self.deliveries += 1;
                    if outcome == Outcome::Redundant && kind == MessageKind::Tx {
                        self.flash(to, at);
                    }
                }
                _ => {}
            }
        }
        let clock = self.clock;
        self.flights.retain(|f| f.arrives > clock);
    }

    fn after_run_changed(&mut self) {
        self.collect_trace();
        self.after_network_changed();
    }

    fn after_network_changed(&mut self) {
        self.network_version += 1;
        self.layout.sync(self.sim.network());
        self.refresh_facts();
        self.keep_selection_valid();
    }

    /// Finds the cut vertices and bridges of a network changed since they were found: at
    /// once up to [`DEFERRED_LOAD_PEERS`] peers; above that none is known until
    /// [`AppState::search_facts`] has searched the network a slice per tick (at Bitcoin's
    /// size the whole search held every edit for about 100 ms natively).
    fn refresh_facts(&mut self) {
        if self.facts_version == self.network_version {
            return;
        }
        if self.searches_in_slices() {
            self.cut_vertices.clear();
            self.bridges.clear();
            return;
        }
        (self.cut_vertices, self.bridges) = graph::cut_vertices_and_bridges(self.sim.network());
        self.facts_version = self.network_version;
    }

    /// Searches a large network's cut vertices and bridges a slice further
    /// ([`SEARCH_STEPS_PER_SLICE`]); whether there was a search to advance.
    fn search_facts(&mut self) -> bool {
        let version = self.network_version;
        if self.facts_version == version {
            self.facts_search = None;
            return false;
        }
        let mut search = match self.facts_search.take() {
            Some(pending) if pending.0 == version => pending.1,
            _ => CriticalSearch::new(self.sim.network()),
        };
        if search.advance(self.sim.network(), SEARCH_STEPS_PER_SLICE) {
            (self.cut_vertices, self.bridges) = search.finish(self.sim.network());
            self.facts_version = version;
        } else {
            self.facts_search = Some(Box::new((version, search)));
            // The page must go on ticking until the search is done.
            self.layout.unsettle();
        }
        true
    }

    /// Whether the cut vertices and bridges of the network as it is are still being searched
    /// for (a large network, a slice per tick): until then [`AppState::cut_vertices`] and
    /// [`AppState::bridges`] are empty.
    pub fn finding_cut_vertices(&self) -> bool {
        self.facts_version != self.network_version
    }

    fn keep_selection_valid(&mut self) {
        let net = self.sim.network();
        self.selection = match std::mem::take(&mut self.selection) {
            Selection::Peers(peers) => {
                let peers: Vec<PeerId> = peers.into_iter().filter(|&p| net.contains(p)).collect();
                if peers.is_empty() {
                    Selection::None
                } else {
                    Selection::Peers(peers)
                }
            }
            Selection::Link(link) if net.link(link).is_some() => Selection::Link(link),
            _ => Selection::None,
        };
    }

    /// The latest transaction's per-peer results as CSV (a header alone before any broadcast).
    pub fn results_csv(&self) -> String {
        let peers = self
            .current_tx()
            .map_or_else(Vec::new, |tx| crate::sim::report::peer_rows(&self.sim, tx));
        crate::sim::report::peers_csv(&peers)
    }

    /// The current network, seed, relay and inputs as a scenario (for saving and sharing).
    ///
    /// A generated network is carried as its generator and seed (the core builds
    /// it again exactly), so a link to a 1,000-peer network with a few edits stays
    /// short; any other network is spelled out peer by peer.
    pub fn to_scenario(&self) -> Scenario {
        let mut scenario = match &self.spec {
            // Only the limits of the network: its peers and links are the generator's to make
            // (spelling out Bitcoin's million links just to drop them took most of a second).
            Some(spec) => {
                let limits = Network::new(self.base.limits());
                let mut scenario = Scenario::from_network(&limits, self.seed, self.relay.clone());
                scenario.generator = Some(spec.clone());
                scenario
            }
            None => {
                let mut scenario =
                    Scenario::from_network(&self.base, self.seed, self.relay.clone());
                scenario.notes = self.notes.clone();
                scenario
            }
        };
        scenario.latency = self.latency.clone();
        scenario.timeline = self
            .inputs
            .iter()
            .map(|i| crate::sim::scenario::TimedAction {
                at_ms: i.at.as_ms_f64(),
                action: i.action.clone(),
            })
            .collect();
        scenario
    }
}

/// Whether segment `p1`-`p2` properly crosses segment `q1`-`q2` (touching ends do not count).
fn segments_cross(p1: (f64, f64), p2: (f64, f64), q1: (f64, f64), q2: (f64, f64)) -> bool {
    let side = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    };
    let (d1, d2) = (side(q1, q2, p1), side(q1, q2, p2));
    let (d3, d4) = (side(p1, p2, q1), side(p1, p2, q2));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// Networks of more peers are shown in rings by hops until a layout is chosen: at
/// 1,000 peers the forces already draw a round hairball in which no wave shows.
pub const RINGS_BY_DEFAULT_PEERS: usize = 300;

/// The largest network the app generates (the CLI goes further).
pub const MAX_APP_PEERS: u32 = 110_000;

/// The generator topologies the app offers, as (scenario name, label).
pub const TOPOLOGIES: [(&str, &str); 9] = [
    ("bitcoin", "Bitcoin-like bootstrap"),
    ("tutorial", "Tutorial demo (3 tries each)"),
    ("ring", "Ring"),
    ("grid", "Grid"),
    ("complete", "Complete"),
    ("small-world", "Small world"),
    ("scale-free", "Scale-free"),
    ("star", "Star (client-server)"),
    ("regions", "Regions"),
];

/// A topology by name and size, with its defaults.
pub fn topology_of(name: &str, peers: u32) -> Result<Topology, String> {
    if !(1..=MAX_APP_PEERS).contains(&peers) {
        return Err(format!(
            "the app draws 1 to {MAX_APP_PEERS} peers; the CLI takes more"
        ));
    }
    let side = (peers as f64).sqrt().ceil() as u32;
    Ok(match name {
        "bitcoin" => Topology::bitcoin(peers),
        "tutorial" => Topology::Tutorial { peers, tries: 3 },
        "ring" => Topology::Ring {
            peers: peers.max(3),
        },
        "grid" => Topology::Grid {
            rows: side,
            cols: side,
        },
        "complete" => Topology::Complete {
            peers: peers.min(100),
        },
        "small-world" => Topology::SmallWorld {
            peers: peers.max(6),
            k: 4,
            beta: 0.1,
        },
        "scale-free" => Topology::ScaleFree { peers, m: 2 },
        "star" => Topology::Star {
            clients: peers.saturating_sub(1).max(1),
        },
        "regions" => Topology::Regions {
            peers,
            regions: 3,
            unreachable_share: 0.0,
            inter_share: 0.1,
            outbound: None,
        },
        other => return Err(format!("there is no topology '{other}'")),
    })
}

impl Default for AppState {
    fn default() -> AppState {
        AppState::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(state: &mut AppState, peer: u32) {
        state.dispatch(Command::SelectPeer {
            peer: PeerId(peer),
            additive: false,
        });
    }

    fn links(state: &AppState) -> Vec<(PeerId, PeerId)> {
        state.network().links().map(|l| (l.from, l.to)).collect()
    }

    #[test]
    fn a_flight_moves_in_proportion_to_the_time_since_it_left() {
        let flight = Flight {
            from: PeerId(0),
            to: PeerId(1),
            sent: Time::from_ms(100),
            arrives: Time::from_ms(300),
            kind: MessageKind::Tx,
        };
        let (a, b) = ((10.0, 20.0), (110.0, -180.0));
        // 50 of 200 ms: a quarter of the way, (10 + 25, 20 - 50).
        assert_eq!(flight.position(Time::from_ms(150), a, b), (35.0, -30.0));
        assert_eq!(flight.position(Time::from_ms(300), a, b), b);
        // Before it leaves and after it arrives it stays at the ends.
        assert_eq!(flight.position(Time::from_ms(50), a, b), a);
        assert_eq!(flight.position(Time::from_ms(900), a, b), b);
        assert_eq!(flight.progress(Time::from_ms(250)), 0.75);
        // Sent and delivered at once: there already one microsecond later.
        let instant = Flight {
            arrives: flight.sent,
            ..flight
        };
        assert_eq!(instant.progress(flight.sent), 0.0);
        assert_eq!(instant.progress(Time(flight.sent.0 + 1)), 1.0);
    }

    #[test]
    fn advancing_within_a_budget_runs_at_most_that_many_events() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        let before = state.simulation().events_processed();
        state.advance_within(Time::from_ms(3_600_000), 5);
        assert_eq!(state.simulation().events_processed(), before + 5);
        assert!(
            !state.simulation().is_idle(),
            "a 30-peer spread takes more than 5 events"
        );
    }

    #[test]
    fn every_link_of_a_line_is_a_bridge_and_none_of_a_ring_is() {
        let line = r#"{"format": "gossipscope/1", "seed": 1,
            "peers": [{"id": 0}, {"id": 1}, {"id": 2}, {"id": 3}],
            "links": [{"from": 0, "to": 1, "latency_ms": 10}, {"from": 1, "to": 2, "latency_ms": 10},
                      {"from": 2, "to": 3, "latency_ms": 10}]}"#;
        let state = AppState::from_scenario("line", &Scenario::from_json(line).unwrap()).unwrap();
        assert_eq!(state.bridges(), [LinkId(0), LinkId(1), LinkId(2)]);
        let ring = AppState::generated(Topology::Ring { peers: 8 }, RelayPolicy::Flood, 1).unwrap();
        assert!(ring.bridges().is_empty());
    }

    #[test]
    fn broadcast_and_finish_reach_every_reachable_peer() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        assert!(state.is_playing());
        state.dispatch(Command::Finish);
        let tx = state.current_tx().unwrap();
        let m = state.simulation().metrics(tx);
        assert_eq!(m.reached, 30);
        assert_eq!(m.reachable, 30);
        assert!(state.flights().is_empty());
        assert!(state.is_finished());
    }

    #[test]
    fn skipping_quiet_time_jumps_the_waits_and_leaves_the_run_as_it_was() {
        let watch = |skip: bool| {
            let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
            state.dispatch(Command::SetRelay(
                RelayPolicy::from_name("bitcoin").unwrap(),
            ));
            state.dispatch(Command::SkipQuiet(skip));
            state.dispatch(Command::Broadcast);
            let mut ticks = 0;
            while state.is_playing() {
                state.dispatch(Command::Tick { ms: 100.0 });
                ticks += 1;
            }
            let tx = state.current_tx().unwrap();
            (ticks, state.quiet_skipped(), state.simulation().metrics(tx))
        };
        let (slow_ticks, none, plain) = watch(false);
        let (fast_ticks, skipped, skipping) = watch(true);
        assert_eq!(none, Time::ZERO);
        assert!(skipped > Time::ZERO);
        assert_eq!(plain, skipping, "the same run, only shown faster");
        assert!(
            fast_ticks * 2 < slow_ticks,
            "{fast_ticks} ticks against {slow_ticks}"
        );
    }

    #[test]
    fn a_run_of_commands_keeps_its_refusals_and_set_state_sets() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        let peer = PeerId(1);
        let censor = Command::SetPeerState {
            peer,
            state: PeerState::Censoring,
        };
        state.dispatch(Command::Run(vec![
            censor.clone(),
            Command::AddLink {
                from: peer,
                to: peer,
            },
            censor.clone(),
            Command::ShowCutVertices(true),
        ]));
        assert_eq!(
            state.network().peer(peer).unwrap().state,
            PeerState::Censoring
        );
        assert!(state.message().is_some(), "the refused link is said");
        assert!(state.shows_cut_vertices());
        assert_eq!(
            state.to_scenario().timeline.len(),
            1,
            "setting twice is one edit"
        );
        state.dispatch(Command::LoadPreset("tutorial-6".into()));
        assert!(
            state.shows_cut_vertices(),
            "display choices outlive the network"
        );
    }

    /// Ticks 16 ms frames until long work ends; returns how many it took.
    fn frames_until_idle(state: &mut AppState) -> usize {
        let mut frames = 0;
        while state.work().is_some() {
            state.dispatch(Command::Tick { ms: 16.0 });
            frames += 1;
            assert!(frames < 100_000, "the work ends");
        }
        frames
    }

    #[test]
    fn a_joining_peer_links_attempt_by_attempt_as_its_plan_says() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        state.dispatch(Command::SetLimits(Limits::BITCOIN_CORE));
        assert_eq!(state.message(), None);
        let before = state.network().clone();
        state.dispatch(Command::JoinPeer { reachable: true });
        let newcomer = state.selected_peers()[0];
        assert!(state.join_status().unwrap().contains("DNS seeds"));
        assert_eq!(
            state.network().degree(newcomer),
            0,
            "no link before the first step"
        );
        let frames = frames_until_idle(&mut state);
        // The plan, replayed independently on a copy of the network with the newcomer.
        let mut copy = before.clone();
        let id = copy.add_peer(Role::Full, true).unwrap();
        assert_eq!(id, newcomer);
        let plan = plan_join(
            &copy,
            id,
            join_seed(state.seed(), id),
            state.latency_model(),
        );
        let outcomes = crate::sim::join::apply_plan(&mut copy, &plan);
        let linked = outcomes.iter().filter(|o| o.link().is_some()).count();
        let counts = state.network().link_counts(newcomer);
        assert_eq!((counts.total() as usize, counts.inbound), (linked, 0));
        assert!(
            linked
                <= (Limits::BITCOIN_CORE.max_outbound
                    + Limits::BITCOIN_CORE.max_block_relay_outbound) as usize
        );
        // One attempt per step of JOIN_STEP_MS wall-clock time.
        let expected = (plan.attempts.len() as f64 * JOIN_STEP_MS / 16.0).ceil() as usize;
        assert!(
            frames.abs_diff(expected) <= plan.attempts.len() + 1,
            "{frames} frames, {expected} expected"
        );
        // The whole join is inputs: undoing them one by one removes it.
        let links: Vec<_> = copy.links().map(|l| (l.from, l.to, l.kind)).collect();
        let mut now: Vec<_> = state
            .network()
            .links()
            .map(|l| (l.from, l.to, l.kind))
            .collect();
        let mut want = links.clone();
        now.sort_by_key(|&(a, b, _)| (a, b));
        want.sort_by_key(|&(a, b, _)| (a, b));
        assert_eq!(now, want, "the same links as the plan applied in one go");
    }

    #[test]
    fn linking_to_a_full_peer_evicts_whom_core_would_and_one_undo_restores_it() {
        // A hub with 30 inbound slots, all taken, from peers in three regions.
        let limits = Limits {
            max_outbound: 8,
            max_block_relay_outbound: 0,
            feeler_slots: 0,
            max_inbound: 30,
            max_total: 38,
        };
        let mut net = Network::new(limits);
        let hub = net.add_peer(Role::Full, true).unwrap();
        for i in 0..31u32 {
            let p = net.add_peer(Role::Full, true).unwrap();
            net.set_region(p, (i % 3) as u16).unwrap();
            if i < 30 {
                net.add_link(
                    p,
                    hub,
                    Time::from_ms(50 + u64::from(i) * 3),
                    LinkKind::FullRelay,
                )
                .unwrap();
            }
        }
        let newcomer = PeerId(31);
        let expected = eviction_candidate(&net, hub).expect("30 inbound: someone can go");
        let scenario = Scenario::from_network(&net, 1, RelayPolicy::Flood);
        let mut state = AppState::from_scenario("scenario", &scenario).unwrap();
        state.dispatch(Command::AddLink {
            from: newcomer,
            to: hub,
        });
        let said = state.message().expect("the eviction is said").to_string();
        assert!(
            said.contains(&format!("it evicted {}", expected.peer)),
            "{said}"
        );
        assert!(state.network().link_between(newcomer, hub).is_some());
        assert!(state.network().link_between(expected.peer, hub).is_none());
        assert_eq!(state.network().link_counts(hub).inbound, 30);
        state.dispatch(Command::Undo);
        assert!(state.network().link_between(expected.peer, hub).is_some());
        assert!(state.network().link_between(newcomer, hub).is_none());
    }

    #[test]
    fn limits_are_set_only_where_the_links_fit() {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        state.dispatch(Command::SetLimits(Limits::BITCOIN_CORE));
        assert_eq!(state.network().limits(), Limits::BITCOIN_CORE);
        let links = state.network().n_links();
        let tight = Limits {
            max_outbound: 1,
            max_block_relay_outbound: 0,
            feeler_slots: 0,
            max_inbound: 1,
            max_total: 2,
        };
        state.dispatch(Command::SetLimits(tight));
        assert!(state.message().is_some(), "too tight for the links it has");
        assert_eq!(state.network().limits(), Limits::BITCOIN_CORE);
        assert_eq!(state.network().n_links(), links);
        // A peer joins under Core's limits (opening block-relay-only links) and is removed
        // again: the network as it starts and as it ends fit the tutorial's limits, but the
        // join's links in between do not, so the limits stay.
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        state.dispatch(Command::SetLimits(Limits::BITCOIN_CORE));
        state.dispatch(Command::JoinPeer { reachable: true });
        frames_until_idle(&mut state);
        let newcomer = state.selected_peers()[0];
        assert!(state.network().link_counts(newcomer).block_relay_outbound > 0);
        state.dispatch(Command::RemoveSelection);
        let inputs = state.to_scenario().timeline;
        state.dispatch(Command::SetLimits(Limits::TUTORIAL));
        assert!(
            state
                .message()
                .is_some_and(|m| m.contains("do not fit this run's edits")),
            "{:?}",
            state.message()
        );
        assert_eq!(state.network().limits(), Limits::BITCOIN_CORE);
        assert_eq!(state.to_scenario().timeline, inputs);
    }

    /// What a run shows of every peer: state, links, and when and how the latest
    /// transaction reached it.
    fn every_peer(state: &AppState) -> Vec<(PeerState, usize, Option<Time>, Option<u32>)> {
        let tx = state.current_tx().expect("a broadcast");
        let sim = state.simulation();
        state
            .network()
            .peers()
            .map(|p| {
                (
                    p.state,
                    state.network().degree(p.id),
                    sim.first_arrival(tx, p.id),
                    sim.hops(tx, p.id),
                )
            })
            .collect()
    }

    #[test]
    fn a_generated_network_is_shared_as_its_generator_and_edits_and_runs_the_same() {
        let mut state = AppState::with_preset("bitcoin-1000", 1).unwrap();
        let (a, b) = {
            let link = state.network().links().nth(7).unwrap();
            (link.from, link.to)
        };
        state.dispatch(Command::SetPeerState {
            peer: PeerId(5),
            state: PeerState::Censoring,
        });
        state.dispatch(Command::SelectLink(
            state.network().link_between(a, b).unwrap(),
        ));
        state.dispatch(Command::RemoveSelection);
        state.dispatch(Command::AddLink {
            from: PeerId(900),
            to: PeerId(3),
        });
        state.dispatch(Command::SelectPeer {
            peer: PeerId(0),
            additive: false,
        });
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        frames_until_idle(&mut state);
        state.dispatch(Command::SetPeerState {
            peer: PeerId(12),
            state: PeerState::Offline,
        });
        assert_eq!(state.message(), None);
        let link = crate::view::share::encode(&state.to_scenario());
        assert!(link.len() <= 2000, "{} characters", link.len());
        // Opened elsewhere: the same network, the same run, peer by peer.
        let scenario = crate::view::share::decode(&link).unwrap();
        assert!(scenario.peers.is_empty() && scenario.generator.is_some());
        let mut opened = AppState::from_scenario("scenario", &scenario).unwrap();
        opened.dispatch(Command::Finish);
        frames_until_idle(&mut opened);
        assert_eq!(opened.network().n_links(), state.network().n_links());
        assert_eq!(every_peer(&opened), every_peer(&state));
        // Spelled out instead, it is the same network but far longer.
        let mut spelled = state.to_scenario();
        let built = spelled.build().unwrap().network;
        spelled = Scenario::from_network(&built, spelled.seed, spelled.relay.clone());
        assert!(crate::view::share::encode(&spelled).len() > 10 * link.len());
    }

    #[test]
    fn other_limits_spell_the_network_out_and_it_still_round_trips() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        state.dispatch(Command::SetLimits(Limits::BITCOIN_CORE));
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let scenario = state.to_scenario();
        assert!(scenario.generator.is_none());
        assert_eq!(scenario.peers.len(), 30);
        let mut opened = AppState::from_scenario("scenario", &scenario).unwrap();
        opened.dispatch(Command::Finish);
        assert_eq!(opened.network().limits(), Limits::BITCOIN_CORE);
        assert_eq!(every_peer(&opened), every_peer(&state));
    }

    #[test]
    fn peers_glide_into_rings_around_the_source_within_a_second_and_back() {
        let mut state = AppState::with_preset("bitcoin-1000", 1).unwrap();
        while state.relax_layout() {}
        state.dispatch(Command::SelectPeer {
            peer: PeerId(4),
            additive: false,
        });
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Arrange(Arrangement::RingsByHops));
        let mut frames = 0;
        loop {
            state.dispatch(Command::Tick { ms: 16.0 });
            frames += 1;
            if state.layout().is_settled() {
                break;
            }
            assert!(frames < 1000);
        }
        assert!((5..=60).contains(&frames), "{frames} frames of 16 ms");
        assert!(!state.relax_layout(), "no forces while in rings");
        // Where each peer ended: its ring, by the graph module's own hop count.
        let hops = graph::hop_distances(state.network(), PeerId(4), |p| p.relays());
        let centre = state.layout().position(PeerId(4)).unwrap();
        for p in state.network().peer_ids() {
            let (x, y) = state.layout().position(p).unwrap();
            let r = ((x - centre.0).powi(2) + (y - centre.1).powi(2)).sqrt();
            let h = hops[p.index()].unwrap();
            assert!(
                (r - f64::from(h) * crate::view::rings::RING_GAP).abs() < 1.0,
                "{p}: {r}"
            );
        }
        // Back to the forces: the layout moves again.
        state.dispatch(Command::Arrange(Arrangement::Force));
        assert!(state.relax_layout());
    }

    #[test]
    fn ticks_move_the_clock_at_the_chosen_speed() {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        select(&mut state, 0);
        state.dispatch(Command::SetSpeed(Speed::Factor(0.5)));
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Tick { ms: 100.0 });
        assert_eq!(state.clock(), Time::from_ms(50));
        // Messages are on their way (latency 100 ms), nobody else has it yet.
        assert!(!state.flights().is_empty());
        let tx = state.current_tx().unwrap();
        assert_eq!(state.simulation().metrics(tx).reached, 1);
        state.dispatch(Command::SetSpeed(Speed::Factor(1000.0)));
        assert_eq!(state.speed(), Speed::Factor(Speed::MAX_FACTOR));
    }

    #[test]
    fn undo_and_redo_restore_the_network_exactly() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        let before = links(&state);
        state.dispatch(Command::AddPeer { at: None });
        let new_peer = state.selected_peers()[0];
        assert_eq!(new_peer, PeerId(30));
        state.dispatch(Command::SelectPeer {
            peer: PeerId(2),
            additive: true,
        });
        state.dispatch(Command::LinkSelected);
        assert_eq!(state.message(), None, "linking N30 to N2 works");
        let after = links(&state);
        assert_eq!(after.len(), before.len() + 1);
        state.dispatch(Command::Undo);
        state.dispatch(Command::Undo);
        assert_eq!(links(&state), before);
        assert_eq!(state.network().n_peers(), 30);
        state.dispatch(Command::Redo);
        state.dispatch(Command::Redo);
        assert_eq!(links(&state), after);
        assert_eq!(state.network().n_peers(), 31);
    }

    #[test]
    fn a_refused_edit_says_why_and_changes_nothing() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        let before = links(&state);
        // N0 is unreachable in this network or already has its 8 outbound links: find a refusal.
        let full = state
            .network()
            .peer_ids()
            .find(|&p| state.network().link_counts(p).outbound == 8)
            .unwrap();
        let target = state
            .network()
            .peer_ids()
            .find(|&p| {
                p != full
                    && state.network().peer(p).unwrap().reachable
                    && state.network().link_between(full, p).is_none()
            })
            .unwrap();
        state.dispatch(Command::AddLink {
            from: full,
            to: target,
        });
        assert_eq!(
            state.message(),
            Some(format!("{full} already has 8 outbound links").as_str())
        );
        assert_eq!(links(&state), before);
        assert!(!state.can_undo());
    }

    #[test]
    fn censoring_a_cut_vertex_leaves_the_peers_behind_it_unreached() {
        let mut state = AppState::with_preset("star-20", 1).unwrap();
        assert_eq!(state.cut_vertices(), &[PeerId(0)]);
        select(&mut state, 0);
        state.dispatch(Command::ToggleCensor);
        select(&mut state, 3);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let tx = state.current_tx().unwrap();
        let m = state.simulation().metrics(tx);
        // The client reaches the server, which refuses to pass it on.
        assert_eq!(m.reached, 2);
        assert_eq!(state.simulation().unreached(tx).len(), 19);
        // Uncensor (undo) and the transaction reaches everyone.
        state.dispatch(Command::Undo);
        state.dispatch(Command::Undo);
        select(&mut state, 3);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let tx = state.current_tx().unwrap();
        assert_eq!(state.simulation().metrics(tx).reached, 21);
    }

    #[test]
    fn replay_gives_the_same_run_and_reset_keeps_the_edits() {
        let mut state = AppState::with_preset("bitcoin-30", 7).unwrap();
        state.dispatch(Command::SetRelay(
            RelayPolicy::from_name("bitcoin").unwrap(),
        ));
        select(&mut state, 4);
        state.dispatch(Command::ToggleOffline);
        select(&mut state, 1);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let tx = state.current_tx().unwrap();
        let first: Vec<_> = state
            .network()
            .peer_ids()
            .map(|p| state.simulation().first_arrival(tx, p))
            .collect();
        state.dispatch(Command::Replay);
        assert_eq!(state.clock(), Time::ZERO);
        state.dispatch(Command::Finish);
        let again: Vec<_> = state
            .network()
            .peer_ids()
            .map(|p| state.simulation().first_arrival(tx, p))
            .collect();
        assert_eq!(first, again);
        state.dispatch(Command::Reset);
        assert_eq!(state.current_tx(), None);
        assert_eq!(
            state.network().peer(PeerId(4)).unwrap().state,
            PeerState::Offline
        );
    }

    #[test]
    fn step_moves_to_the_next_event_and_edits_apply_mid_run() {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Step);
        assert_eq!(state.clock(), Time::from_ms(100));
        assert!(!state.is_playing());
        // Taking a peer offline now loses the messages still flying to it.
        let tx = state.current_tx().unwrap();
        let waiting = state
            .network()
            .peer_ids()
            .find(|&p| state.simulation().first_arrival(tx, p).is_none());
        if let Some(peer) = waiting {
            select(&mut state, peer.0);
            state.dispatch(Command::ToggleOffline);
            state.dispatch(Command::Finish);
            assert_eq!(state.simulation().first_arrival(tx, peer), None);
        }
    }

    #[test]
    fn the_scenario_round_trips_through_the_state() {
        let mut state = AppState::with_preset("bitcoin-30", 3).unwrap();
        state.dispatch(Command::AddPeer { at: None });
        select(&mut state, 5);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let scenario = state.to_scenario();
        let text = scenario.to_json();
        let loaded = Scenario::from_json(&text).unwrap();
        let mut again = AppState::from_scenario("scenario", &loaded).unwrap();
        assert_eq!(
            again.network().n_peers(),
            31,
            "the peer added at time 0 is there on opening"
        );
        again.dispatch(Command::Finish);
        assert_eq!(links(&again), links(&state));
        let (a, b) = (state.current_tx().unwrap(), again.current_tx().unwrap());
        assert_eq!(state.simulation().metrics(a), again.simulation().metrics(b));
    }

    #[test]
    fn generate_and_regenerate_follow_the_seed() {
        let mut state = AppState::new();
        state.dispatch(Command::Generate {
            topology: "small-world".into(),
            peers: 40,
        });
        assert_eq!(state.message(), None);
        assert_eq!(state.network().n_peers(), 40);
        let first = links(&state);
        state.dispatch(Command::SetSeed(2));
        assert_eq!(
            state.network().n_peers(),
            40,
            "regenerating keeps the topology"
        );
        assert_ne!(links(&state), first, "another seed, another network");
        state.dispatch(Command::SetSeed(1));
        assert_eq!(links(&state), first, "the same seed, the same network");
        state.dispatch(Command::Generate {
            topology: "ring".into(),
            peers: 0,
        });
        assert!(state.message().unwrap().contains("1 to"));
        assert_eq!(
            state.network().n_peers(),
            40,
            "a refused generation keeps the network"
        );
        state.dispatch(Command::Step);
        assert!(state.message().unwrap().contains("nothing left"));
    }

    #[test]
    fn step_stops_at_each_delivery() {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        state.dispatch(Command::SetRelay(
            RelayPolicy::from_name("bitcoin").unwrap(),
        ));
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Pause);
        let mut steps = 0;
        while !state.is_finished() && steps < 1000 {
            let (before, clock) = (state.deliveries, state.clock());
            state.dispatch(Command::Step);
            assert!(
                state.deliveries > before || state.is_finished(),
                "every step delivers something"
            );
            assert!(state.clock() >= clock);
            // Whatever arrived together arrived at the new clock: nothing later ran.
            assert!(state
                .simulation()
                .next_event_time()
                .is_none_or(|t| t > state.clock()));
            steps += 1;
        }
        assert!(state.is_finished());
        let tx = state.current_tx().unwrap();
        assert_eq!(state.simulation().metrics(tx).reached, 6);
    }

    #[test]
    fn cut_between_removes_exactly_the_crossing_links_and_undo_restores_them() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        let before = links(&state);
        let side: Vec<PeerId> = (0..10).map(PeerId).collect();
        let crossing = before
            .iter()
            .filter(|(a, b)| side.contains(a) != side.contains(b))
            .count();
        assert!(crossing > 0);
        state.dispatch(Command::CutBetween { side: side.clone() });
        assert_eq!(state.message(), None);
        let after = links(&state);
        assert_eq!(after.len(), before.len() - crossing);
        assert!(after
            .iter()
            .all(|(a, b)| side.contains(a) == side.contains(b)));
        // Nothing left to cut, and a peer that does not exist: refused, nothing changes.
        state.dispatch(Command::CutBetween { side: side.clone() });
        assert!(state.message().unwrap().contains("nothing to cut"));
        state.dispatch(Command::CutBetween {
            side: vec![PeerId(99)],
        });
        assert_eq!(state.message(), Some("there is no peer N99"));
        assert_eq!(links(&state), after);
        // The cut was one command: one undo restores every link, one redo cuts them all again.
        state.dispatch(Command::Undo);
        assert_eq!(links(&state), before);
        assert!(!state.can_undo());
        state.dispatch(Command::Redo);
        assert_eq!(links(&state), after);
    }

    /// A generated network too large to finish in one frame, and the run the engine makes on
    /// it without the app: the same network, relay, seed and broadcast, run to the end at once.
    fn large(relay: RelayPolicy) -> (AppState, Simulation) {
        let state = AppState::generated(Topology::bitcoin(3_000), relay.clone(), 7).unwrap();
        assert!(state.network().n_peers() > SLICED_WORK_PEERS);
        let mut reference = Simulation::new(state.network().clone(), relay, 7).unwrap();
        reference.set_latency_model(state.latency.clone());
        reference.broadcast(PeerId(0)).unwrap();
        reference.run();
        (state, reference)
    }

    /// The policies of the latest comparison, in order.
    fn compared(state: &AppState) -> Vec<&str> {
        state
            .comparison()
            .iter()
            .map(|c| c.relay.as_str())
            .collect()
    }

    /// Ticks like the page's frames until long work is done; returns how many it took.
    fn tick_until_done(state: &mut AppState) -> usize {
        let mut ticks = 0;
        while state.work().is_some() {
            state.dispatch(Command::Tick { ms: 16.0 });
            ticks += 1;
            assert!(ticks < 10_000, "the work ends");
        }
        ticks
    }

    #[test]
    fn a_large_run_finishes_a_slice_per_frame_with_the_same_result() {
        for relay in ["flood", "bitcoin"] {
            let (mut state, reference) = large(RelayPolicy::from_name(relay).unwrap());
            select(&mut state, 0);
            // Small slices, so that even flood's few events (untraced, its duplicates are only
            // counted) take several.
            state.set_events_per_slice(1_000);
            state.dispatch(Command::Broadcast);
            state.dispatch(Command::Finish);
            let progress = state.work().expect("finishing goes in slices");
            assert_eq!(progress.what, "finishing the run");
            assert!(progress.sentence().starts_with("Finishing the run: "));
            let ticks = tick_until_done(&mut state);
            assert!(ticks > 1, "{relay}: {ticks} slices");
            let tx = state.current_tx().unwrap();
            for peer in state.network().peer_ids() {
                assert_eq!(
                    state.simulation().first_arrival(tx, peer),
                    reference.first_arrival(TxId(0), peer),
                    "{relay}: {peer}"
                );
            }
        }
    }

    #[test]
    fn an_undo_on_a_large_network_runs_the_run_again_a_slice_per_tick_to_where_it_was() {
        let (mut state, reference) = large(RelayPolicy::from_name("bitcoin").unwrap());
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        tick_until_done(&mut state);
        let clock = state.clock();
        // Two edits after the relay, then two undos in a row: the second cuts the first's
        // run short and still goes back to the same clock.
        select(&mut state, 7);
        state.dispatch(Command::ToggleOffline);
        select(&mut state, 9);
        state.dispatch(Command::ToggleCensor);
        state.set_events_per_slice(1_000);
        state.dispatch(Command::Undo);
        let progress = state.work().expect("the run again goes in slices");
        assert!(progress
            .sentence()
            .starts_with("Running the run again to where it was: "));
        assert!(state.clock() < clock);
        state.dispatch(Command::Tick { ms: 16.0 });
        state.dispatch(Command::Undo);
        let mut ticks = 0;
        while state.work().is_some() {
            let before = state.simulation().events_processed();
            state.dispatch(Command::Tick { ms: 16.0 });
            let ran = state.simulation().events_processed() - before;
            assert!(ran <= 1_000, "{ran} events in a tick");
            ticks += 1;
            assert!(ticks < 10_000, "the work ends");
        }
        assert!(ticks > 1, "{ticks} slices");
        // Back where the relay alone left it, as the core runs it without the app.
        assert_eq!(state.clock(), clock);
        assert_eq!(
            state.network().peer(PeerId(7)).unwrap().state,
            PeerState::Online
        );
        let tx = state.current_tx().unwrap();
        for peer in state.network().peer_ids() {
            assert_eq!(
                state.simulation().first_arrival(tx, peer),
                reference.first_arrival(TxId(0), peer),
                "{peer}"
            );
        }
        assert_eq!(
            state.network().peer(PeerId(9)).unwrap().state,
            PeerState::Online
        );
        // A redo, cut short by a replay: the replay starts from time 0, not where the redo
        // was headed.
        state.dispatch(Command::Redo);
        assert!(state.work().is_some());
        state.dispatch(Command::Replay);
        assert_eq!(state.clock(), Time::ZERO);
        assert_eq!(state.work(), None);
    }

    #[test]
    fn running_the_run_again_searches_its_network_once_it_is_back_where_it_was() {
        let (mut state, _) = large(RelayPolicy::from_name("bitcoin").unwrap());
        assert_ne!(state.arrangement(), Arrangement::Force);
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        tick_until_done(&mut state);
        select(&mut state, 7);
        state.dispatch(Command::ToggleOffline);
        select(&mut state, 9);
        state.dispatch(Command::ToggleCensor);
        state.dispatch(Command::Tick { ms: 16.0 });
        let found = state.rings.as_ref().expect("rings").key;
        assert_eq!(found, state.rings_key());
        state.set_events_per_slice(1_000);
        state.dispatch(Command::Undo);
        let mut ticks = 0;
        while state.work().is_some() {
            // N7 goes offline again on the way: the rings wait for the end.
            assert_eq!(state.rings.as_ref().expect("rings").key, found);
            state.dispatch(Command::Tick { ms: 16.0 });
            ticks += 1;
            assert!(ticks < 10_000, "the work ends");
        }
        assert!(ticks > 1, "{ticks} slices");
        state.dispatch(Command::Tick { ms: 16.0 });
        assert_eq!(state.rings.as_ref().expect("rings").key, state.rings_key());
        assert_ne!(state.rings_key(), found);
        assert_eq!(
            state.cut_vertices(),
            crate::sim::graph::cut_vertices(state.network())
        );
    }

    #[test]
    fn a_run_within_a_budget_does_not_jump_to_an_input_past_it() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let end = state.clock();
        let tx = state.current_tx().unwrap();
        let arrivals = |state: &AppState| {
            let sim = state.simulation();
            (0..30)
                .map(|p| sim.first_arrival(tx, PeerId(p)))
                .collect::<Vec<_>>()
        };
        let spread = arrivals(&state);
        // An edit after the spread: running again to it within 5 events stops on the way,
        // before the edit, instead of running the whole spread to reach it.
        select(&mut state, 3);
        state.dispatch(Command::ToggleOffline);
        let mut again =
            Simulation::new(Arc::clone(&state.base), state.relay.clone(), state.seed).unwrap();
        again.set_latency_model(state.latency.clone());
        state.sim = again;
        state.applied = 0;
        state.clock = Time::ZERO;
        state.advance_within(end, 5);
        assert_eq!(state.simulation().events_processed(), 5);
        assert_eq!(state.applied, 1, "the broadcast, not the edit");
        assert!(state.clock() < end);
        state.advance_within(end, u64::MAX);
        assert_eq!(state.applied, 2);
        assert_eq!(state.clock(), end);
        assert_eq!(
            state.network().peer(PeerId(3)).unwrap().state,
            PeerState::Offline
        );
        assert_eq!(arrivals(&state), spread);
    }

    #[test]
    fn an_edit_of_a_large_network_finds_its_cut_vertices_a_slice_per_tick() {
        let mut state = AppState::new();
        state.dispatch(Command::Generate {
            topology: "ring".into(),
            peers: DEFERRED_LOAD_PEERS as u32 + 2,
        });
        tick_until_done(&mut state);
        while state.finding_cut_vertices() {
            state.dispatch(Command::Tick { ms: 16.0 });
        }
        // A ring has no cut vertex; without one peer it is a line, whose inner peers all are.
        assert!(state.cut_vertices().is_empty());
        select(&mut state, 0);
        state.dispatch(Command::RemoveSelection);
        assert!(state.finding_cut_vertices(), "not searched within the edit");
        assert!(state.cut_vertices().is_empty());
        let mut ticks = 0;
        while state.finding_cut_vertices() {
            state.dispatch(Command::Tick { ms: 16.0 });
            ticks += 1;
            assert!(ticks < 1000, "the search ends");
        }
        let n = state.network().n_peers();
        assert_eq!(state.cut_vertices().len(), n - 2);
        assert_eq!(state.bridges().len(), n - 1);
        assert!(!state.cut_vertices().contains(&PeerId(1)));
    }

    #[test]
    fn stopping_long_work_keeps_what_was_done_and_finish_goes_on_from_there() {
        let (mut state, reference) = large(RelayPolicy::from_name("bitcoin").unwrap());
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        state.dispatch(Command::Tick { ms: 16.0 });
        state.dispatch(Command::Cancel);
        assert_eq!(state.work(), None);
        let tx = state.current_tx().unwrap();
        let partial = state.simulation().metrics(tx).reached;
        let all = reference.metrics(TxId(0)).reached;
        assert!(0 < partial && partial < all, "{partial} of {all}");
        // Another command also ends the work: here, Finish again, which then runs to the end.
        state.dispatch(Command::Finish);
        tick_until_done(&mut state);
        assert_eq!(state.simulation().metrics(tx), reference.metrics(TxId(0)));
    }

    #[test]
    fn a_large_comparison_runs_in_slices_and_matches_each_policy_run_alone() {
        let (mut state, _) = large(RelayPolicy::Flood);
        select(&mut state, 0);
        state.dispatch(Command::CompareRelays);
        assert_eq!(state.work().unwrap().what, "comparing relay policies");
        assert!(state.comparison().is_empty());
        assert!(tick_until_done(&mut state) > 1);
        assert_eq!(compared(&state), COMPARED_RELAYS);
        for comparison in state.comparison() {
            let relay = RelayPolicy::from_name(&comparison.relay).unwrap();
            let mut alone = Simulation::new(state.network().clone(), relay, 7).unwrap();
            alone.set_latency_model(state.latency.clone());
            alone.broadcast(PeerId(0)).unwrap();
            alone.run();
            assert_eq!(
                comparison.metrics,
                alone.metrics(TxId(0)),
                "{}",
                comparison.relay
            );
        }
    }

    #[test]
    fn an_edit_at_the_clock_keeps_the_timeline_still_to_come() {
        // A line N0-N1-N2-N3, 100 ms a link, whose timeline censors N2 at 150 ms.
        let scenario = Scenario::from_json(
            r#"{"format": "gossipscope/1", "seed": 1,
                "peers": [{"id": 0}, {"id": 1}, {"id": 2}, {"id": 3}],
                "links": [{"from": 0, "to": 1, "latency_ms": 100},
                          {"from": 1, "to": 2, "latency_ms": 100},
                          {"from": 2, "to": 3, "latency_ms": 100}],
                "timeline": [{"at_ms": 150, "action": "set-state", "peer": 2, "state": "censoring"}]}"#,
        )
        .unwrap();
        let mut state = AppState::from_scenario("line", &scenario).unwrap();
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        // N2 gets it at 200 ms, censoring since 150 ms: N3 never does.
        let tx = state.current_tx().unwrap();
        assert_eq!(state.simulation().metrics(tx).reached, 3);
        assert_eq!(state.to_scenario().timeline.len(), 2);
        // Undo takes back the broadcast, not the timeline's entry; redo brings it back.
        state.dispatch(Command::Undo);
        assert_eq!(state.simulation().n_transactions(), 0);
        let timeline = state.to_scenario().timeline;
        assert_eq!(timeline.len(), 1);
        assert_eq!(timeline[0].at_ms, 150.0);
        state.dispatch(Command::Redo);
        state.dispatch(Command::Finish);
        assert_eq!(state.simulation().metrics(TxId(0)).reached, 3);
    }

    #[test]
    fn a_command_with_several_edits_makes_all_or_none() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        let snapshot = |s: &AppState| (format!("{:?}", s.network()), s.to_scenario());
        let before = snapshot(&state);
        // N3 twice: the second removal is refused, so the first must not stay done.
        state.dispatch(Command::SelectPeers(vec![PeerId(5), PeerId(3), PeerId(3)]));
        state.dispatch(Command::RemoveSelection);
        assert!(
            state.message().is_some_and(|m| m.contains("N3")),
            "{:?}",
            state.message()
        );
        assert_eq!(snapshot(&state), before);
        assert!(!state.can_undo());
        // Accepted, the same command is one undo step.
        state.dispatch(Command::SelectPeers(vec![PeerId(5), PeerId(3)]));
        state.dispatch(Command::RemoveSelection);
        assert_eq!(state.network().n_peers(), 28);
        state.dispatch(Command::Undo);
        assert_eq!(snapshot(&state), before);
    }

    #[test]
    fn compare_relays_runs_each_policy_from_the_selected_peer() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        assert!(state.comparison().is_empty());
        select(&mut state, 4);
        state.dispatch(Command::CompareRelays);
        assert_eq!(state.message(), None);
        assert_eq!(compared(&state), COMPARED_RELAYS);
        let flood = &state.comparison()[0];
        assert_eq!(flood.metrics.reached, 30);
        assert_eq!(flood.coverage.first(), Some(&(0.0, 1)));
        // The run on screen is untouched.
        assert_eq!(state.current_tx(), None);
        let expected =
            compare_relays(state.network(), PeerId(4), &state.latency, state.seed()).unwrap();
        assert_eq!(state.comparison(), expected.as_slice());
        select(&mut state, 4);
        state.dispatch(Command::ToggleOffline);
        state.dispatch(Command::CompareRelays);
        assert_eq!(state.message(), Some("N4 is offline and cannot send"));
        assert_eq!(
            state.comparison(),
            expected.as_slice(),
            "a refusal keeps the last comparison"
        );
    }

    #[test]
    fn a_selected_region_can_be_cut_off_and_healed() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        let region: Vec<PeerId> = (0..10).map(PeerId).collect();
        state.dispatch(Command::SelectPeers(vec![PeerId(99), PeerId(3)]));
        assert_eq!(
            state.selected_peers(),
            &[PeerId(3)],
            "peers that do not exist are left out"
        );
        state.dispatch(Command::SelectPeers(region.clone()));
        assert_eq!(state.selected_peers(), region.as_slice());
        let links = state.network().n_links();
        state.dispatch(Command::CutBetween {
            side: region.clone(),
        });
        assert_eq!(state.message(), None);
        let crossing = |s: &AppState| {
            s.network()
                .links()
                .filter(|l| region.contains(&l.from) != region.contains(&l.to))
                .count()
        };
        assert_eq!(crossing(&state), 0, "no link joins the region to the rest");
        select(&mut state, 0);
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let tx = state.current_tx().unwrap();
        let reached: Vec<PeerId> = state
            .network()
            .peer_ids()
            .filter(|&p| state.simulation().first_arrival(tx, p).is_some())
            .collect();
        assert!(
            reached.iter().all(|p| region.contains(p)),
            "the transaction stays in the region"
        );
        while state.network().n_links() < links && state.can_undo() {
            state.dispatch(Command::Undo);
        }
        assert_eq!(state.network().n_links(), links, "undo heals the partition");
    }

    #[test]
    fn a_line_across_a_ring_cuts_it_in_two() {
        let mut state =
            AppState::generated(Topology::Ring { peers: 12 }, RelayPolicy::Flood, 1).unwrap();
        while state.relax_layout() {}
        let (min_x, min_y, max_x, max_y) = state.layout().bounds().unwrap();
        let mid_y = (min_y + max_y) / 2.0 + 0.37;
        state.dispatch(Command::CutAlong {
            from: (min_x - 10.0, mid_y),
            to: (max_x + 10.0, mid_y),
        });
        assert_eq!(state.message(), None);
        assert_eq!(
            state.network().n_links(),
            10,
            "a straight line crosses a ring twice"
        );
        assert_eq!(graph::components(state.network()).len(), 2);
        // Outside the picture it crosses nothing: refused, nothing changes.
        state.dispatch(Command::CutAlong {
            from: (max_x + 50.0, min_y),
            to: (max_x + 60.0, max_y),
        });
        assert!(state.message().unwrap().contains("crosses no link"));
        assert_eq!(state.network().n_links(), 10);
        assert!(segments_cross(
            (0.0, 0.0),
            (2.0, 2.0),
            (0.0, 2.0),
            (2.0, 0.0)
        ));
        assert!(!segments_cross(
            (0.0, 0.0),
            (1.0, 1.0),
            (2.0, 2.0),
            (3.0, 0.0)
        ));
    }

    #[test]
    fn classroom_pace_follows_the_latencies_as_they_are_edited() {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        assert_eq!(state.speed(), Speed::Classroom);
        state.dispatch(Command::Broadcast);
        // A frame counts at most 250 ms of wall time; two make half a second.
        state.dispatch(Command::Tick { ms: 250.0 });
        state.dispatch(Command::Tick { ms: 250.0 });
        assert_eq!(
            state.clock(),
            Time::from_ms(50),
            "half a second is half a 100 ms hop"
        );
        for (a, b) in links(&state) {
            state.dispatch(Command::SetLatency { a, b, ms: 40.0 });
        }
        state.dispatch(Command::Play);
        state.dispatch(Command::Tick { ms: 250.0 });
        state.dispatch(Command::Tick { ms: 250.0 });
        assert_eq!(state.clock(), Time::from_ms(70), "now a hop is 40 ms");
    }

    #[test]
    fn the_shown_metrics_count_the_reachable_peers_again_after_an_edit_and_an_undo() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        state.dispatch(Command::Broadcast);
        let tx = state.current_tx().unwrap();
        for _ in 0..3 {
            state.dispatch(Command::Tick { ms: 500.0 });
            assert_eq!(state.metrics(tx), Some(state.simulation().metrics(tx)));
        }
        state.dispatch(Command::Finish);
        assert_eq!(state.metrics(tx), Some(state.simulation().metrics(tx)));
        let before = state.metrics(tx).unwrap().reachable;
        // Taking a peer offline leaves one peer fewer to reach.
        let peer = PeerId(5);
        state.dispatch(Command::SetPeerState {
            peer,
            state: PeerState::Offline,
        });
        let tx = state.current_tx().unwrap();
        assert_eq!(state.metrics(tx), Some(state.simulation().metrics(tx)));
        // Undo brings the peer back: counted again, as the simulation counts it.
        state.dispatch(Command::Undo);
        let tx = state.current_tx().unwrap();
        assert_eq!(state.metrics(tx), Some(state.simulation().metrics(tx)));
        assert_eq!(state.metrics(tx).unwrap().reachable, before);
    }

    #[test]
    fn long_work_ends_the_same_whatever_the_size_of_its_slices() {
        let finished = |slice: u64| {
            let mut state = AppState::with_preset("bitcoin-10000", 3).unwrap();
            state.set_events_per_slice(slice);
            state.dispatch(Command::Broadcast);
            state.dispatch(Command::Finish);
            let mut ticks = 0;
            while state.is_busy() {
                state.dispatch(Command::Tick { ms: 16.0 });
                ticks += 1;
            }
            let tx = state.current_tx().unwrap();
            let arrivals: Vec<_> = state
                .network()
                .peer_ids()
                .map(|p| state.simulation().first_arrival(tx, p))
                .collect();
            (ticks, arrivals, state.simulation().metrics(tx))
        };
        let (few, a, ma) = finished(1_000_000);
        let (many, b, mb) = finished(5_000);
        assert!(many > 10 * few, "{many} ticks against {few}");
        assert_eq!(a, b);
        assert_eq!(ma, mb);
    }

    #[test]
    fn a_network_above_the_deferred_size_is_built_in_slices_and_can_be_stopped() {
        let peers = DEFERRED_LOAD_PEERS as u32 + 1;
        let generate = || Command::Generate {
            topology: "bitcoin".into(),
            peers,
        };
        let mut state = AppState::new();
        state.dispatch(generate());
        // Nothing built yet: the page can say so first.
        assert_eq!(state.network().n_peers(), 30);
        let work = state.work().expect("the build waits as long work");
        assert_eq!(work.sentence(), "Building the network…");
        // The picture stays as it is meanwhile: the page draws it sparingly.
        assert!(state.draws_sparingly() && !state.works_in_event_slices());
        // Then the peers open their links, a slice of them per tick.
        let mut sentences = Vec::new();
        while let Some(work) = state.work() {
            sentences.push(work.sentence());
            state.dispatch(Command::Tick { ms: 16.0 });
            assert!(sentences.len() < 100, "the build ends");
        }
        let slices = peers.div_ceil(LINKING_PEERS_PER_SLICE);
        for k in 0..slices {
            let done = (k * LINKING_PEERS_PER_SLICE).min(peers);
            let line = format!(
                "Building the network: {} of {} peers linked…",
                crate::view::format::count(u64::from(done)),
                crate::view::format::count(u64::from(peers))
            );
            assert_eq!(sentences[1 + k as usize], line);
        }
        assert_eq!(sentences[1 + slices as usize], "Placing the peers…");
        assert_eq!(sentences[2 + slices as usize], "Placing the peers…");
        // Its cut vertices and bridges are not known yet: they are found a slice per tick
        // once it is on screen, the page ticking until then.
        assert!(state.finding_cut_vertices());
        assert!(state.cut_vertices().is_empty() && state.bridges().is_empty());
        let mut searched = 0;
        while state.finding_cut_vertices() {
            assert!(!state.layout.is_settled(), "the page goes on ticking");
            state.dispatch(Command::Tick { ms: 16.0 });
            searched += 1;
            assert!(searched < 1000, "the search ends");
        }
        // The network is the one a build in one go makes, with the same cut vertices.
        let whole = AppState::generated(
            topology_of("bitcoin", peers).unwrap(),
            state.relay.clone(),
            state.seed,
        )
        .unwrap();
        assert_eq!(state.network().n_peers(), peers as usize);
        let links = |s: &AppState| {
            s.network()
                .links()
                .map(|l| (l.from, l.to, l.latency))
                .collect::<Vec<_>>()
        };
        assert_eq!(links(&state), links(&whole));
        let (cut, bridges) = graph::cut_vertices_and_bridges(whole.network());
        assert_eq!(state.cut_vertices(), cut);
        assert_eq!(state.bridges(), bridges);
        assert_eq!(state.topology_name(), Some("bitcoin"));
        // Its rings came with it, placed on a tick of their own.
        let rings = state
            .rings
            .as_ref()
            .expect("the rings came with the network");
        let centre = state.ring_centre().unwrap_or(PeerId(0));
        let key = (state.network_version, centre, Arrangement::RingsByHops);
        assert_eq!(rings.key, key);
        assert_eq!(
            rings.places,
            crate::view::rings::ring_layout(state.network(), centre, Arrangement::RingsByHops)
        );
        // A new centre (a selected peer, no transaction yet) gets its rings a slice per
        // tick, the page ticking until they are found.
        state.dispatch(Command::SelectPeer {
            peer: PeerId(5),
            additive: false,
        });
        for ticks in 0.. {
            state.dispatch(Command::Tick { ms: 16.0 });
            let rings = state.rings.as_ref().unwrap();
            if rings.key.1 == PeerId(5) {
                assert_eq!(
                    rings.places,
                    crate::view::rings::ring_layout(
                        state.network(),
                        PeerId(5),
                        Arrangement::RingsByHops
                    )
                );
                break;
            }
            assert!(!state.layout().is_settled(), "ticking on");
            assert!(ticks < 10, "the rings are found");
        }
        // The peers a transaction can reach are counted on the ticks after its broadcast,
        // not in the frame that shows it; the statistics wait for the count. So again after
        // an edit.
        state.dispatch(Command::Broadcast);
        let tx = state.current_tx().unwrap();
        for edit in [None, Some(Command::ToggleCensor)] {
            if let Some(edit) = edit {
                state.dispatch(edit);
            }
            assert_eq!(state.metrics(tx), None);
            assert!(state.metrics_and_coverage(tx).is_none());
            for ticks in 0.. {
                state.dispatch(Command::Tick { ms: 16.0 });
                if let Some(counted) = state.metrics(tx) {
                    assert_eq!(counted, state.simulation().metrics(tx));
                    break;
                }
                assert!(!state.layout().is_settled(), "ticking on");
                assert!(ticks < 10, "the count ends");
            }
        }
        // Stopped at any point, the network on screen stays.
        for stop_after in [0, 1, 3, slices + 2] {
            let mut state = AppState::new();
            state.dispatch(generate());
            for _ in 0..stop_after {
                state.dispatch(Command::Tick { ms: 16.0 });
            }
            assert!(state.work().is_some());
            state.dispatch(Command::Cancel);
            assert!(state.work().is_none());
            state.dispatch(Command::Tick { ms: 16.0 });
            assert_eq!(state.network().n_peers(), 30);
        }
        // In the forces too, the reachable peers are counted on the next ticks.
        state.dispatch(Command::Arrange(Arrangement::Force));
        state.dispatch(Command::Broadcast);
        let tx = state.current_tx().unwrap();
        assert_eq!(state.metrics(tx), None);
        state.dispatch(Command::Tick { ms: 16.0 });
        assert_eq!(state.metrics(tx), Some(state.simulation().metrics(tx)));
        // Another seed builds the network again, a slice per tick too.
        state.dispatch(Command::SetSeed(9));
        assert!(matches!(state.work, Some(Work::Loading(_))));
        while state.work().is_some() {
            state.dispatch(Command::Tick { ms: 16.0 });
        }
        let reseeded = AppState::generated(
            topology_of("bitcoin", peers).unwrap(),
            state.relay.clone(),
            9,
        )
        .unwrap();
        assert_eq!((state.seed(), links(&state)), (9, links(&reseeded)));
        assert_ne!(links(&state), links(&whole));
        // A lesson's step pressed while the network builds waits for it, and is then carried
        // out on the new network.
        let mut state = AppState::new();
        state.dispatch(generate());
        state.dispatch(Command::Run(vec![Command::Broadcast]));
        assert!(state.work().is_some(), "the build goes on");
        assert_eq!(state.current_tx(), None);
        while state.work().is_some() {
            state.dispatch(Command::Tick { ms: 16.0 });
        }
        assert_eq!(state.network().n_peers(), peers as usize);
        assert_eq!(state.current_tx(), Some(TxId(0)));
        // Smaller networks are built at once, as before.
        state.dispatch(Command::Generate {
            topology: "ring".into(),
            peers: 1000,
        });
        assert_eq!(state.network().n_peers(), 1000);
        assert!(!state.draws_sparingly());
    }

    #[test]
    fn a_large_scenario_that_does_not_fit_is_refused_before_any_work() {
        let mut state = AppState::new();
        let mut scenario = presets::scenario("bitcoin-full", 1).unwrap();
        scenario.seed = 5;
        let Some(GeneratorSpec {
            topology: Topology::Bitcoin { peers, .. },
            ..
        }) = &mut scenario.generator
        else {
            panic!("bitcoin-full is a generated Bitcoin network");
        };
        *peers = 200_000;
        state.dispatch(Command::LoadScenario(Box::new(scenario)));
        assert!(state.work().is_none(), "refused at once");
        let message = state.message().unwrap_or_default().to_string();
        assert!(message.contains("200000"), "{message}");
        assert_eq!(state.network().n_peers(), 30);
    }

    #[test]
    fn a_replay_over_the_same_network_finds_nothing_new_and_one_after_an_edit_does() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        tick_until_done(&mut state);
        let version = state.network_version;
        state.dispatch(Command::Replay);
        assert_eq!(
            state.network_version, version,
            "the same network: nothing to redo"
        );
        state.dispatch(Command::Finish);
        tick_until_done(&mut state);
        assert_eq!(state.network_version, version);
        // An edit after the broadcast: the replay meets it again and the facts follow it.
        state.dispatch(Command::SelectPeers(vec![PeerId(3)]));
        state.dispatch(Command::RemoveSelection);
        let edited = state.network_version;
        assert!(edited > version);
        state.dispatch(Command::Replay);
        assert!(
            state.network().contains(PeerId(3)),
            "the run starts before the edit"
        );
        state.dispatch(Command::Finish);
        tick_until_done(&mut state);
        assert!(!state.network().contains(PeerId(3)));
        let (cut, bridges) = graph::cut_vertices_and_bridges(state.network());
        assert_eq!(state.cut_vertices(), cut);
        assert_eq!(state.bridges(), bridges);
        assert!(state.network_version > edited);
    }

    #[test]
    fn a_broadcast_leaves_the_network_and_its_facts_as_they_were_and_an_edit_does_not() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        let version = state.network_version;
        let cut = state.cut_vertices().to_vec();
        state.dispatch(Command::Broadcast);
        assert_eq!(state.current_tx(), Some(TxId(0)));
        assert_eq!(state.network_version, version, "nothing to work out again");
        assert_eq!(state.cut_vertices(), cut);
        // Taking a peer offline changes the network: its version moves on.
        state.dispatch(Command::SelectPeer {
            peer: PeerId(3),
            additive: false,
        });
        state.dispatch(Command::ToggleOffline);
        assert!(state.network_version > version);
    }

    /// Ticks of 100 ms until the layout holds still; returns how many it took.
    fn tick_until_settled(state: &mut AppState) -> usize {
        let mut ticks = 0;
        while !state.layout().is_settled() {
            state.dispatch(Command::Tick { ms: 100.0 });
            ticks += 1;
            assert!(ticks < 1000, "the peers arrive");
        }
        ticks
    }

    /// Whether every peer sits (within a unit) where `ring_layout` puts it around `centre`.
    fn in_rings(state: &AppState, centre: u32, arrangement: Arrangement) -> bool {
        let places = crate::view::rings::ring_layout(state.network(), PeerId(centre), arrangement);
        state.network().peer_ids().all(|p| {
            let (x, y) = state.layout().position(p).unwrap();
            let (tx, ty) = places[p.index()].unwrap();
            (x - tx).hypot(y - ty) < 1.0
        })
    }

    #[test]
    fn the_peers_glide_to_new_rings_when_the_arrangement_or_the_centre_changes() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        state.dispatch(Command::Arrange(Arrangement::RingsByHops));
        tick_until_settled(&mut state);
        assert!(in_rings(&state, 0, Arrangement::RingsByHops));
        // Nothing plays and the layout holds still: choosing rings by time must move it.
        state.dispatch(Command::Arrange(Arrangement::RingsByTime));
        assert!(!state.layout().is_settled());
        assert!(tick_until_settled(&mut state) > 1);
        assert!(in_rings(&state, 0, Arrangement::RingsByTime));
        assert!(!in_rings(&state, 0, Arrangement::RingsByHops));
        // Selecting another peer centres the rings on it.
        select(&mut state, 7);
        assert!(!state.layout().is_settled());
        tick_until_settled(&mut state);
        assert!(in_rings(&state, 7, Arrangement::RingsByTime));
    }

    #[test]
    fn the_layout_is_chosen_by_size_until_the_user_chooses_one() {
        // 30 peers: the forces; 1,000: rings by hops (the presets' sizes, read off them).
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        assert_eq!(state.network().n_peers(), 30);
        assert_eq!(state.arrangement(), Arrangement::Force);
        state.dispatch(Command::LoadPreset("bitcoin-1000".into()));
        assert_eq!(state.network().n_peers(), 1000);
        assert_eq!(state.arrangement(), Arrangement::RingsByHops);
        // The forces chosen at 1,000 peers stay chosen, and reheat to move the peers.
        state.dispatch(Command::Arrange(Arrangement::Force));
        assert_eq!(state.arrangement(), Arrangement::Force);
        assert!(!state.layout().is_settled());
        // A choice holds across networks of any size the forces can take.
        state.dispatch(Command::LoadPreset("bitcoin-30".into()));
        state.dispatch(Command::Arrange(Arrangement::RingsByTime));
        assert_eq!(state.arrangement(), Arrangement::RingsByTime);
        state.dispatch(Command::LoadPreset("bitcoin-1000".into()));
        assert_eq!(state.arrangement(), Arrangement::RingsByTime);
    }

    #[test]
    fn a_network_too_large_for_the_forces_is_shown_in_rings_and_refuses_them() {
        let peers = FORCE_LAYOUT_PEERS as u32 + 1;
        let mut state = AppState::new();
        assert!(state.offers(Arrangement::Force));
        state.dispatch(Command::Generate {
            topology: "ring".into(),
            peers,
        });
        tick_until_done(&mut state);
        assert_eq!(state.network().n_peers(), peers as usize);
        assert_eq!(state.arrangement(), Arrangement::RingsByHops);
        assert!(!state.offers(Arrangement::Force));
        assert!(state.offers(Arrangement::RingsByTime));
        state.dispatch(Command::Arrange(Arrangement::Force));
        assert_eq!(state.arrangement(), Arrangement::RingsByHops);
        let message = state.message().unwrap_or_default().to_string();
        assert!(
            message.contains(&format!("forces cannot lay out {peers} peers")),
            "{message}"
        );
        state.dispatch(Command::Arrange(Arrangement::RingsByTime));
        assert_eq!(state.arrangement(), Arrangement::RingsByTime);
        // Back to a small network, the forces are on offer again.
        state.dispatch(Command::Generate {
            topology: "ring".into(),
            peers: 100,
        });
        assert!(state.offers(Arrangement::Force));
    }
}
