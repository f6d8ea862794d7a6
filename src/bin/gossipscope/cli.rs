//! The command line itself: arguments (clap), reading scenario files, writing reports.
//!
//! Every failure is one line on standard error and exit status 1: bad
//! arguments (clap's own message, on one line), a file that cannot be read or
//! that breaks a cap of [`gossipscope::sim::caps`], an output that cannot be
//! written. Output files are written atomically (a temporary file beside the
//! target, then a rename). A reader that closes the pipe early (`| head`)
//! ends the run quietly; Ctrl-C stops a long run between chunks of events
//! (a second Ctrl-C stops it at once).

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use gossipscope::sim::caps;
use gossipscope::sim::generate::{generate, GeneratorSpec};
use gossipscope::sim::latency::LatencyModel;
use gossipscope::sim::network::PeerId;
use gossipscope::sim::relay::{ClientServerParams, RelayPolicy, RumorMode};
use gossipscope::sim::report::{self, Progress, RunOptions};
use gossipscope::sim::scenario::{Scenario, FORMAT};

const TOPOLOGIES: &str = "\
Topologies and their options (defaults in brackets):
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

Latency models (--latency, --validation-delay):
  constant:MS | uniform:LO,HI | lognormal:MEAN,SD | region:INTRA,INTER[,JITTER]
  region-matrix[:no-jitter]   SimBlock's measured 2019 one-way latencies between North
                              America, Europe, South America, Asia-Pacific, Japan and
                              Australia (regions 0-5), with SimBlock's Pareto jitter
                              (the default for regions)

Every failure is one line on standard error and exit status 1.";

/// Simulate transaction gossip over a blockchain's peer-to-peer network.
#[derive(Parser)]
#[command(name = "gossipscope", version, after_help = TOPOLOGIES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a network and write it as a scenario file.
    Generate(GenerateArgs),
    /// Run a scenario (a file, or a generated network) and write a report.
    Simulate(SimulateArgs),
}

