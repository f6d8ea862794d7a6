//! Reports: running a scenario (once or in trials) and the per-peer results and metrics it yields.

use std::ops::ControlFlow;

use serde::Serialize;

use crate::sim::action::Action;
use crate::sim::engine::{PeerResult, Simulation, TxId};
use crate::sim::graph::{self, GraphFacts};
use crate::sim::metrics::{Metrics, Unreached};
use crate::sim::network::EditError;
use crate::sim::network::PeerId;
use crate::sim::relay::RelayPolicy;
use crate::sim::rng::SimRng;
use crate::sim::scenario::{Problem, Scenario, ScenarioError};
use crate::sim::time::Time;

/// The format tag every report carries.
pub const FORMAT: &str = "gossipscope-report/1";

/// The RNG stream that derives trial seeds from the first.
const TRIAL_STREAM: u64 = 2;

/// Events run between progress callbacks.
const PROGRESS_CHUNK: u64 = 500_000;

/// How to run a scenario.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Overrides the scenario's relay policy.
    pub relay: Option<RelayPolicy>,
    /// Broadcasts the first transaction from this peer at time 0. Without it,
    /// the scenario's first broadcast is the first transaction, or, if its
    /// timeline has none, the peer with the lowest id broadcasts at time 0.
    pub source: Option<PeerId>,
    /// Runs this many trials (at least 1); each after the first gets a seed derived from the first.
    pub trials: u32,
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
}

/// Where a long run is.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// The trial running (from 1).
    pub trial: u32,
    /// Trials in all.
    pub trials: u32,
    /// Events processed in this trial.
    pub events: u64,
    /// Virtual time reached.
    pub now: Time,
}

/// Means over trials; a time is the mean of the trials that reached it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MeanMetrics {
    /// Mean peers reached.
    pub reached: f64,
    /// Mean peers reachable.
    pub reachable: f64,
    /// Mean messages sent.
    pub messages: f64,
    /// Mean redundant deliveries.
    pub redundant: f64,
    /// Mean time to half the reachable peers.
    pub t50_ms: Option<f64>,
    /// Mean time to 90 % of them.
    pub t90_ms: Option<f64>,
    /// Mean time to all of them, over the trials that reached all.
    pub t100_ms: Option<f64>,
    /// Mean round in which the last peer was newly informed, for round-based policies.
    pub rounds: Option<f64>,
    /// Mean rounds in which some peer still pushed, for round-based policies.
    pub active_rounds: Option<f64>,
}

impl MeanMetrics {
    /// The means of `trials`.
    pub fn of(trials: &[Metrics]) -> MeanMetrics {
        let n = trials.len().max(1) as f64;
        let mean = |f: &dyn Fn(&Metrics) -> f64| trials.iter().map(f).sum::<f64>() / n;
        let mean_some = |f: &dyn Fn(&Metrics) -> Option<f64>| {
            let values: Vec<f64> = trials.iter().filter_map(f).collect();
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        };
        MeanMetrics {
            reached: mean(&|m| m.reached as f64),
            reachable: mean(&|m| m.reachable as f64),
            messages: mean(&|m| m.messages as f64),
            redundant: mean(&|m| m.redundant as f64),
            t50_ms: mean_some(&|m| m.t50_ms),
            t90_ms: mean_some(&|m| m.t90_ms),
            t100_ms: mean_some(&|m| m.t100_ms),
            rounds: mean_some(&|m| m.rounds.map(f64::from)),
            active_rounds: mean_some(&|m| m.active_rounds.map(f64::from)),
        }
    }
}

/// What a run found, for the first transaction.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// The seed of the first trial.
    pub seed: u64,
    /// The relay policy's name.
    pub relay: &'static str,
    /// The peer the first transaction left.
    pub source: PeerId,
    /// Per-peer results of the first trial, in id order.
    pub peers: Vec<PeerRow>,
    /// Totals of the first trial.
    pub metrics: Metrics,
    /// (milliseconds since the broadcast, peers reached by then), first trial.
    pub coverage: Vec<(f64, usize)>,
    /// Peers never reached in the first trial, and why.
    pub unreached: Vec<Unreached>,
    /// Graph facts of the network as it ended.
    pub graph: GraphFacts,
    /// Peers by the links along their path of first arrival (index = hops; see [`PeerRow`]).
    pub arrival_hops_histogram: Vec<usize>,
    /// Peers by their fewest links from the source through relaying peers (index = hops).
    pub shortest_hops_histogram: Vec<usize>,
    /// Timeline entries the network refused when their time came (first trial), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<RefusedEntry>,
    /// Whether the first trial stopped at the virtual-time horizon with events still to come.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub horizon_reached: bool,
    /// Metrics of every trial, when there was more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trials: Option<Vec<Metrics>>,
    /// Their means, when there was more than one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<MeanMetrics>,
}

impl Report {
    /// The per-peer results as CSV (see [`peers_csv`]).
    pub fn peers_csv(&self) -> String {
        peers_csv(&self.peers)
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }
}

/// A timeline entry the network refused when its time came.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RefusedEntry {
    /// When it was tried, in milliseconds.
    pub at_ms: f64,
    /// What was tried.
    pub action: Action,
    /// Why it was refused.
    pub error: String,
}

/// One peer's results, as reports and CSV files give them.
///
/// Two hop counts sit side by side, and with varied latencies they differ:
/// `arrival_hops` counts the links along the path the transaction took to the
/// peer first (a fast detour can beat a short path), `shortest_hops` the fewest
/// links from the source through relaying peers on the network as it ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeerRow {
    /// The peer.
    pub id: PeerId,
    /// When it first received the transaction, since the broadcast.
    pub first_arrival_ms: Option<f64>,
    /// Links along the path of first arrival (`None` if never reached).
    pub arrival_hops: Option<u32>,
    /// The fewest links from the source through relaying peers (`None` if no such path).
    pub shortest_hops: Option<u32>,
    /// The neighbour it first received it from.
    pub parent: Option<PeerId>,
}

