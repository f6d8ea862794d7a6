//! One run of the page: parse the form, generate a Bitcoin-style network, flood a transaction from N0, and time both steps.
//!
//! The simulation is the core's ([`crate::sim`]). This module only turns what
//! the person typed into core inputs, calls the core, and measures wall-clock
//! time with the browser's `Performance::now()`; the core never reads a clock.

use crate::sim::engine::Simulation;
use crate::sim::generate::{generate, GeneratorSpec, Topology};
use crate::sim::metrics::Metrics;
use crate::sim::network::PeerId;
use crate::sim::relay::RelayPolicy;

/// The largest network the page builds: bigger ones would freeze the tab for too long.
pub const MAX_BROWSER_PEERS: u32 = 100_000;

/// The peer count the page starts with.
pub const DEFAULT_PEERS: u32 = 10_000;

/// The seed the page starts with.
pub const DEFAULT_SEED: u64 = 1;

/// The relay policies the page offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Policy {
    /// Send to every neighbour on first receipt.
    #[default]
    Flood,
    /// Bitcoin Core's announce-request (INV, GETDATA, TX) on Poisson timers.
    Bitcoin,
}

impl Policy {
    /// Every policy, in the order the menu lists them.
    pub const ALL: [Policy; 2] = [Policy::Flood, Policy::Bitcoin];

    /// The core's name of the policy (also the menu's value).
    pub fn name(self) -> &'static str {
        match self {
            Policy::Flood => "flood",
            Policy::Bitcoin => "bitcoin",
        }
    }

    /// What the menu shows.
    pub fn label(self) -> &'static str {
        match self {
            Policy::Flood => "Flood",
            Policy::Bitcoin => "Bitcoin announce-request",
        }
    }

    /// One line on how a peer passes the transaction on.
    pub fn hint(self) -> &'static str {
        match self {
            Policy::Flood => "Each peer sends it to every neighbour at once",
            Policy::Bitcoin => "Peers announce it; neighbours ask for it",
        }
    }

    /// The policy of this core name, if the page offers it.
    pub fn from_name(name: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The core's relay policy with default parameters.
    pub fn relay_policy(self) -> RelayPolicy {
        match self {
            Policy::Flood => RelayPolicy::Flood,
            Policy::Bitcoin => RelayPolicy::Bitcoin(Default::default()),
        }
    }
}

/// Everything one run needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// How many peers to generate.
    pub peers: u32,
    /// The seed of every random draw (network and relay).
    pub seed: u64,
    /// How peers pass the transaction on.
    pub policy: Policy,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            peers: DEFAULT_PEERS,
            seed: DEFAULT_SEED,
            policy: Policy::default(),
        }
    }
}

impl Settings {
    /// Settings from the form's fields; the error says which field is wrong and why.
    pub fn parse(peers: &str, seed: &str, policy: Policy) -> Result<Settings, String> {
        let peers = parse_peers(peers)?;
        let seed = parse_seed(seed)?;
        Ok(Settings {
            peers,
            seed,
            policy,
        })
    }
}

/// A whole number typed with or without thousands separators ("10000", "10,000", "10 000", "10_000").
fn parse_whole(text: &str) -> Option<u64> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The peer count field: a whole number from 2 to [`MAX_BROWSER_PEERS`].
pub fn parse_peers(text: &str) -> Result<u32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter how many peers the network should have.".to_string());
    }
    let n = parse_whole(text).ok_or_else(|| {
        format!("The peer count must be a whole number, like 10000; '{text}' is not.")
    })?;
    if n < 2 {
        return Err(format!(
            "A network needs at least 2 peers for a transaction to travel; got {n}."
        ));
    }
    if n > u64::from(MAX_BROWSER_PEERS) {
        return Err(format!(
            "The page builds at most {} peers, so it stays responsive; got {}.",
            crate::ui::format::count(u64::from(MAX_BROWSER_PEERS)),
            crate::ui::format::count(n)
        ));
    }
    Ok(n as u32)
}

/// The seed field: a whole number from 0 to 2^64 - 1.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "Enter a seed: any whole number; the same seed gives the same run.".to_string(),
        );
    }
    parse_whole(text).ok_or_else(|| {
        format!(
            "The seed must be a whole number from 0 to {}; '{text}' is not.",
            u64::MAX
        )
    })
}

/// The network the page generates: Bitcoin-style bootstrap, 70 % of peers behind NAT.
pub fn network_spec(peers: u32) -> GeneratorSpec {
    GeneratorSpec::new(Topology::bitcoin(peers))
}

/// What one run produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// What was run.
    pub settings: Settings,
    /// Peers in the generated network.
    pub peers: usize,
    /// Links in the generated network.
    pub links: usize,
    /// The transaction's spread, in virtual time.
    pub metrics: Metrics,
    /// The generator's notes on how the network was made.
    pub notes: Vec<String>,
    /// Wall-clock milliseconds the browser spent generating the network.
    pub generate_ms: f64,
    /// Wall-clock milliseconds the browser spent simulating the flood.
    pub simulate_ms: f64,
}

/// Runs `settings` to the end; `now` is the wall clock in milliseconds, read only to time the steps.
pub fn run(settings: &Settings, mut now: impl FnMut() -> f64) -> Result<Outcome, String> {
    let start = now();
    let generated = generate(&network_spec(settings.peers), settings.seed)?;
    let generated_at = now();
    let peers = generated.network.n_peers();
    let links = generated.network.n_links();
    let mut sim = Simulation::new(
        generated.network,
        settings.policy.relay_policy(),
        settings.seed,
    )?;
    let tx = sim
        .broadcast(PeerId(0))
        .map_err(|e| format!("N0 could not broadcast: {e}"))?;
    sim.run();
    let metrics = sim.metrics(tx);
    let done = now();
    Ok(Outcome {
        settings: settings.clone(),
        peers,
        links,
        metrics,
        notes: generated.notes,
        generate_ms: generated_at - start,
        simulate_ms: done - generated_at,
    })
}

/// The browser's high-resolution clock in milliseconds (0 where there is none).
pub fn browser_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