#[derive(Args)]
struct GenerateArgs {
    #[command(flatten)]
    topology: TopologyArgs,
    /// Seeds the generator.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    seed: u64,
    /// Write the scenario here (else to standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Options that describe a generated network.
#[derive(Args)]
struct TopologyArgs {
    /// Generate this topology (see the list below).
    #[arg(long, value_name = "NAME")]
    topology: Option<String>,
    #[arg(long, value_name = "N", help_heading = "Topology options")]
    peers: Option<u32>,
    #[arg(long, value_name = "N", help_heading = "Topology options")]
    tries: Option<u32>,
    #[arg(long, value_name = "SHARE", value_parser = finite, help_heading = "Topology options")]
    unreachable_share: Option<f64>,
    #[arg(long, value_name = "N", help_heading = "Topology options")]
    outbound: Option<u32>,
    #[arg(long, value_name = "SHARE", value_parser = finite, help_heading = "Topology options")]
    light_share: Option<f64>,
    #[arg(long, value_name = "SHARE", value_parser = finite, help_heading = "Topology options")]
    mining_share: Option<f64>,
    #[arg(long, value_name = "SHARE", value_parser = finite, help_heading = "Topology options")]
    archival_share: Option<f64>,
    /// Bitcoin Core's connection limits of today (8 full-relay + 2 block-relay-only + feeler).
    #[arg(long, help_heading = "Topology options")]
    bitcoin_core: bool,
    #[arg(long, value_name = "R", help_heading = "Topology options")]
    rows: Option<u32>,
    #[arg(long, value_name = "C", help_heading = "Topology options")]
    cols: Option<u32>,
    #[arg(long, value_name = "K", help_heading = "Topology options")]
    k: Option<u32>,
    #[arg(long, value_name = "P", value_parser = finite, help_heading = "Topology options")]
    beta: Option<f64>,
    #[arg(long, value_name = "M", help_heading = "Topology options")]
    m: Option<u32>,
    #[arg(long, value_name = "N", help_heading = "Topology options")]
    clients: Option<u32>,
    #[arg(long, value_name = "N", help_heading = "Topology options")]
    regions: Option<u32>,
    #[arg(long, value_name = "SHARE", value_parser = finite, help_heading = "Topology options")]
    inter_share: Option<f64>,
    /// Draws link latencies.
    #[arg(long, value_name = "MODEL", help_heading = "Topology options")]
    latency: Option<String>,
    /// Draws each peer's validation delay, like a latency [none].
    #[arg(long, value_name = "MODEL", help_heading = "Topology options")]
    validation_delay: Option<String>,
}

#[derive(Args)]
struct SimulateArgs {
    /// A scenario file (JSON), or use --topology instead.
    #[arg(value_name = "SCENARIO.json")]
    scenario: Option<PathBuf>,
    #[command(flatten)]
    topology: TopologyArgs,
    /// The relay policy [the scenario's, else flood].
    #[arg(long, value_enum, value_name = "POLICY")]
    relay: Option<RelayName>,
    /// Broadcast from this peer (N12 or 12) [the first peer].
    #[arg(long, value_name = "PEER", value_parser = peer_id)]
    source: Option<PeerId>,
    /// Push gossip: peers each peer pushes to per round.
    #[arg(long, value_name = "F", help_heading = "Relay parameters")]
    fanout: Option<u32>,
    /// Push gossip: rounds each peer keeps pushing.
    #[arg(long, value_name = "R", help_heading = "Relay parameters")]
    rounds: Option<u32>,
    /// Push gossip: hops after which a transaction is not pushed on.
    #[arg(long, value_name = "H", help_heading = "Relay parameters")]
    hop_limit: Option<u32>,
    /// Push gossip and rumor mongering: the round interval.
    #[arg(long, value_name = "MS", value_parser = finite, help_heading = "Relay parameters")]
    round_ms: Option<f64>,
    /// Rumor mongering: how a peer loses interest.
    #[arg(long, value_name = "MODE", value_parser = RumorMode::parse, help_heading = "Relay parameters")]
    rumor_mode: Option<RumorMode>,
    /// Rumor mongering: the counter's limit or the coin's odds (1/k).
    #[arg(long, value_name = "K", help_heading = "Relay parameters")]
    rumor_k: Option<u32>,
    /// Client-server: the hub [the star's hub, else the best-linked peer].
    #[arg(long, value_name = "PEER", value_parser = peer_id, help_heading = "Relay parameters")]
    server: Option<PeerId>,
    /// Repeat with seeds derived from the first.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(caps::MAX_TRIALS)))]
    trials: u32,
    /// The seed (overrides the scenario's) [1 with --topology].
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    seed: Option<u64>,
    /// Write the report JSON here (else to standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write per-peer results as CSV here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// No summary or progress on standard error.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum RelayName {
    Flood,
    Bitcoin,
    Push,
    Rumor,
    ClientServer,
}

/// Parses a finite number (clap's own `f64` parser takes `nan` and `inf`).
fn finite(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err("not a finite number".to_string()),
    }
}

/// Parses a peer id written `N12` or `12`.
fn peer_id(text: &str) -> Result<PeerId, String> {
    let digits = text.strip_prefix('N').unwrap_or(text);
    digits
        .parse::<u32>()
        .map(PeerId)
        .map_err(|_| "not a peer id like N12 or 12".to_string())
}

/// Why the tool stops early.
enum Failure {
    /// One line for standard error.
    Message(String),
    /// The reader of standard output went away: nothing more to say.
    ClosedPipe,
    /// Ctrl-C.
    Interrupted,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::Message(e.to_string())
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, Failure> {
    Err(Failure::Message(message.into()))
}

/// Writes a line to standard error; a closed or full standard error is not worth dying over.
fn say(line: &str) {
    let _ignored = writeln!(io::stderr().lock(), "gossipscope: {line}");
}

pub fn main() -> ExitCode {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&interrupted);
    // The first Ctrl-C asks the run to stop; a second one stops the process at once.
    let _ignored = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(e),
    };
    let result = match cli.command {
        Command::Generate(args) => cmd_generate(&args),
        Command::Simulate(args) => cmd_simulate(&args, &interrupted),
    };
    match result {
        Ok(()) | Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            say(&format!("error: {message}"));
            ExitCode::FAILURE
        }
        Err(Failure::Interrupted) => {
            say("interrupted: nothing was written");
            ExitCode::from(130)
        }
    }
}

