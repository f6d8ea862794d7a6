//! Scenarios: the one versioned JSON format that holds everything needed to replay a run.
//!
//! A scenario gives the seed, the network (explicit peers and links, or a
//! generator and its parameters), the relay policy, the latency model for
//! links added later, and a timeline of broadcasts and edits. Reading one
//! validates it fully and names the first problem; a bad file yields an error
//! and nothing else.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::sim::action::Action;
use crate::sim::caps;
use crate::sim::engine::Simulation;
use crate::sim::error::OrPanic;
use crate::sim::error::ParamError;
use crate::sim::generate::{generate, Generated, GeneratorSpec};
use crate::sim::latency::LatencyModel;
use crate::sim::network::{EditError, Limits, LinkKind, Network, Peer, PeerId, PeerState, Role};
use crate::sim::read::Fields;
use crate::sim::relay::RelayPolicy;
use crate::sim::time::Time;

/// The format tag every scenario carries.
pub const FORMAT: &str = "gossipscope/1";

/// Scenarios larger than this are refused rather than built.
pub const MAX_PEERS: usize = caps::MAX_PEERS;

/// One peer as a scenario spells it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerSpec {
    /// Its stable id.
    pub id: PeerId,
    /// What it does.
    #[serde(default, skip_serializing_if = "is_default")]
    pub role: Role,
    /// Whether it accepts inbound links.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub reachable: bool,
    /// Online, offline or censoring.
    #[serde(default, skip_serializing_if = "is_default")]
    pub state: PeerState,
    /// Time it takes to validate a transaction before relaying it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub validation_delay_ms: f64,
    /// Its region (cluster).
    #[serde(default, skip_serializing_if = "is_default")]
    pub region: u16,
}

/// One link as a scenario spells it: `from` opened it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// The peer that opened it (outbound for `from`).
    pub from: PeerId,
    /// The peer that accepted it (inbound for `to`).
    pub to: PeerId,
    /// One-way latency.
    pub latency_ms: f64,
    /// What it carries.
    #[serde(default, skip_serializing_if = "is_default")]
    pub kind: LinkKind,
    /// Probability that a message over it is lost.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub loss: f64,
}

/// An action at a point in virtual time: its fields beside the time's in one object.
///
/// Written by serde's derive; read through [`Action::from_fields`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimedAction {
    /// When, in milliseconds from the start of the run.
    pub at_ms: f64,
    /// What.
    #[serde(flatten)]
    pub action: Action,
}

/// Everything needed to replay a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Always [`FORMAT`].
    pub format: String,
    /// Seeds the generator (if any) and every draw of the run.
    pub seed: u64,
    /// Remarks, e.g. limits a generator had to raise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Connection limits (ignored with a generator, which brings its own).
    #[serde(default)]
    pub limits: Limits,
    /// Draws latencies of links added without one.
    #[serde(default)]
    pub latency: LatencyModel,
    /// The relay policy.
    #[serde(default)]
    pub relay: RelayPolicy,
    /// Builds the network instead of `peers` and `links`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<GeneratorSpec>,
    /// The peers, each with its id.
    #[serde(default)]
    pub peers: Vec<PeerSpec>,
    /// The links.
    #[serde(default)]
    pub links: Vec<LinkSpec>,
    /// The id the next added peer gets (keeps removed ids retired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_peer_id: Option<PeerId>,
    /// Broadcasts and edits, in time order.
    #[serde(default)]
    pub timeline: Vec<TimedAction>,
}

impl<'de> Deserialize<'de> for TimedAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TimedAction, D::Error> {
        Fields::read(deserializer, |mut f| {
            let at_ms = f.need("at_ms")?;
            let (action, rest) = Action::from_fields(f.rest())?;
            rest.end(TimedAction { at_ms, action })
        })
    }
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// A scenario that cannot be read, built or run: where in the file (a path such as
/// `links[3]`, empty for the file as a whole) and what is wrong there.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    /// Where: the path of the field or entry.
    pub at: String,
    /// What.
    pub problem: Problem,
}

/// What is wrong with a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Not JSON, or not the shape of a scenario (in serde_json's words, with line and column).
    NotAScenario(String),
    /// A `format` other than this version's.
    WrongFormat { found: String },
    /// Both a generator and explicit peers or links.
    GeneratorAndPeers,
    /// A parameter out of bounds.
    Param(ParamError),
    /// The network refused a peer, a link or a limit.
    Edit(EditError),
    /// Two peers with one id.
    DuplicatePeerId(PeerId),
    /// A `next_peer_id` not above every peer's id.
    NextPeerIdNotAbove { next: PeerId, highest: PeerId },
    /// More broadcasts than the caps allow over this many peer ids and links.
    TooManyBroadcasts {
        broadcasts: usize,
        peer_ids: u64,
        links: u64,
    },
    /// A network with no peer to broadcast from.
    NoPeers,
    /// The run was stopped from outside (Ctrl-C) in this trial.
    Interrupted { trial: u32, trials: u32 },
    /// The first broadcast was refused.
    BroadcastRefused { source: PeerId, error: EditError },
}