/// Per-peer results of `tx`, one per live peer, in id order.
pub fn peer_rows(sim: &Simulation, tx: TxId) -> Vec<PeerRow> {
    let shortest = sim.origin(tx).map_or_else(Vec::new, |origin| {
        graph::hop_distances(sim.network(), origin, |p| p.relays())
    });
    sim.peer_results(tx)
        .into_iter()
        .map(|r: PeerResult| PeerRow {
            id: r.id,
            first_arrival_ms: r.first_arrival_ms,
            arrival_hops: r.hops,
            shortest_hops: shortest.get(r.id.index()).copied().flatten(),
            parent: r.parent,
        })
        .collect()
}

/// Per-peer results as CSV: `id,first_arrival_ms,arrival_hops,shortest_hops,parent`, empty
/// cells where there is no value.
pub fn peers_csv(peers: &[PeerRow]) -> String {
    let mut csv = String::from("id,first_arrival_ms,arrival_hops,shortest_hops,parent\n");
    for p in peers {
        let cell = |v: Option<String>| v.unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            p.id.0,
            cell(p.first_arrival_ms.map(|t| t.to_string())),
            cell(p.arrival_hops.map(|h| h.to_string())),
            cell(p.shortest_hops.map(|h| h.to_string())),
            cell(p.parent.map(|p| p.0.to_string())),
        ));
    }
    csv
}

/// The seeds of `trials` trials: the first as given, the rest derived from it.
pub fn trial_seeds(seed: u64, trials: u32) -> Vec<u64> {
    let mut rng = SimRng::for_stream(seed, TRIAL_STREAM);
    (0..trials.max(1))
        .map(|i| if i == 0 { seed } else { rng.next_u64() })
        .collect()
}

/// Sets up one trial: the simulation and the first transaction's source.
fn prepare(
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<(Simulation, PeerId), ScenarioError> {
    let mut sim = scenario.simulation(options.relay.clone())?;
    let source = match options.source.or_else(|| scenario.broadcasts().next()) {
        Some(source) => source,
        None => sim
            .network()
            .peer_ids()
            .next()
            .ok_or_else(|| ScenarioError::whole(Problem::NoPeers))?,
    };
    if options.source.is_some() || scenario.broadcasts().next().is_none() {
        sim.apply(Action::Broadcast { peer: source })
            .map_err(|e| ScenarioError::at("source", e))?;
    }
    Ok((sim, source))
}

/// Runs `scenario` as `options` say and reports on its first transaction.
///
/// `progress` is called every few hundred thousand events, so long runs can
/// show where they are.
pub fn run(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<Report, ScenarioError> {
    let first_seed = options.seed.unwrap_or(scenario.seed);
    let seeds = trial_seeds(first_seed, options.trials);
    let n_trials = seeds.len() as u32;
    let mut first: Option<(Simulation, PeerId)> = None;
    let mut all_metrics = Vec::with_capacity(seeds.len());
    for (i, &seed) in seeds.iter().enumerate() {
        let mut trial_scenario = scenario.clone();
        trial_scenario.seed = seed;
        let (mut sim, source) = prepare(&trial_scenario, options)?;
        let trial = i as u32 + 1;
        let mut report_progress = |sim: &Simulation| {
            progress(Progress {
                trial,
                trials: n_trials,
                events: sim.events_processed(),
                now: sim.now(),
            })
        };
        // Each trial starts and ends with a call, so a caller can count trials.
        let stopped = report_progress(&sim).is_break()
            || sim
                .run_with_progress(PROGRESS_CHUNK, &mut report_progress)
                .is_break()
            || report_progress(&sim).is_break();
        if stopped {
            return Err(ScenarioError::whole(Problem::Interrupted {
                trial,
                trials: n_trials,
            }));
        }
        all_metrics.push(sim.metrics(TxId(0)));
        if first.is_none() {
            first = Some((sim, source));
        }
    }
    let (sim, source) = first.expect("at least one trial runs");
    let tx = TxId(0);
    if sim.n_transactions() == 0 {
        let error = sim
            .refusals()
            .first()
            .map_or(EditError::NoSuchPeer(source), |r| r.error.clone());
        return Err(ScenarioError::whole(Problem::BroadcastRefused {
            source,
            error,
        }));
    }
    let peers = peer_rows(&sim, tx);
    let histogram = |hops: &dyn Fn(&PeerRow) -> Option<u32>| {
        graph::hop_histogram(&peers.iter().map(hops).collect::<Vec<_>>())
    };
    let several = n_trials > 1;
    Ok(Report {
        format: FORMAT,
        seed: first_seed,
        relay: sim.policy().name(),
        source: sim.origin(tx).unwrap_or(source),
        arrival_hops_histogram: histogram(&|p| p.arrival_hops),
        shortest_hops_histogram: histogram(&|p| p.shortest_hops),
        peers,
        metrics: all_metrics[0].clone(),
        coverage: sim.coverage(tx),
        unreached: sim.unreached(tx),
        graph: graph::facts(sim.network()),
        refused: sim
            .refusals()
            .iter()
            .map(|r| RefusedEntry {
                at_ms: r.at.as_ms_f64(),
                action: r.action.clone(),
                error: r.error.to_string(),
            })
            .collect(),
        horizon_reached: sim.horizon_reached(),
        mean: several.then(|| MeanMetrics::of(&all_metrics)),
        trials: several.then_some(all_metrics),
    })
}
