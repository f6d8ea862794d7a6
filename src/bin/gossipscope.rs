//! The `gossipscope` command-line tool: generate scenarios and simulate them, without a browser.

use std::io::Write;
use std::process::ExitCode;

use gossipscope::sim::generate::{generate, GeneratorSpec};
use gossipscope::sim::latency::LatencyModel;
use gossipscope::sim::network::PeerId;
use gossipscope::sim::relay::{ClientServerParams, RelayPolicy, RumorMode};
use gossipscope::sim::report::{self, Progress, RunOptions};
use gossipscope::sim::scenario::{Scenario, FORMAT};

const USAGE: &str = "\
gossipscope: simulate transaction gossip over a blockchain's peer-to-peer network

USAGE:
  gossipscope generate --topology NAME [TOPOLOGY OPTIONS] [--seed S] [--latency MODEL] [--out FILE]
  gossipscope simulate (SCENARIO.json | --topology NAME [TOPOLOGY OPTIONS]) [RUN OPTIONS]

TOPOLOGIES AND THEIR OPTIONS (defaults in brackets):
  tutorial      --peers N [--tries 3]
  bitcoin       --peers N [--unreachable-share 0.7] [--outbound 8] [--light-share 0]
                [--mining-share 0.02] [--archival-share 0.1] [--bitcoin-core]
  ring          --peers N
  grid          --rows R --cols C
  complete      --peers N
  small-world   --peers N [--k 4] [--beta 0.1]
  scale-free    --peers N [--m 2]
  star          --clients N           (peer 0 is the server)
  regions       --peers N [--regions 3] [--unreachable-share 0] [--inter-share 0.1]
  --latency constant:MS | uniform:LO,HI | lognormal:MEAN,SD | region:INTRA,INTER[,JITTER]
  --validation-delay MODEL   each peer's validation delay, drawn like a latency [none]

RUN OPTIONS:
  --relay flood|bitcoin|push|rumor|client-server   [the scenario's, else flood]
  --source PEER          broadcast from this peer (N12 or 12) [the first peer]
  --fanout F --rounds R --hop-limit H --round-ms MS   push gossip parameters
  --rumor-mode feedback-counter|feedback-coin|blind-counter|blind-coin  --rumor-k K
  --server PEER          the client-server hub [the star's hub, else the best-linked peer]
  --trials N             repeat with seeds derived from the first [1]
  --seed S               seed (overrides the scenario's) [1 with --topology]
  --out FILE             write the report JSON here (else to standard output)
  --csv FILE             write per-peer results as CSV
  --quiet                no summary or progress on standard error
";

/// A usage or input error: one line, and the exit code to leave with.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            eprintln!("gossipscope: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    match args.first().map(String::as_str) {
        Some("generate") => cmd_generate(&Args::parse(&args[1..])?),
        Some("simulate") => cmd_simulate(&Args::parse(&args[1..])?),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure(format!(
            "unknown command '{other}' (expected generate or simulate; see gossipscope --help)"
        ))),
    }
}

/// Parsed command-line arguments: positional ones and `--name value` options.
struct Args {
    positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

/// Options that take no value.
const SWITCHES: &[&str] = &["quiet", "bitcoin-core"];

impl Args {
    fn parse(raw: &[String]) -> Result<Args, Failure> {
        let mut positional = Vec::new();
        let mut options: Vec<(String, Option<String>)> = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let arg = &raw[i];
            if let Some(name) = arg.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (name.to_string(), None),
                };
                if options.iter().any(|(n, _)| *n == name) {
                    return Err(Failure(format!("--{name} is given twice")));
                }
                let value = if inline.is_some() || SWITCHES.contains(&name.as_str()) {
                    inline
                } else {
                    i += 1;
                    Some(
                        raw.get(i)
                            .cloned()
                            .ok_or_else(|| Failure(format!("--{name} needs a value")))?,
                    )
                };
                options.push((name, value));
            } else {
                positional.push(arg.clone());
            }
            i += 1;
        }
        Ok(Args {
            positional,
            options,
        })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Failure> {
        self.get(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| Failure(format!("--{name}: '{v}' is not a valid number")))
            })
            .transpose()
    }

    fn peer(&self, name: &str) -> Result<Option<PeerId>, Failure> {
        self.get(name)
            .map(|v| {
                let digits = v.strip_prefix('N').unwrap_or(v);
                digits.parse::<u32>().map(PeerId).map_err(|_| {
                    Failure(format!("--{name}: '{v}' is not a peer id like N12 or 12"))
                })
            })
            .transpose()
    }

    /// Rejects options this command does not know.
    fn only(&self, known: &[&str]) -> Result<(), Failure> {
        for (name, _) in &self.options {
            if !known.contains(&name.as_str()) {
                return Err(Failure(format!(
                    "unknown option --{name} (see gossipscope --help)"
                )));
            }
        }
        Ok(())
    }
}