impl ScenarioError {
    /// `problem` at the path `at`.
    pub fn at(at: impl Into<String>, problem: impl Into<Problem>) -> ScenarioError {
        ScenarioError {
            at: at.into(),
            problem: problem.into(),
        }
    }

    /// `problem`, about the file as a whole.
    pub fn whole(problem: impl Into<Problem>) -> ScenarioError {
        ScenarioError::at("", problem)
    }
}

impl From<ParamError> for Problem {
    fn from(e: ParamError) -> Problem {
        Problem::Param(e)
    }
}

impl From<EditError> for Problem {
    fn from(e: EditError) -> Problem {
        Problem::Edit(e)
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.problem, self.at.as_str()) {
            (problem, "") => problem.fmt(f),
            // A parameter's message starts with its field: the path leads into it.
            (Problem::Param(e), at) if e.field().is_some() => write!(f, "{at}.{e}"),
            (problem, at) => write!(f, "{at}: {problem}"),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotAScenario(why) => write!(f, "not a valid scenario: {why}"),
            Problem::WrongFormat { found } => {
                write!(f, "format: expected \"{FORMAT}\", found \"{found}\"")
            }
            Problem::GeneratorAndPeers => {
                f.write_str("give either a generator or peers and links, not both")
            }
            Problem::Param(e) => e.fmt(f),
            Problem::Edit(e) => e.fmt(f),
            Problem::DuplicatePeerId(id) => write!(f, "id {} appears twice", id.0),
            Problem::NextPeerIdNotAbove { next, highest } => write!(
                f,
                "{} is not above every peer id (the highest is {})",
                next.0, highest.0
            ),
            Problem::TooManyBroadcasts {
                broadcasts,
                peer_ids,
                links,
            } => write!(
                f,
                "{broadcasts} broadcasts over {peer_ids} peer ids and up to {links} links is too many: at most {} broadcasts, {} broadcasts times peer ids and {} broadcasts times links",
                caps::MAX_TRANSACTIONS,
                caps::MAX_TRANSACTION_CELLS,
                caps::MAX_TRANSACTION_LINKS
            ),
            Problem::NoPeers => f.write_str("the network has no peers to broadcast from"),
            Problem::Interrupted { trial, trials } => {
                write!(f, "interrupted in trial {trial} of {trials}")
            }
            Problem::BroadcastRefused { source, error } => {
                write!(f, "the broadcast from {source} was refused: {error}")
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

fn fail<T>(at: impl Into<String>, problem: impl Into<Problem>) -> Result<T, ScenarioError> {
    Err(ScenarioError::at(at, problem))
}

/// Checks the numbers an action carries against [`caps`]; the message starts with the field.
fn check_action(action: &Action) -> Result<(), ParamError> {
    match *action {
        Action::AddLink {
            latency_ms: Some(ms),
            ..
        }
        | Action::SetLatency { latency_ms: ms, .. } => caps::delay_ms("latency_ms", ms).map(drop),
        Action::SetValidationDelay { ms, .. } => caps::delay_ms("ms", ms).map(drop),
        Action::SetLoss { loss, .. } if !(0.0..=1.0).contains(&loss) => {
            Err(ParamError::NotAShare {
                field: "loss".into(),
                value: loss,
            })
        }
        _ => Ok(()),
    }
}

/// A network built from a scenario, with what the build learned.
#[derive(Clone, Debug)]
pub struct Built {
    /// The network.
    pub network: Network,
    /// The client-server hub, where a star generator made one.
    pub server: Option<PeerId>,
    /// Notes from the generator.
    pub notes: Vec<String>,
}

impl From<Generated> for Built {
    fn from(generated: Generated) -> Built {
        Built {
            network: generated.network,
            server: generated.server,
            notes: generated.notes,
        }
    }
}

impl Scenario {
    /// A scenario that spells out `network` with the given seed and policy.
    pub fn from_network(network: &Network, seed: u64, relay: RelayPolicy) -> Scenario {
        let peers = network
            .peers()
            .map(|p| PeerSpec {
                id: p.id,
                role: p.role,
                reachable: p.reachable,
                state: p.state,
                validation_delay_ms: p.validation_delay.as_ms_f64(),
                region: p.region,
            })
            .collect();
        let links = network
            .links()
            .map(|l| LinkSpec {
                from: l.from,
                to: l.to,
                latency_ms: l.latency.as_ms_f64(),
                kind: l.kind,
                loss: l.loss,
            })
            .collect();
        let last_id = network.peer_ids().last().map_or(0, |p| p.0 + 1);
        let next = network.next_peer_id();
        Scenario {
            format: FORMAT.to_string(),
            seed,
            notes: Vec::new(),
            limits: network.limits(),
            latency: LatencyModel::default(),
            relay,
            generator: None,
            peers,
            links,
            next_peer_id: (next.0 != last_id).then_some(next),
            timeline: Vec::new(),
        }
    }

    /// Reads a scenario from JSON text, checking everything but the network's build.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text)
            .map_err(|e| ScenarioError::whole(Problem::NotAScenario(e.to_string())))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).or_panic("a scenario always serializes")
    }

    /// The scenario as compact JSON (for large networks).
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).or_panic("a scenario always serializes")
    }

    /// Checks the parts that do not need the network built.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.format != FORMAT {
            let found = self.format.clone();
            return fail("", Problem::WrongFormat { found });
        }
        if self.generator.is_some() && (!self.peers.is_empty() || !self.links.is_empty()) {
            return fail("", Problem::GeneratorAndPeers);
        }
        let count = |name: &str, n: usize, cap: usize| {
            caps::at_most(name, n as u64, cap as u64).map_err(ScenarioError::whole)
        };
        count("peers (count)", self.peers.len(), MAX_PEERS)?;
        count("links (count)", self.links.len(), caps::MAX_LINKS)?;
        count(
            "timeline (entries)",
            self.timeline.len(),
            caps::MAX_TIMELINE,
        )?;
        if let Some(spec) = &self.generator {
            spec.topology
                .validate()
                .map_err(|e| ScenarioError::at("generator", e))?;
        }
        let id_space = self.id_space()?;
        self.latency
            .validate()
            .map_err(|e| ScenarioError::at("latency", e))?;
        self.relay
            .validate()
            .map_err(|e| ScenarioError::at("relay", e))?;
        let mut broadcasts = 0usize;
        for (i, entry) in self.timeline.iter().enumerate() {
            match Time::try_from_ms_f64(entry.at_ms) {
                Some(at) if at <= caps::MAX_TIMELINE_AT => {}
                _ => {
                    let error = ParamError::NotATime {
                        field: "at_ms".into(),
                        value: entry.at_ms,
                        max_ms: caps::MAX_TIMELINE_AT.as_ms_f64(),
                    };
                    return fail(format!("timeline[{i}]"), error);
                }
            }
            check_action(&entry.action)
                .map_err(|e| ScenarioError::at(format!("timeline[{i}]"), e))?;
            broadcasts += usize::from(matches!(entry.action, Action::Broadcast { .. }));
        }
        // Every transaction keeps a record per peer slot: refuse before any is made.
        let count_of = |wanted: fn(&Action) -> bool| {
            self.timeline.iter().filter(|e| wanted(&e.action)).count() as u64
        };
        let slots = id_space.saturating_add(count_of(|a| matches!(a, Action::AddPeer { .. })));
        let links = match &self.generator {
            Some(spec) => spec.max_links(),
            None => self.links.len() as u64,
        }
        .saturating_add(count_of(|a| matches!(a, Action::AddLink { .. })));
        if !caps::transactions_fit(broadcasts as u64, slots, links) {
            let problem = Problem::TooManyBroadcasts {
                broadcasts,
                peer_ids: slots,
                links,
            };
            return fail("timeline", problem);
        }
        Ok(())
    }

    /// How many peer ids the network will use (one past the highest), checked against [`caps::MAX_PEER_ID`].
    pub fn id_space(&self) -> Result<u64, ScenarioError> {
        let mut space = match &self.generator {
            Some(spec) => spec.topology.n_peers(),
            None => 0,
        };
        for (i, peer) in self.peers.iter().enumerate() {
            caps::at_most("id", peer.id.0.into(), (caps::MAX_PEER_ID - 1).into())
                .map_err(|e| ScenarioError::at(format!("peers[{i}]"), e))?;
            space = space.max(u64::from(peer.id.0) + 1);
        }
        if let Some(next) = self.next_peer_id {
            caps::at_most("next_peer_id", next.0.into(), caps::MAX_PEER_ID.into())
                .map_err(ScenarioError::whole)?;
            space = space.max(u64::from(next.0));
        }
        Ok(space)
    }

    /// Builds the network the scenario describes.
    pub fn build(&self) -> Result<Built, ScenarioError> {
        self.validate()?;
        if let Some(spec) = &self.generator {
            let generated =
                generate(spec, self.seed).map_err(|e| ScenarioError::at("generator", e))?;
            return Ok(generated.into());
        }
        let mut network = Network::new(Limits::TUTORIAL);
        network
            .set_limits(self.limits)
            .map_err(|e| ScenarioError::at("limits", e))?;
        let mut order: Vec<usize> = (0..self.peers.len()).collect();
        order.sort_by_key(|&i| self.peers[i].id);
        for pair in order.windows(2) {
            if self.peers[pair[0]].id == self.peers[pair[1]].id {
                let id = self.peers[pair[1]].id;
                return fail(format!("peers[{}]", pair[1]), Problem::DuplicatePeerId(id));
            }
        }
        for &i in &order {
            let spec = &self.peers[i];
            let delay = caps::delay_ms("validation_delay_ms", spec.validation_delay_ms)
                .map_err(|e| ScenarioError::at(format!("peers[{i}]"), e))?;
            let peer = Peer {
                id: spec.id,
                role: spec.role,
                reachable: spec.reachable,
                state: spec.state,
                validation_delay: delay,
                region: spec.region,
            };
            network
                .insert_peer(peer)
                .map_err(|e| ScenarioError::at(format!("peers[{i}]"), e))?;
        }
        for (i, link) in self.links.iter().enumerate() {
            let latency = caps::delay_ms("latency_ms", link.latency_ms)
                .map_err(|e| ScenarioError::at(format!("links[{i}]"), e))?;
            let id = network
                .add_link(link.from, link.to, latency, link.kind)
                .map_err(|e| {
                    ScenarioError::at(format!("links[{i}] ({} to {})", link.from, link.to), e)
                })?;
            if link.loss != 0.0 {
                network
                    .set_loss(id, link.loss)
                    .map_err(|e| ScenarioError::at(format!("links[{i}].loss"), e))?;
            }
        }
        if let Some(next) = self.next_peer_id {
            if next < network.next_peer_id() {
                let highest = PeerId(network.next_peer_id().0 - 1);
                return fail(
                    "next_peer_id",
                    Problem::NextPeerIdNotAbove { next, highest },
                );
            }
            network
                .reserve_peer_ids(next)
                .map_err(|e| ScenarioError::at("next_peer_id", e))?;
        }
        Ok(Built {
            network,
            server: None,
            notes: Vec::new(),
        })
    }

    /// Builds the network and a simulation over it, with the timeline scheduled.
    ///
    /// `relay` overrides the scenario's policy where given; a client-server
    /// policy without a server uses the star's hub when the generator made one.
    pub fn simulation(&self, relay: Option<RelayPolicy>) -> Result<Simulation, ScenarioError> {
        let built = self.build()?;
        let relay = self.relay_for(&built, relay)?;
        let mut sim = Simulation::new(built.network, relay, self.seed)
            .map_err(|e| ScenarioError::at("relay", e))?;
        sim.set_latency_model(self.latency_model());
        for (at, action) in self.timeline_in_order() {
            sim.schedule(at, action);
        }
        Ok(sim)
    }

    /// The relay policy a run uses: `relay` if given, else the scenario's; a client-server
    /// policy without a server takes the star's hub, and a named server must exist.
    pub fn relay_for(
        &self,
        built: &Built,
        relay: Option<RelayPolicy>,
    ) -> Result<RelayPolicy, ScenarioError> {
        let mut relay = relay.unwrap_or_else(|| self.relay.clone());
        if let RelayPolicy::ClientServer(params) = &mut relay {
            params.server = params.server.or(built.server);
            if let Some(server) = params.server {
                if !built.network.contains(server) {
                    return fail("relay.server", EditError::NoSuchPeer(server));
                }
            }
        }
        Ok(relay)
    }

    /// The model that draws latencies of links added during the run.
    pub fn latency_model(&self) -> LatencyModel {
        match &self.generator {
            Some(spec) => spec.latency_model(),
            None => self.latency.clone(),
        }
    }

    /// The timeline as a run applies it: in time order, and entries at the same time in the
    /// order the file lists them (a stable sort, so a file need not be sorted).
    pub fn timeline_in_order(&self) -> Vec<(Time, Action)> {
        let mut entries: Vec<(Time, Action)> = self
            .timeline
            .iter()
            .map(|t| {
                let at = Time::try_from_ms_f64(t.at_ms).unwrap_or(Time::ZERO);
                (at, t.action.clone())
            })
            .collect();
        entries.sort_by_key(|&(at, _)| at);
        entries
    }

    /// The broadcasts of the timeline, in order.
    pub fn broadcasts(&self) -> impl Iterator<Item = PeerId> + '_ {
        self.timeline.iter().filter_map(|t| match t.action {
            Action::Broadcast { peer } => Some(peer),
            _ => None,
        })
    }
}