/// Help and version go to standard output (exit 0); a usage error is one line (exit 1).
fn usage(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            match write!(io::stdout().lock(), "{error}") {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => ExitCode::FAILURE,
                _ => ExitCode::SUCCESS,
            }
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ignored = write!(io::stderr().lock(), "{error}");
            ExitCode::FAILURE
        }
        _ => {
            let text = error.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            say(&format!("error: {first} (see gossipscope --help)"));
            ExitCode::FAILURE
        }
    }
}

impl TopologyArgs {
    /// The options given, by their command-line names, with their JSON values.
    fn given(&self) -> Vec<(&'static str, serde_json::Value)> {
        let mut given = Vec::new();
        let mut number = |name: &'static str, v: Option<serde_json::Value>| {
            if let Some(v) = v {
                given.push((name, v));
            }
        };
        let int = |v: Option<u32>| v.map(serde_json::Value::from);
        let float = |v: Option<f64>| v.map(serde_json::Value::from);
        number("peers", int(self.peers));
        number("tries", int(self.tries));
        number("unreachable-share", float(self.unreachable_share));
        number("outbound", int(self.outbound));
        number("light-share", float(self.light_share));
        number("mining-share", float(self.mining_share));
        number("archival-share", float(self.archival_share));
        number("bitcoin-core", self.bitcoin_core.then_some(true.into()));
        number("rows", int(self.rows));
        number("cols", int(self.cols));
        number("k", int(self.k));
        number("beta", float(self.beta));
        number("m", int(self.m));
        number("clients", int(self.clients));
        number("regions", int(self.regions));
        number("inter-share", float(self.inter_share));
        number("latency", self.latency.clone().map(Into::into));
        number(
            "validation-delay",
            self.validation_delay.clone().map(Into::into),
        );
        given
    }

    /// The generator spec the options describe.
    ///
    /// The options go through the spec's own JSON schema, so defaults and
    /// "this topology has no such option" errors are the scenario format's.
    fn spec(&self) -> Result<GeneratorSpec, Failure> {
        let Some(topology) = &self.topology else {
            return fail("--topology is required");
        };
        let mut object = serde_json::Map::new();
        object.insert("topology".into(), topology.as_str().into());
        for (name, value) in self.given() {
            if !matches!(name, "latency" | "validation-delay") {
                object.insert(name.replace('-', "_"), value);
            }
        }
        let mut spec: GeneratorSpec = serde_json::from_value(serde_json::Value::Object(object))
            .map_err(|e| Failure::Message(format!("--topology {topology}: {e}")))?;
        if let Some(text) = &self.latency {
            let model = LatencyModel::parse(text)
                .and_then(|m| m.validate().map(|()| m))
                .map_err(|e| Failure::Message(format!("--latency: {e}")))?;
            spec.latency = Some(model);
        }
        if let Some(text) = &self.validation_delay {
            let model = LatencyModel::parse(text)
                .and_then(|m| m.validate().map(|()| m))
                .map_err(|e| Failure::Message(format!("--validation-delay: {e}")))?;
            spec.validation_delay = Some(model);
        }
        spec.topology
            .validate()
            .map_err(|e| Failure::Message(format!("--topology {topology}: {e}")))?;
        Ok(spec)
    }
}

/// Writes `contents` to `path` atomically: a temporary file beside it, then a rename.
///
/// A path that exists and is not a regular file (a pipe, `/dev/stdout`) is written directly.
fn write_file(path: &Path, contents: &str) -> Result<(), Failure> {
    let shown = path.display();
    let cannot = |e: io::Error| Failure::Message(format!("cannot write {shown}: {e}"));
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let mut file = File::options().write(true).open(path).map_err(cannot)?;
        return file.write_all(contents.as_bytes()).map_err(cannot);
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".gossipscope-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // As a plain create would make it (the umask applies).
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir).map_err(cannot)?;
    temp.write_all(contents.as_bytes()).map_err(cannot)?;
    temp.persist(path).map_err(|e| cannot(e.error))?;
    Ok(())
}

/// Writes to standard output; a closed pipe ends the run quietly.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Failure::ClosedPipe),
        Err(e) => fail(format!("cannot write to standard output: {e}")),
    }
}