/// Options that shape a generated network (everything else belongs to the run).
const TOPOLOGY_OPTIONS: &[&str] = &[
    "peers",
    "tries",
    "unreachable-share",
    "outbound",
    "light-share",
    "mining-share",
    "archival-share",
    "bitcoin-core",
    "rows",
    "cols",
    "k",
    "beta",
    "m",
    "clients",
    "regions",
    "inter-share",
];

/// The generator spec the `--topology` options describe.
///
/// The options go through the spec's own JSON schema, so defaults and
/// "this topology has no such option" errors are the scenario format's.
fn generator_spec(args: &Args) -> Result<GeneratorSpec, Failure> {
    let topology = args
        .get("topology")
        .ok_or_else(|| Failure("--topology is required".into()))?;
    let mut object = serde_json::Map::new();
    object.insert("topology".into(), topology.into());
    for &name in TOPOLOGY_OPTIONS {
        if !args.has(name) {
            continue;
        }
        let value = match args.get(name) {
            None => serde_json::Value::Bool(true),
            Some(text) => serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .filter(|v| v.is_number() || v.is_boolean())
                .ok_or_else(|| Failure(format!("--{name}: '{text}' is not a number")))?,
        };
        object.insert(name.replace('-', "_"), value);
    }
    let mut spec: GeneratorSpec = serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| Failure(format!("--topology {topology}: {e}")))?;
    if let Some(text) = args.get("latency") {
        spec.latency =
            Some(LatencyModel::parse(text).map_err(|e| Failure(format!("--latency: {e}")))?);
    }
    if let Some(text) = args.get("validation-delay") {
        let model =
            LatencyModel::parse(text).map_err(|e| Failure(format!("--validation-delay: {e}")))?;
        spec.validation_delay = Some(model);
    }
    Ok(spec)
}

fn write_file(path: &str, contents: &str) -> Result<(), Failure> {
    std::fs::write(path, contents).map_err(|e| Failure(format!("cannot write {path}: {e}")))
}

fn cmd_generate(args: &Args) -> Result<(), Failure> {
    let mut known = vec!["topology", "seed", "latency", "validation-delay", "out"];
    known.extend_from_slice(TOPOLOGY_OPTIONS);
    args.only(&known)?;
    if let Some(extra) = args.positional.first() {
        return Err(Failure(format!("unexpected argument '{extra}'")));
    }
    let spec = generator_spec(args)?;
    let seed = args.number::<u64>("seed")?.unwrap_or(1);
    let generated = generate(&spec, seed)?;
    let mut scenario = Scenario::from_network(&generated.network, seed, RelayPolicy::Flood);
    scenario.latency = spec.latency_model();
    scenario.notes = generated.notes;
    if let Some(server) = generated.server {
        // A star is the client-server network: relay that way unless told otherwise.
        scenario.relay = RelayPolicy::ClientServer(ClientServerParams {
            server: Some(server),
        });
        scenario.notes.push(format!(
            "{server} is the server of the star (client-server hub)"
        ));
    }
    let json = if generated.network.n_peers() > 2_000 {
        scenario.to_json_compact()
    } else {
        scenario.to_json()
    };
    match args.get("out") {
        Some(path) => {
            write_file(path, &json)?;
            eprintln!(
                "gossipscope: wrote {path}: {} peers, {} links ({FORMAT})",
                generated.network.n_peers(),
                generated.network.n_links()
            );
        }
        None => println!("{json}"),
    }
    Ok(())
}

/// Options that tune a relay policy's parameters.
const RELAY_OPTIONS: [&str; 7] = [
    "fanout",
    "rounds",
    "hop-limit",
    "round-ms",
    "rumor-mode",
    "rumor-k",
    "server",
];

/// The relay policy the options ask for, starting from the scenario's.
fn relay_policy(args: &Args, scenario_relay: &RelayPolicy) -> Result<Option<RelayPolicy>, Failure> {
    let mut relay = match args.get("relay") {
        Some(name) => RelayPolicy::from_name(name)?,
        None => scenario_relay.clone(),
    };
    let tuned = RELAY_OPTIONS.iter().any(|o| args.has(o));
    match &mut relay {
        RelayPolicy::Push(p) => {
            if let Some(f) = args.number("fanout")? {
                p.fanout = f;
            }
            if let Some(r) = args.number("rounds")? {
                p.rounds = Some(r);
            }
            if let Some(h) = args.number("hop-limit")? {
                p.hop_limit = Some(h);
            }
            if let Some(ms) = args.number("round-ms")? {
                p.round_ms = ms;
            }
        }
        RelayPolicy::Rumor(p) => {
            if let Some(mode) = args.get("rumor-mode") {
                p.mode = RumorMode::parse(mode)?;
            }
            if let Some(k) = args.number("rumor-k")? {
                p.k = k;
            }
            if let Some(ms) = args.number("round-ms")? {
                p.round_ms = ms;
            }
        }
        RelayPolicy::ClientServer(p) => {
            if let Some(server) = args.peer("server")? {
                p.server = Some(server);
            }
        }
        _ => {}
    }
    let applies = |option: &str| match &relay {
        RelayPolicy::Push(_) => ["fanout", "rounds", "hop-limit", "round-ms"].contains(&option),
        RelayPolicy::Rumor(_) => ["rumor-mode", "rumor-k", "round-ms"].contains(&option),
        RelayPolicy::ClientServer(_) => option == "server",
        _ => false,
    };
    for option in RELAY_OPTIONS {
        if args.has(option) && !applies(option) {
            return Err(Failure(format!(
                "--{option} does not apply to --relay {}",
                relay.name()
            )));
        }
    }
    relay
        .validate()
        .map_err(|e| Failure(format!("--relay {}: {e}", relay.name())))?;
    Ok((args.has("relay") || tuned).then_some(relay))
}

fn load_scenario(args: &Args) -> Result<Scenario, Failure> {
    match (args.positional.as_slice(), args.has("topology")) {
        ([path], false) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure(format!("cannot read {path}: {e}")))?;
            Scenario::from_json(&text).map_err(|e| Failure(format!("{path}: {e}")))
        }
        ([], true) => {
            let spec = generator_spec(args)?;
            let seed = args.number::<u64>("seed")?.unwrap_or(1);
            Ok(Scenario {
                format: FORMAT.to_string(),
                seed,
                notes: Vec::new(),
                limits: spec.effective_limits(),
                latency: spec.latency_model(),
                relay: RelayPolicy::Flood,
                generator: Some(spec),
                peers: Vec::new(),
                links: Vec::new(),
                next_peer_id: None,
                timeline: Vec::new(),
            })
        }
        ([_, extra, ..], _) => Err(Failure(format!("unexpected argument '{extra}'"))),
        ([_], true) => Err(Failure(
            "give a scenario file or --topology, not both".into(),
        )),
        ([], false) => Err(Failure(
            "simulate needs a scenario file or --topology".into(),
        )),
    }
}

fn cmd_simulate(args: &Args) -> Result<(), Failure> {
    let mut known = vec![
        "topology",
        "latency",
        "validation-delay",
        "relay",
        "source",
        "trials",
        "seed",
        "out",
        "csv",
        "quiet",
    ];
    known.extend_from_slice(&RELAY_OPTIONS);
    known.extend_from_slice(TOPOLOGY_OPTIONS);
    args.only(&known)?;
    let scenario = load_scenario(args)?;
    let trials = args.number::<u32>("trials")?.unwrap_or(1);
    if trials == 0 || trials > 100_000 {
        return Err(Failure(format!(
            "--trials: {trials} is not between 1 and 100000"
        )));
    }
    let options = RunOptions {
        relay: relay_policy(args, &scenario.relay)?,
        source: args.peer("source")?,
        trials,
        seed: args.number::<u64>("seed")?,
    };
    let quiet = args.has("quiet");
    let mut show_progress = |p: Progress| {
        if !quiet {
            eprintln!(
                "gossipscope: trial {}/{}: {} events, virtual time {:.1} s",
                p.trial,
                p.trials,
                p.events,
                p.now.as_ms_f64() / 1000.0
            );
        }
    };
    let report = report::run(&scenario, &options, &mut show_progress)?;
    if let Some(path) = args.get("csv") {
        write_file(path, &report.peers_csv())?;
    }
    let json = report.to_json();
    match args.get("out") {
        Some(path) => write_file(path, &json)?,
        None => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{json}")
                .map_err(|e| Failure(format!("cannot write the report: {e}")))?;
        }
    }
    if !quiet {
        let m = &report.metrics;
        let ms = |t: Option<f64>| t.map_or("never".to_string(), |t| format!("{t:.1} ms"));
        eprintln!(
            "gossipscope: {} from {}: reached {}/{} peers, {} messages ({} redundant), t50 {}, t90 {}, t100 {}",
            report.relay,
            report.source,
            m.reached,
            m.reachable,
            m.messages,
            m.redundant,
            ms(m.t50_ms),
            ms(m.t90_ms),
            ms(m.t100_ms)
        );
    }
    Ok(())
}