/// Reads a scenario file, refusing one over [`caps::MAX_SCENARIO_BYTES`] before reading it all.
fn read_scenario_file(path: &Path) -> Result<String, Failure> {
    let shown = path.display();
    let cannot = |e: io::Error| Failure::Message(format!("cannot read {shown}: {e}"));
    let file = File::open(path).map_err(cannot)?;
    let too_big = || {
        Failure::Message(format!(
            "{shown}: larger than the {} MB a scenario may be",
            caps::MAX_SCENARIO_BYTES / (1024 * 1024)
        ))
    };
    if file
        .metadata()
        .is_ok_and(|m| m.len() > caps::MAX_SCENARIO_BYTES)
    {
        return Err(too_big());
    }
    // A device or pipe has no length: read at most one byte more than the cap.
    let mut bytes = Vec::new();
    file.take(caps::MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > caps::MAX_SCENARIO_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|e| {
        Failure::Message(format!(
            "{shown}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn cmd_generate(args: &GenerateArgs) -> Result<(), Failure> {
    let spec = args.topology.spec()?;
    let generated = generate(&spec, args.seed)?;
    let mut scenario = Scenario::from_network(&generated.network, args.seed, RelayPolicy::Flood);
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
    match &args.out {
        Some(path) => {
            write_file(path, &json)?;
            say(&format!(
                "wrote {}: {} peers, {} links ({FORMAT})",
                path.display(),
                generated.network.n_peers(),
                generated.network.n_links()
            ));
        }
        None => print(&format!("{json}\n"))?,
    }
    Ok(())
}

impl SimulateArgs {
    /// The relay policy the options ask for, starting from the scenario's; `None` keeps the scenario's.
    fn relay_policy(&self, scenario_relay: &RelayPolicy) -> Result<Option<RelayPolicy>, Failure> {
        let mut relay = match self.relay {
            Some(RelayName::Flood) => RelayPolicy::Flood,
            Some(RelayName::Bitcoin) => RelayPolicy::from_name("bitcoin")?,
            Some(RelayName::Push) => RelayPolicy::from_name("push")?,
            Some(RelayName::Rumor) => RelayPolicy::from_name("rumor")?,
            Some(RelayName::ClientServer) => RelayPolicy::from_name("client-server")?,
            None => scenario_relay.clone(),
        };
        let tuned: Vec<&str> = [
            ("fanout", self.fanout.is_some()),
            ("rounds", self.rounds.is_some()),
            ("hop-limit", self.hop_limit.is_some()),
            ("round-ms", self.round_ms.is_some()),
            ("rumor-mode", self.rumor_mode.is_some()),
            ("rumor-k", self.rumor_k.is_some()),
            ("server", self.server.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect();
        let applies: &[&str] = match &mut relay {
            RelayPolicy::Push(p) => {
                p.fanout = self.fanout.unwrap_or(p.fanout);
                p.rounds = self.rounds.or(p.rounds);
                p.hop_limit = self.hop_limit.or(p.hop_limit);
                p.round_ms = self.round_ms.unwrap_or(p.round_ms);
                &["fanout", "rounds", "hop-limit", "round-ms"]
            }
            RelayPolicy::Rumor(p) => {
                p.mode = self.rumor_mode.unwrap_or(p.mode);
                p.k = self.rumor_k.unwrap_or(p.k);
                p.round_ms = self.round_ms.unwrap_or(p.round_ms);
                &["rumor-mode", "rumor-k", "round-ms"]
            }
            RelayPolicy::ClientServer(p) => {
                p.server = self.server.or(p.server);
                &["server"]
            }
            RelayPolicy::Flood | RelayPolicy::Bitcoin(_) => &[],
        };
        if let Some(option) = tuned.iter().find(|o| !applies.contains(o)) {
            return fail(format!(
                "--{option} does not apply to --relay {}",
                relay.name()
            ));
        }
        relay
            .validate()
            .map_err(|e| Failure::Message(format!("--relay {}: {e}", relay.name())))?;
        Ok((self.relay.is_some() || !tuned.is_empty()).then_some(relay))
    }

    fn scenario(&self) -> Result<Scenario, Failure> {
        let topology = &self.topology;
        match (&self.scenario, &topology.topology) {
            (Some(path), None) => {
                if let Some((name, _)) = topology.given().first() {
                    return fail(format!(
                        "--{name} shapes a generated network (--topology); it does not apply to the scenario file {}",
                        path.display()
                    ));
                }
                let text = read_scenario_file(path)?;
                Scenario::from_json(&text)
                    .map_err(|e| Failure::Message(format!("{}: {e}", path.display())))
            }
            (None, Some(_)) => {
                let spec = topology.spec()?;
                let scenario = Scenario {
                    format: FORMAT.to_string(),
                    seed: self.seed.unwrap_or(1),
                    notes: Vec::new(),
                    limits: spec.effective_limits(),
                    latency: spec.latency_model(),
                    relay: RelayPolicy::Flood,
                    generator: Some(spec),
                    peers: Vec::new(),
                    links: Vec::new(),
                    next_peer_id: None,
                    timeline: Vec::new(),
                };
                scenario.validate()?;
                Ok(scenario)
            }
            (Some(_), Some(_)) => fail("give a scenario file or --topology, not both"),
            (None, None) => fail("simulate needs a scenario file or --topology"),
        }
    }
}

/// Shows where a long run is: a bar on a terminal, else a line every few seconds.
struct Meter {
    bar: Option<ProgressBar>,
    last_line: Instant,
}

impl Meter {
    fn new(quiet: bool, trials: u32) -> Meter {
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(u64::from(trials));
            let style = ProgressStyle::with_template(
                "{spinner} trial {pos}/{len} [{elapsed_precise}] {wide_bar} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Meter {
            bar,
            last_line: Instant::now(),
        }
    }

    fn show(&mut self, p: Progress, quiet: bool) {
        let what = format!(
            "{} events, virtual time {:.1} s",
            p.events,
            p.now.as_ms_f64() / 1000.0
        );
        if let Some(bar) = &self.bar {
            bar.set_position(u64::from(p.trial - 1));
            bar.set_message(what);
        } else if !quiet && self.last_line.elapsed() >= Duration::from_secs(2) {
            self.last_line = Instant::now();
            say(&format!("trial {}/{}: {what}", p.trial, p.trials));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn cmd_simulate(args: &SimulateArgs, interrupted: &AtomicBool) -> Result<(), Failure> {
    let scenario = args.scenario()?;
    let options = RunOptions {
        relay: args.relay_policy(&scenario.relay)?,
        source: args.source,
        trials: args.trials,
        seed: args.seed,
    };
    let mut meter = Meter::new(args.quiet, args.trials);
    let result = report::run(&scenario, &options, &mut |p| {
        meter.show(p, args.quiet);
        if interrupted.load(Ordering::SeqCst) {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    });
    meter.finish();
    if interrupted.load(Ordering::SeqCst) {
        return Err(Failure::Interrupted);
    }
    let report = result?;
    if let Some(path) = &args.csv {
        write_file(path, &report.peers_csv())?;
    }
    let json = report.to_json();
    match &args.out {
        Some(path) => write_file(path, &json)?,
        None => print(&format!("{json}\n"))?,
    }
    if !args.quiet {
        let m = &report.metrics;
        let ms = |t: Option<f64>| t.map_or("never".to_string(), |t| format!("{t:.1} ms"));
        say(&format!(
            "{} from {}: reached {}/{} peers, {} messages ({} redundant), t50 {}, t90 {}, t100 {}",
            report.relay,
            report.source,
            m.reached,
            m.reachable,
            m.messages,
            m.redundant,
            ms(m.t50_ms),
            ms(m.t90_ms),
            ms(m.t100_ms)
        ));
        if let Some(first) = report.refused.first() {
            say(&format!(
                "{} timeline entries were refused (listed in the report's \"refused\"); the first, at {} ms: {}",
                report.refused.len(),
                first.at_ms,
                first.error
            ));
        }
        if report.horizon_reached {
            say(&format!(
                "the run stopped at the virtual-time horizon ({} days) with events still to come",
                caps::HORIZON.as_ms_f64() / 86_400_000.0
            ));
        }
    }
    Ok(())
}
