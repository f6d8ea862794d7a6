//! Seeded network generators: the tutorial's demo, Bitcoin-style bootstrap, and classic graph shapes.
//!
//! Every generator takes a [`GeneratorSpec`] and a seed and builds a [`Network`]
//! with all its randomness drawn from one [`SimRng`] made from that seed, so the
//! same spec and seed always give the same peers, links and latencies. Links
//! are made through [`Network::add_link`], so every limit holds afterwards.
//!
//! Link direction: the peer that opens a link is its outbound side. The
//! bootstrap generators (tutorial, bitcoin, regions, scale-free) open links
//! from each peer in id order. The fixed shapes use one rule each: in a ring
//! peer `i` opens to `i + 1`; in a grid each peer opens to its right and lower
//! neighbours; in a small world peer `i` opens to `i + 1 ..= i + k/2` (and keeps
//! opening a rewired link); in a complete network peer `i` opens to the next
//! `(n - 1) / 2` peers round the circle (and, for even `n`, the lower half also
//! to the peer opposite), which spreads the outbound links evenly; in a star
//! every client opens a link to the server.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Error;

use crate::sim::caps;
use crate::sim::error::{Conflict, ParamError};
use crate::sim::latency::LatencyModel;
use crate::sim::network::{EditError, Limits, LinkKind, Network, Peer, PeerId, Role};
use crate::sim::read::Fields;
use crate::sim::rng::SimRng;

/// The most peers a generated network may have.
pub const MAX_PEERS: u64 = caps::MAX_PEERS as u64;

/// The most links a generated network may have.
pub const MAX_LINKS: u64 = caps::MAX_LINKS as u64;

/// The most peers a complete network may have (it has `n (n - 1) / 2` links).
pub const MAX_COMPLETE_PEERS: u32 = 1_000;

/// The largest neighbourhood `k` of a small-world network.
pub const MAX_SMALL_WORLD_K: u32 = 100;

/// The most tries each peer of the tutorial's demo may make.
pub const MAX_TRIES: u32 = 1_000;

fn default_tries() -> u32 {
    3
}

fn default_unreachable_share() -> f64 {
    0.7
}

fn default_mining_share() -> f64 {
    0.02
}

fn default_archival_share() -> f64 {
    0.1
}

fn default_k() -> u32 {
    4
}

fn default_beta() -> f64 {
    0.1
}

fn default_m() -> u32 {
    2
}

fn default_regions() -> u32 {
    3
}

fn default_inter_share() -> f64 {
    0.1
}

/// The shape of a generated network and its parameters.
///
/// In JSON the variant is named by a `"topology"` field in kebab-case (for
/// example `{"topology": "small-world", "peers": 20, "k": 4, "beta": 0.2}`);
/// parameters marked optional below may be left out. Written by serde's derive; read by
/// [`Topology::from_fields`] (see [`crate::sim::read`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "topology", rename_all = "kebab-case")]
pub enum Topology {
    /// The tutorial's demo: each peer in turn tries `tries` random other peers.
    ///
    /// A try that picks a peer it is already linked to is lost; a link is
    /// made only where both sides' limits allow it.
    Tutorial {
        /// How many peers.
        peers: u32,
        /// Random link attempts per peer (optional, default 3).
        tries: u32,
    },
    /// Bitcoin-style bootstrap, as through DNS seeds.
    ///
    /// A share of the peers is unreachable (behind NAT: outbound only; light
    /// peers count towards it), roles are handed out by share, and then every
    /// peer, in id order, opens outbound links to random reachable peers that
    /// still have a free inbound slot.
    Bitcoin {
        /// How many peers.
        peers: u32,
        /// Share of peers that accept no inbound links (optional, default 0.7).
        unreachable_share: f64,
        /// Full-relay outbound links each peer opens (optional, default the outbound limit).
        #[serde(skip_serializing_if = "Option::is_none")]
        outbound: Option<u32>,
        /// Share of light (SPV) peers (optional, default 0).
        light_share: f64,
        /// Share of mining peers (optional, default 0.02).
        mining_share: f64,
        /// Share of archival peers (optional, default 0.1).
        archival_share: f64,
        /// Use Bitcoin Core's limits (8 full-relay and 2 block-relay-only
        /// outbound links, 114 inbound) unless the spec gives limits (optional, default false).
        bitcoin_core: bool,
    },
    /// A ring: every peer linked to the next, the last to the first.
    Ring {
        /// How many peers (at least 3).
        peers: u32,
    },
    /// A grid with links to the four nearest neighbours; peer ids run row by row.
    Grid {
        /// How many rows.
        rows: u32,
        /// How many columns.
        cols: u32,
    },
    /// Every peer linked to every other.
    Complete {
        /// How many peers.
        peers: u32,
    },
    /// A Watts-Strogatz small world: a ring lattice with some links rewired.
    SmallWorld {
        /// How many peers.
        peers: u32,
        /// Neighbours of each peer in the lattice: even, at least 2 and below `peers` (optional, default 4).
        k: u32,
        /// Probability that a lattice link is rewired to a random peer (optional, default 0.1).
        beta: f64,
    },
    /// A Barabasi-Albert scale-free network: each new peer links to `m` peers
    /// chosen with probability proportional to their degree.
    ScaleFree {
        /// How many peers (more than `m`).
        peers: u32,
        /// Links each new peer opens (optional, default 2).
        m: u32,
    },
    /// Client-server: peer 0 is the server and every client links to it.
    Star {
        /// How many clients besides the server.
        clients: u32,
    },
    /// Clusters of peers, linked mostly inside their region and a little between.
    Regions {
        /// How many peers.
        peers: u32,
        /// How many regions (optional, default 3).
        regions: u32,
        /// Share of peers that accept no inbound links (optional, default 0).
        unreachable_share: f64,
        /// Probability that an outbound link goes to another region (optional, default 0.1).
        inter_share: f64,
        /// Outbound links each peer opens (optional, default 4 or the outbound limit if lower).
        #[serde(skip_serializing_if = "Option::is_none")]
        outbound: Option<u32>,
    },
}

/// The topologies' names in JSON, in the order of [`Topology`]'s variants.
const TOPOLOGIES: &[&str] = &[
    "tutorial",
    "bitcoin",
    "ring",
    "grid",
    "complete",
    "small-world",
    "scale-free",
    "star",
    "regions",
];

impl Topology {
    /// The topology named by the field `topology`, from its fields (as its `Serialize`
    /// writes them); the fields not taken are left in `f`.
    pub fn from_fields(f: &mut Fields) -> Result<Topology, Error> {
        Ok(match f.tag("topology")?.as_str() {
            "tutorial" => Topology::Tutorial {
                peers: f.need("peers")?,
                tries: f.or("tries", default_tries())?,
            },
            "bitcoin" => Topology::Bitcoin {
                peers: f.need("peers")?,
                unreachable_share: f.or("unreachable_share", default_unreachable_share())?,
                outbound: f.or("outbound", None)?,
                light_share: f.or("light_share", 0.0)?,
                mining_share: f.or("mining_share", default_mining_share())?,
                archival_share: f.or("archival_share", default_archival_share())?,
                bitcoin_core: f.or("bitcoin_core", false)?,
            },
            "ring" => Topology::Ring {
                peers: f.need("peers")?,
            },
            "grid" => Topology::Grid {
                rows: f.need("rows")?,
                cols: f.need("cols")?,
            },
            "complete" => Topology::Complete {
                peers: f.need("peers")?,
            },
            "small-world" => Topology::SmallWorld {
                peers: f.need("peers")?,
                k: f.or("k", default_k())?,
                beta: f.or("beta", default_beta())?,
            },
            "scale-free" => Topology::ScaleFree {
                peers: f.need("peers")?,
                m: f.or("m", default_m())?,
            },
            "star" => Topology::Star {
                clients: f.need("clients")?,
            },
            "regions" => Topology::Regions {
                peers: f.need("peers")?,
                regions: f.or("regions", default_regions())?,
                unreachable_share: f.or("unreachable_share", 0.0)?,
                inter_share: f.or("inter_share", default_inter_share())?,
                outbound: f.or("outbound", None)?,
            },
            other => return Err(Error::unknown_variant(other, TOPOLOGIES)),
        })
    }

    /// A Bitcoin-like bootstrap of `peers` peers with the scenario defaults:
    /// 70 % unreachable, 2 % mining, 10 % archival, the tutorial's limits.
    pub fn bitcoin(peers: u32) -> Topology {
        Topology::Bitcoin {
            peers,
            unreachable_share: default_unreachable_share(),
            outbound: None,
            light_share: 0.0,
            mining_share: default_mining_share(),
            archival_share: default_archival_share(),
            bitcoin_core: false,
        }
    }

    /// The kebab-case name used in scenarios.
    pub fn name(&self) -> &'static str {
        match self {
            Topology::Tutorial { .. } => "tutorial",
            Topology::Bitcoin { .. } => "bitcoin",
            Topology::Ring { .. } => "ring",
            Topology::Grid { .. } => "grid",
            Topology::Complete { .. } => "complete",
            Topology::SmallWorld { .. } => "small-world",
            Topology::ScaleFree { .. } => "scale-free",
            Topology::Star { .. } => "star",
            Topology::Regions { .. } => "regions",
        }
    }

    /// How many peers the generated network will have.
    pub fn n_peers(&self) -> u64 {
        match *self {
            Topology::Tutorial { peers, .. }
            | Topology::Bitcoin { peers, .. }
            | Topology::Ring { peers }
            | Topology::Complete { peers }
            | Topology::SmallWorld { peers, .. }
            | Topology::ScaleFree { peers, .. }
            | Topology::Regions { peers, .. } => u64::from(peers),
            Topology::Grid { rows, cols } => u64::from(rows) * u64::from(cols),
            Topology::Star { clients } => u64::from(clients) + 1,
        }
    }

    /// The limits used when the spec gives none.
    pub fn default_limits(&self) -> Limits {
        match self {
            Topology::Bitcoin {
                bitcoin_core: true, ..
            } => Limits::BITCOIN_CORE,
            _ => Limits::TUTORIAL,
        }
    }

    /// The latency model used when the spec gives none.
    ///
    /// Regions default to SimBlock's measured matrix between six regions of the world, with its
    /// jitter (regions 0 to 5 are North America, Europe, South America, Asia-Pacific, Japan
    /// and Australia; a seventh starts the list again); everything else to the crate's default.
    pub fn default_latency(&self) -> LatencyModel {
        match self {
            Topology::Regions { .. } => LatencyModel::simblock_2019(),
            _ => LatencyModel::default(),
        }
    }

    /// Checks the parameters (not those that depend on limits); the error names the bad one
    /// within the topology, as `small-world.k`.
    pub fn validate(&self) -> Result<(), ParamError> {
        self.check_parameters().map_err(|e| e.within(self.name()))
    }

    fn check_parameters(&self) -> Result<(), ParamError> {
        let name = self.name();
        let peers = self.n_peers();
        if peers == 0 {
            return Err(ParamError::too_small("peers", 0, 1));
        }
        caps::at_most("peers", peers, MAX_PEERS)?;
        let share = |what: &str, v: f64| {
            if v.is_finite() && (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(ParamError::NotAShare {
                    field: what.to_string(),
                    value: v,
                })
            }
        };
        match *self {
            Topology::Tutorial { tries, .. } => {
                caps::at_most("tries", tries.into(), MAX_TRIES.into())?;
            }
            Topology::Bitcoin {
                unreachable_share,
                light_share,
                mining_share,
                archival_share,
                ..
            } => {
                share("unreachable_share", unreachable_share)?;
                share("light_share", light_share)?;
                share("mining_share", mining_share)?;
                share("archival_share", archival_share)?;
                let roles = light_share + mining_share + archival_share;
                if roles > 1.0 + 1e-9 {
                    return Err(Conflict::RoleSharesOverOne { sum: roles }.into());
                }
            }
            Topology::Ring { peers } => {
                if peers < 3 {
                    return Err(Conflict::TooFewPeers {
                        topology: name,
                        peers: peers.into(),
                        needs: 3,
                    }
                    .into());
                }
            }
            Topology::Grid { .. } | Topology::Star { .. } => {}
            Topology::Complete { peers } => {
                caps::at_most("peers", peers.into(), MAX_COMPLETE_PEERS.into())?;
            }
            Topology::SmallWorld { peers, k, beta } => {
                if !k.is_multiple_of(2) {
                    return Err(ParamError::NotEven {
                        field: "k".into(),
                        value: k.into(),
                    });
                }
                below_peers("k", k, peers)?;
                if k < 2 {
                    return Err(ParamError::too_small("k", k, 2));
                }
                caps::at_most("k", k.into(), MAX_SMALL_WORLD_K.into())?;
                share("beta", beta)?;
            }
            Topology::ScaleFree { peers, m } => {
                if m == 0 {
                    return Err(ParamError::too_small("m", 0, 1));
                }
                below_peers("m", m, peers)?;
            }
            Topology::Regions {
                peers,
                regions,
                unreachable_share,
                inter_share,
                ..
            } => {
                if regions == 0 {
                    return Err(ParamError::too_small("regions", 0, 1));
                }
                if regions > peers {
                    return Err(Conflict::MoreRegionsThanPeers { regions, peers }.into());
                }
                caps::at_most("regions", regions.into(), u16::MAX.into())?;
                share("unreachable_share", unreachable_share)?;
                share("inter_share", inter_share)?;
            }
        }
        caps::at_most("links", self.max_links(), MAX_LINKS)?;
        Ok(())
    }

    /// An upper bound on the links this topology makes (full-relay outbound per peer times peers, or exact).
    fn max_links(&self) -> u64 {
        match *self {
            Topology::Tutorial { peers, tries } => u64::from(peers) * u64::from(tries),
            // Bounded by the limits; checked again once limits are known.
            Topology::Bitcoin { .. } | Topology::Regions { .. } => 0,
            Topology::Ring { peers } => u64::from(peers),
            Topology::Grid { rows, cols } => 2 * u64::from(rows) * u64::from(cols),
            Topology::Complete { peers } => {
                u64::from(peers) * u64::from(peers.saturating_sub(1)) / 2
            }
            Topology::SmallWorld { peers, k, .. } => u64::from(peers) * u64::from(k / 2),
            Topology::ScaleFree { peers, m } => u64::from(peers) * u64::from(m),
            Topology::Star { clients } => u64::from(clients),
        }
    }
}

/// Everything needed to generate a network: a topology, and optionally a latency model and limits.
///
/// In JSON the topology's fields sit at the top level next to `latency` and
/// `limits`, for example
/// `{"topology": "bitcoin", "peers": 1000, "latency": {"model": "constant", "ms": 50}}`.
/// Written by serde's derive; read field by field (see [`crate::sim::read`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeneratorSpec {
    /// The shape and its parameters.
    #[serde(flatten)]
    pub topology: Topology,
    /// How link latencies are drawn; `None` means [`Topology::default_latency`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencyModel>,
    /// Connection limits; `None` means [`Topology::default_limits`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// Each peer's validation delay, drawn per peer from this model; `None` means none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_delay: Option<LatencyModel>,
}

impl<'de> Deserialize<'de> for GeneratorSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<GeneratorSpec, D::Error> {
        Fields::read(deserializer, |mut f| {
            let latency = LatencyModel::from_value;
            let latency_model = f.opt_with("latency", latency)?;
            let limits = f.or("limits", None)?;
            let validation_delay = f.opt_with("validation_delay", latency)?;
            let mut rest = f.rest();
            let spec = GeneratorSpec {
                topology: Topology::from_fields(&mut rest)?,
                latency: latency_model,
                limits,
                validation_delay,
            };
            rest.end(spec)
        })
    }
}

impl GeneratorSpec {
    /// A spec with the topology's default latency model and limits.
    pub fn new(topology: Topology) -> GeneratorSpec {
        GeneratorSpec {
            topology,
            latency: None,
            limits: None,
            validation_delay: None,
        }
    }

    /// The latency model links are drawn from.
    pub fn latency_model(&self) -> LatencyModel {
        self.latency
            .clone()
            .unwrap_or_else(|| self.topology.default_latency())
    }

    /// The limits the network starts with (some shapes raise them and say so in the notes).
    pub fn effective_limits(&self) -> Limits {
        self.limits
            .unwrap_or_else(|| self.topology.default_limits())
    }

    /// An upper bound on the links the generated network will have.
    pub fn max_links(&self) -> u64 {
        match self.topology {
            Topology::Bitcoin { peers, .. } | Topology::Regions { peers, .. } => {
                let limits = self.effective_limits();
                let outbound = limits.max_outbound + limits.max_block_relay_outbound;
                u64::from(peers) * u64::from(outbound)
            }
            _ => self.topology.max_links(),
        }
    }
}

/// A generated network and what a person should know about how it was made.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The network, every limit holding.
    pub network: Network,
    /// Plain sentences: raised limits, lost link attempts, shares of roles.
    pub notes: Vec<String>,
    /// The server of a star network; `None` for every other shape.
    pub server: Option<PeerId>,
}

/// Generates the network `spec` describes, with every random choice drawn from `seed`.
///
/// The same spec and seed always give an identical network. Invalid
/// parameters give an error naming the parameter; no input panics.
pub fn generate(spec: &GeneratorSpec, seed: u64) -> Result<Generated, ParamError> {
    Generation::start(spec, seed)?.finish()
}

/// A generation done a slice at a time, so that a page can build Bitcoin's whole network
/// without holding up its frames: [`Generation::start`], then [`Generation::advance`] until it
/// says it is done, then [`Generation::finish`].
///
/// However it is sliced, the network is the one [`generate`] makes from the same spec and seed.
/// The bootstrap shapes (bitcoin and regions), where nearly all the work is, advance peer by
/// peer; every other shape is whole once started.
#[derive(Clone, Debug)]
pub struct Generation {
    builder: Builder,
    /// The bootstrap under way, if the shape has one.
    bootstrap: Option<Bootstrap>,
    server: Option<PeerId>,
    validation_delay: Option<LatencyModel>,
    seed: u64,
}

impl Generation {
    /// Checks the spec and does everything before the bootstrap: peers, roles, fixed links.
    pub fn start(spec: &GeneratorSpec, seed: u64) -> Result<Generation, ParamError> {
        let topology = &spec.topology;
        topology.validate()?;
        let latency = spec.latency_model();
        latency.validate().map_err(|e| e.within("latency"))?;
        if let Some(delay) = &spec.validation_delay {
            delay.validate().map_err(|e| e.within("validation_delay"))?;
        }
        let limits = spec.effective_limits();
        let mut network = Network::new(Limits::default());
        network.set_limits(limits)?;
        let mut gen = Builder {
            network,
            rng: SimRng::new(seed),
            latency,
            notes: Vec::new(),
        };
        let mut server = None;
        let mut bootstrap = None;
        match *topology {
            Topology::Tutorial { peers, tries } => gen.tutorial(peers, tries)?,
            Topology::Bitcoin {
                peers,
                unreachable_share,
                outbound,
                light_share,
                mining_share,
                archival_share,
                ..
            } => {
                bootstrap = Some(gen.bitcoin(
                    peers,
                    unreachable_share,
                    outbound,
                    [light_share, mining_share, archival_share],
                )?);
            }
            Topology::Ring { peers } => {
                gen.add_plain_peers(peers)?;
                let edges = (0..peers).map(|i| (i, (i + 1) % peers)).collect();
                gen.link_all(edges, "every link of the ring fits")?;
            }
            Topology::Grid { rows, cols } => {
                gen.add_plain_peers(rows * cols)?;
                let mut edges = Vec::new();
                for r in 0..rows {
                    for c in 0..cols {
                        let id = r * cols + c;
                        if c + 1 < cols {
                            edges.push((id, id + 1));
                        }
                        if r + 1 < rows {
                            edges.push((id, id + cols));
                        }
                    }
                }
                gen.link_all(edges, "every link of the grid fits")?;
            }
            Topology::Complete { peers } => {
                gen.add_plain_peers(peers)?;
                let edges = complete_edges(0, peers);
                gen.link_all(edges, "every peer can link every other")?;
            }
            Topology::SmallWorld { peers, k, beta } => gen.small_world(peers, k, beta)?,
            Topology::ScaleFree { peers, m } => gen.scale_free(peers, m)?,
            Topology::Star { clients } => {
                gen.add_plain_peers(clients + 1)?;
                let edges = (1..=clients).map(|c| (c, 0)).collect();
                gen.link_all(edges, "the star's server can link every client")?;
                server = Some(PeerId(0));
            }
            Topology::Regions {
                peers,
                regions,
                unreachable_share,
                inter_share,
                outbound,
            } => {
                bootstrap =
                    Some(gen.regions(peers, regions, unreachable_share, inter_share, outbound)?);
            }
        }
        Ok(Generation {
            builder: gen,
            bootstrap,
            server,
            validation_delay: spec.validation_delay.clone(),
            seed,
        })
    }

    /// Lets up to `peers` more peers open their links; returns whether every peer has.
    pub fn advance(&mut self, peers: u32) -> bool {
        match &mut self.bootstrap {
            Some(bootstrap) => {
                self.builder.bootstrap(bootstrap, peers);
                bootstrap.next == bootstrap.end
            }
            None => true,
        }
    }

    /// How many peers have opened their links, of how many will.
    pub fn progress(&self) -> (u32, u32) {
        let all = self.builder.network.peer_slots() as u32;
        match &self.bootstrap {
            Some(bootstrap) => (bootstrap.next, bootstrap.end),
            None => (all, all),
        }
    }

    /// Does whatever is left, then the notes and the validation delays.
    pub fn finish(mut self) -> Result<Generated, ParamError> {
        let mut gen = self.builder;
        if let Some(mut bootstrap) = self.bootstrap.take() {
            gen.bootstrap(&mut bootstrap, u32::MAX);
            gen.note_bootstrap(&bootstrap);
        }
        let mut network = gen.network;
        if let Some(delay) = &self.validation_delay {
            // A stream of its own, so delays never change the network's shape.
            let mut rng = SimRng::for_stream(self.seed, VALIDATION_DELAY_STREAM);
            let ids: Vec<PeerId> = network.peer_ids().collect();
            for id in ids {
                let region = network.peer(id).map_or(0, |p| p.region);
                let drawn = delay.draw(&mut rng, region, region);
                network.set_validation_delay(id, drawn)?;
            }
        }
        Ok(Generated {
            network,
            notes: gen.notes,
            server: self.server,
        })
    }
}

/// The RNG stream of validation delays (the network itself uses stream 0).
const VALIDATION_DELAY_STREAM: u64 = 3;

/// The links of a complete network on peers `first .. first + n`, outbound links spread evenly.
fn complete_edges(first: u32, n: u32) -> Vec<(u32, u32)> {
    let mut edges = Vec::with_capacity((n as usize) * (n.saturating_sub(1) as usize) / 2);
    for i in 0..n {
        for d in 1..=(n.saturating_sub(1) / 2) {
            edges.push((first + i, first + (i + d) % n));
        }
        if n.is_multiple_of(2) && i < n / 2 {
            edges.push((first + i, first + i + n / 2));
        }
    }
    edges
}

/// Rounds `share * n` to a count no larger than `n`.
fn share_of(share: f64, n: usize) -> usize {
    ((share * n as f64).round() as usize).min(n)
}

/// A bootstrap under way: every peer, in id order, opens `full` full-relay and `block`
/// block-relay-only links to random peers of the pools that still accept inbound links.
#[derive(Clone, Debug)]
struct Bootstrap {
    /// Candidates for inbound links, per pool (region).
    pools: Vec<Vec<u32>>,
    /// Each peer's own pool (empty when there is one pool).
    pool_of: Vec<u16>,
    /// The chance that a link goes to a random other pool.
    inter_share: f64,
    full: u32,
    block: u32,
    /// The next peer to open its links.
    next: u32,
    /// One past the last peer to open links.
    end: u32,
    /// Peers that opened fewer full-relay links than wanted.
    short: usize,
    /// Peers that opened fewer block-relay-only links than wanted.
    short_block: usize,
}

impl Bootstrap {
    fn new(
        pools: Vec<Vec<u32>>,
        pool_of: Vec<u16>,
        inter_share: f64,
        full: u32,
        block: u32,
        end: u32,
    ) -> Bootstrap {
        Bootstrap {
            pools,
            pool_of,
            inter_share,
            full,
            block,
            next: 0,
            end,
            short: 0,
            short_block: 0,
        }
    }
}

/// The network under construction and the generator state every shape shares.
#[derive(Clone, Debug)]
struct Builder {
    network: Network,
    rng: SimRng,
    latency: LatencyModel,
    notes: Vec<String>,
}

impl Builder {
    /// Adds `n` reachable full peers with ids `0..n`.
    fn add_plain_peers(&mut self, n: u32) -> Result<(), ParamError> {
        for _ in 0..n {
            self.network.add_peer(Role::Full, true)?;
        }
        Ok(())
    }

    /// Opens a link with a latency drawn for the two peers' regions.
    fn try_link(&mut self, from: u32, to: u32, kind: LinkKind) -> Result<(), EditError> {
        let (from, to) = (PeerId(from), PeerId(to));
        let (ra, rb) = if self.latency.uses_regions() {
            let region = |id: PeerId| self.network.peer(id).map_or(0, |p| p.region);
            (region(from), region(to))
        } else {
            (0, 0)
        };
        let latency = self.latency.draw(&mut self.rng, ra, rb);
        self.network.add_link(from, to, latency, kind).map(|_| ())
    }

    /// Makes every link of a fixed shape, first raising the limits exactly as far as it needs.
    fn link_all(&mut self, edges: Vec<(u32, u32)>, why: &str) -> Result<(), ParamError> {
        let n = self.network.peer_slots();
        let mut out = vec![0u32; n];
        let mut inb = vec![0u32; n];
        for &(a, b) in &edges {
            out[a as usize] += 1;
            inb[b as usize] += 1;
        }
        let need_out = out.iter().copied().max().unwrap_or(0);
        let need_in = inb.iter().copied().max().unwrap_or(0);
        let need_total = out.iter().zip(&inb).map(|(o, i)| o + i).max().unwrap_or(0);
        self.raise_limits(need_out, need_in, need_total, why)?;
        for (a, b) in edges {
            self.try_link(a, b, LinkKind::FullRelay)?;
        }
        Ok(())
    }

    /// Raises the limits to allow the given counts, noting what changed.
    fn raise_limits(
        &mut self,
        need_out: u32,
        need_in: u32,
        need_total: u32,
        why: &str,
    ) -> Result<(), ParamError> {
        let old = self.network.limits();
        let mut new = old;
        let mut parts = Vec::new();
        if need_out > old.max_outbound {
            new.max_outbound = need_out;
            parts.push(format!("{need_out} outbound"));
        }
        if need_in > old.max_inbound {
            new.max_inbound = need_in;
            parts.push(format!("{need_in} inbound"));
        }
        let total = need_total.saturating_add(old.feeler_slots);
        if total > old.max_total {
            new.max_total = total;
            parts.push(format!("{total} in all"));
        }
        if parts.is_empty() {
            return Ok(());
        }
        self.network.set_limits(new)?;
        self.notes.push(format!(
            "limits raised to {} so that {why}",
            parts.join(", ")
        ));
        Ok(())
    }

    /// The tutorial's demo, with both sides' limits checked.
    fn tutorial(&mut self, peers: u32, tries: u32) -> Result<(), ParamError> {
        self.add_plain_peers(peers)?;
        let n = peers as usize;
        let (mut made, mut duplicate, mut refused) = (0u64, 0u64, 0u64);
        if n >= 2 {
            for i in 0..peers {
                for _ in 0..tries {
                    let mut j = self.rng.below(n - 1) as u32;
                    if j >= i {
                        j += 1;
                    }
                    match self.try_link(i, j, LinkKind::FullRelay) {
                        Ok(()) => made += 1,
                        Err(EditError::AlreadyLinked(..)) => duplicate += 1,
                        Err(_) => refused += 1,
                    }
                }
            }
        }
        let total = made + duplicate + refused;
        if duplicate + refused > 0 {
            self.notes.push(format!(
                "{} of {total} tries made no link: {duplicate} picked a peer already linked, {refused} were refused by limits",
                duplicate + refused
            ));
        }
        Ok(())
    }

    /// Peers with roles and reachability handed out by share, and the Bitcoin-style
    /// bootstrap that will link them.
    fn bitcoin(
        &mut self,
        peers: u32,
        unreachable_share: f64,
        outbound: Option<u32>,
        [light_share, mining_share, archival_share]: [f64; 3],
    ) -> Result<Bootstrap, ParamError> {
        let limits = self.network.limits();
        let outbound = outbound.unwrap_or(limits.max_outbound);
        over_limit("outbound", outbound, limits.max_outbound)?;
        let block = limits.max_block_relay_outbound;
        check_bootstrap_links(peers, outbound, block)?;
        let n = peers as usize;
        // Light peers come first in a shuffled order and count towards the unreachable share.
        let mut order: Vec<u32> = (0..peers).collect();
        self.rng.shuffle(&mut order);
        let n_light = share_of(light_share, n);
        let n_unreachable = share_of(unreachable_share, n).max(n_light);
        let mut roles = vec![Role::Full; n];
        let mut reachable = vec![true; n];
        for &p in &order[..n_light] {
            roles[p as usize] = Role::Light;
        }
        for &p in &order[..n_unreachable] {
            reachable[p as usize] = false;
        }
        let mut others = order[n_light..].to_vec();
        self.rng.shuffle(&mut others);
        let n_mining = share_of(mining_share, n).min(others.len());
        let n_archival = share_of(archival_share, n).min(others.len() - n_mining);
        for &p in &others[..n_mining] {
            roles[p as usize] = Role::Mining;
        }
        for &p in &others[n_mining..n_mining + n_archival] {
            roles[p as usize] = Role::Archival;
        }
        for i in 0..peers {
            let mut peer = Peer::new(PeerId(i));
            peer.role = roles[i as usize];
            peer.reachable = reachable[i as usize];
            self.network.insert_peer(peer)?;
        }
        let pool: Vec<u32> = (0..peers)
            .filter(|&i| reachable[i as usize] && roles[i as usize].accepts_inbound())
            .collect();
        self.notes.push(format!(
            "{n_unreachable} of {n} peers are unreachable (behind NAT: outbound links only); {n_light} light, {n_mining} mining, {n_archival} archival"
        ));
        Ok(Bootstrap::new(
            vec![pool],
            Vec::new(),
            0.0,
            outbound,
            block,
            peers,
        ))
    }

    /// Peers in regions, and the bootstrap that will link them mostly inside their region.
    fn regions(
        &mut self,
        peers: u32,
        regions: u32,
        unreachable_share: f64,
        inter_share: f64,
        outbound: Option<u32>,
    ) -> Result<Bootstrap, ParamError> {
        let limits = self.network.limits();
        let outbound = outbound.unwrap_or(limits.max_outbound.min(4));
        over_limit("outbound", outbound, limits.max_outbound)?;
        check_bootstrap_links(peers, outbound, 0)?;
        let n = peers as usize;
        // Balanced regions, shuffled over the ids.
        let mut region_of: Vec<u16> = (0..peers).map(|i| (i % regions) as u16).collect();
        self.rng.shuffle(&mut region_of);
        let mut order: Vec<u32> = (0..peers).collect();
        self.rng.shuffle(&mut order);
        let n_unreachable = share_of(unreachable_share, n);
        let mut reachable = vec![true; n];
        for &p in &order[..n_unreachable] {
            reachable[p as usize] = false;
        }
        let mut pools = vec![Vec::new(); regions as usize];
        for i in 0..peers {
            let mut peer = Peer::new(PeerId(i));
            peer.reachable = reachable[i as usize];
            peer.region = region_of[i as usize];
            self.network.insert_peer(peer)?;
            if reachable[i as usize] {
                pools[region_of[i as usize] as usize].push(i);
            }
        }
        if n_unreachable > 0 {
            self.notes.push(format!(
                "{n_unreachable} of {n} peers are unreachable (behind NAT: outbound links only)"
            ));
        }
        Ok(Bootstrap::new(
            pools,
            region_of,
            inter_share,
            outbound,
            0,
            peers,
        ))
    }

    /// The next `peers` peers of the bootstrap (or as many as are left) open their links.
    ///
    /// `pool_of[i]` is peer `i`'s own pool (all 0 when empty); with probability
    /// `inter_share` a link goes to a random other pool instead. A pool member is
    /// dropped (swap-removed) once it can take no more inbound links, and each
    /// peer's attempts are bounded, so this ends and stays linear in the links made.
    fn bootstrap(&mut self, run: &mut Bootstrap, peers: u32) {
        let limits = self.network.limits();
        let usable_total = limits.max_total.saturating_sub(limits.feeler_slots);
        let n_pools = run.pools.len();
        let until = run.end.min(run.next.saturating_add(peers));
        let (inter_share, full, block) = (run.inter_share, run.full, run.block);
        let pools = &mut run.pools;
        for i in run.next..until {
            let own = run.pool_of.get(i as usize).map_or(0, |&r| r as usize);
            for (kind, wanted) in [
                (LinkKind::FullRelay, full),
                (LinkKind::BlockRelayOnly, block),
            ] {
                let mut made = 0;
                let mut attempts = 0;
                let max_attempts = 8 * wanted + 16;
                while made < wanted && attempts < max_attempts {
                    attempts += 1;
                    let p = if n_pools > 1 && self.rng.chance(inter_share) {
                        (own + 1 + self.rng.below(n_pools - 1)) % n_pools
                    } else {
                        own
                    };
                    let pool = &pools[p];
                    if pool.is_empty() {
                        continue;
                    }
                    let slot = self.rng.below(pool.len());
                    let to = pool[slot];
                    if to == i {
                        continue;
                    }
                    match self.try_link(i, to, kind) {
                        Ok(()) => {
                            made += 1;
                            let c = self.network.link_counts(PeerId(to));
                            if c.inbound >= limits.max_inbound || c.total() >= usable_total {
                                pools[p].swap_remove(slot);
                            }
                        }
                        Err(EditError::AlreadyLinked(..)) => {}
                        Err(
                            EditError::InboundFull { peer, .. } | EditError::TotalFull { peer, .. },
                        ) if peer.0 == to => {
                            pools[p].swap_remove(slot);
                        }
                        Err(EditError::Unreachable(_) | EditError::LightTakesNoInbound(_)) => {
                            pools[p].swap_remove(slot);
                        }
                        // The opener is full: no further attempt of this kind can succeed.
                        Err(_) => break,
                    }
                }
                if made < wanted {
                    match kind {
                        LinkKind::FullRelay => run.short += 1,
                        LinkKind::BlockRelayOnly => run.short_block += 1,
                    }
                }
            }
        }
        run.next = until;
    }

    /// Notes peers that could not open all their links.
    fn note_bootstrap(&mut self, stats: &Bootstrap) {
        let (full, block) = (stats.full, stats.block);
        if stats.short > 0 && full > 0 {
            self.notes.push(format!(
                "{} peers opened fewer than {full} outbound links: too few reachable peers had a free slot",
                stats.short
            ));
        }
        if stats.short_block > 0 && block > 0 {
            self.notes.push(format!(
                "{} peers opened fewer than {block} block-relay-only links: too few reachable peers had a free slot",
                stats.short_block
            ));
        }
    }

    /// Watts-Strogatz: a ring lattice of `k` neighbours, each link rewired with probability `beta`.
    fn small_world(&mut self, peers: u32, k: u32, beta: f64) -> Result<(), ParamError> {
        self.add_plain_peers(peers)?;
        let n = peers as usize;
        let half = k / 2;
        let mut edges: Vec<(u32, u32)> = Vec::with_capacity(n * half as usize);
        let mut nbrs: Vec<Vec<u32>> = vec![Vec::with_capacity(k as usize + 2); n];
        for i in 0..peers {
            for j in 1..=half {
                let t = (i + j) % peers;
                edges.push((i, t));
                nbrs[i as usize].push(t);
                nbrs[t as usize].push(i);
            }
        }
        let mut rewired = 0u64;
        for j in 1..=half {
            for i in 0..peers {
                if !self.rng.chance(beta) || nbrs[i as usize].len() + 1 >= n {
                    continue;
                }
                let e = i as usize * half as usize + (j - 1) as usize;
                let old = edges[e].1;
                for _ in 0..32 {
                    let w = self.rng.below(n) as u32;
                    if w == i || nbrs[i as usize].contains(&w) {
                        continue;
                    }
                    remove_one(&mut nbrs[i as usize], old);
                    remove_one(&mut nbrs[old as usize], i);
                    nbrs[i as usize].push(w);
                    nbrs[w as usize].push(i);
                    edges[e] = (i, w);
                    rewired += 1;
                    break;
                }
            }
        }
        self.notes.push(format!(
            "{rewired} of {} lattice links were rewired",
            edges.len()
        ));
        self.link_all(edges, "every link of the small world fits")
    }

    /// Barabasi-Albert: a complete seed of `m + 1` peers, then each new peer links to `m`
    /// peers picked in proportion to their degree, skipping peers that are full.
    fn scale_free(&mut self, peers: u32, m: u32) -> Result<(), ParamError> {
        let limits = self.network.limits();
        over_limit("m", m, limits.max_outbound)?;
        self.add_plain_peers(peers)?;
        // Each link's two ends, so a uniform pick is a pick in proportion to degree.
        let mut ends: Vec<u32> = Vec::with_capacity(2 * peers as usize * m as usize);
        let mut refused = 0u64;
        for (a, b) in complete_edges(0, m + 1) {
            match self.try_link(a, b, LinkKind::FullRelay) {
                Ok(()) => ends.extend([a, b]),
                Err(_) => refused += 1,
            }
        }
        let mut skipped_full = 0u64;
        let mut short = 0u64;
        let mut chosen: Vec<u32> = Vec::with_capacity(m as usize);
        for i in (m + 1)..peers {
            chosen.clear();
            let mut attempts = 0;
            while (chosen.len() as u32) < m && attempts < 20 * m + 20 {
                attempts += 1;
                let t = if ends.is_empty() {
                    self.rng.below(i as usize) as u32
                } else {
                    ends[self.rng.below(ends.len())]
                };
                if chosen.contains(&t) {
                    continue;
                }
                match self.try_link(i, t, LinkKind::FullRelay) {
                    Ok(()) => chosen.push(t),
                    Err(
                        EditError::InboundFull { peer, .. } | EditError::TotalFull { peer, .. },
                    ) if peer.0 == t => skipped_full += 1,
                    Err(EditError::AlreadyLinked(..)) => {}
                    Err(_) => break,
                }
            }
            if (chosen.len() as u32) < m {
                short += 1;
            }
            for &t in &chosen {
                ends.extend([i, t]);
            }
        }
        if refused > 0 {
            self.notes.push(format!(
                "{refused} links of the seed clique of {} peers were refused by limits",
                m + 1
            ));
        }
        if skipped_full > 0 {
            self.notes.push(format!(
                "{skipped_full} picks skipped a peer that was full ({} inbound or {} in all), so the biggest hubs are capped by the limits",
                limits.max_inbound, limits.max_total
            ));
        }
        if short > 0 {
            self.notes
                .push(format!("{short} peers made fewer than {m} links"));
        }
        Ok(())
    }
}

/// Refuses a bootstrap whose outbound links per peer would make too many links in all.
fn check_bootstrap_links(peers: u32, full: u32, block: u32) -> Result<(), ParamError> {
    let links = u64::from(peers) * (u64::from(full) + u64::from(block));
    caps::at_most("links", links, MAX_LINKS)
}

/// Refuses `value` of `field` unless it is below the number of peers.
fn below_peers(field: &'static str, value: u32, peers: u32) -> Result<(), ParamError> {
    match value >= peers {
        true => Err(Conflict::NotBelowPeers {
            field,
            value,
            peers,
        }
        .into()),
        false => Ok(()),
    }
}

/// Refuses `value` of `field` above the network's `limit` for it.
fn over_limit(field: &'static str, value: u32, limit: u32) -> Result<(), ParamError> {
    match value > limit {
        true => Err(Conflict::OverLimit {
            field,
            value,
            limit,
        }
        .into()),
        false => Ok(()),
    }
}

/// Removes one occurrence of `x` from `v`, if any.
fn remove_one(v: &mut Vec<u32>, x: u32) {
    if let Some(pos) = v.iter().position(|&y| y == x) {
        v.swap_remove(pos);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::Time;
    use proptest::prelude::*;

    fn gen(topology: Topology, seed: u64) -> Generated {
        let g = generate(&GeneratorSpec::new(topology), seed).unwrap();
        g.network.check_invariants().unwrap();
        g
    }

    fn link_list(net: &Network) -> Vec<(u32, u32, u64, LinkKind)> {
        net.links()
            .map(|l| (l.from.0, l.to.0, l.latency.0, l.kind))
            .collect()
    }

    fn bitcoin(peers: u32, bitcoin_core: bool) -> Topology {
        let mut topology = Topology::bitcoin(peers);
        if let Topology::Bitcoin {
            bitcoin_core: core, ..
        } = &mut topology
        {
            *core = bitcoin_core;
        }
        topology
    }

    #[test]
    fn ring_gives_every_peer_two_links() {
        let g = gen(Topology::Ring { peers: 10 }, 1);
        let net = &g.network;
        assert_eq!(net.n_peers(), 10);
        assert_eq!(net.n_links(), 10);
        assert!(net.peer_ids().all(|p| net.degree(p) == 2));
        assert!(g.notes.is_empty());
        assert_eq!(g.server, None);
    }

    #[test]
    fn grid_has_corners_of_degree_two() {
        let g = gen(Topology::Grid { rows: 3, cols: 4 }, 1);
        let net = &g.network;
        assert_eq!(net.n_peers(), 12);
        assert_eq!(net.n_links(), 3 * 3 + 2 * 4);
        for corner in [0, 3, 8, 11] {
            assert_eq!(net.degree(PeerId(corner)), 2);
        }
        assert_eq!(net.degree(PeerId(5)), 4);
        assert_eq!(net.degree(PeerId(1)), 3);
    }

    #[test]
    fn complete_links_every_pair_and_raises_limits_only_when_needed() {
        for n in [1, 2, 5, 6, 17] {
            let g = gen(Topology::Complete { peers: n }, 3);
            let net = &g.network;
            assert_eq!(net.n_links() as u32, n * (n - 1) / 2);
            assert!(net.peer_ids().all(|p| net.degree(p) as u32 == n - 1));
            assert!(g.notes.is_empty(), "{n}: {:?}", g.notes);
        }
        let g = gen(Topology::Complete { peers: 200 }, 3);
        assert_eq!(g.network.n_links(), 200 * 199 / 2);
        assert_eq!(g.network.limits().max_outbound, 100);
        assert_eq!(g.network.limits().max_inbound, 117);
        assert_eq!(g.network.limits().max_total, 199);
        assert_eq!(
            g.notes,
            ["limits raised to 100 outbound, 199 in all so that every peer can link every other"]
        );
    }

    #[test]
    fn star_hub_links_every_client_and_says_limits_were_raised() {
        let g = gen(Topology::Star { clients: 200 }, 5);
        let hub = g.server.unwrap();
        assert_eq!(hub, PeerId(0));
        assert_eq!(g.network.degree(hub), 200);
        assert_eq!(g.network.link_counts(hub).inbound, 200);
        assert_eq!(g.network.n_links(), 200);
        assert!(
            g.notes
                .iter()
                .any(|n| n.contains("limits raised to 200 inbound, 200 in all")),
            "{:?}",
            g.notes
        );
        let small = gen(Topology::Star { clients: 5 }, 5);
        assert!(small.notes.is_empty());
    }

    #[test]
    fn small_world_keeps_the_link_count() {
        let g = gen(
            Topology::SmallWorld {
                peers: 100,
                k: 6,
                beta: 0.3,
            },
            9,
        );
        let net = &g.network;
        assert_eq!(net.n_links(), 300);
        assert!(net.peer_ids().all(|p| net.link_counts(p).outbound == 3));
        let lattice = gen(
            Topology::SmallWorld {
                peers: 20,
                k: 4,
                beta: 0.0,
            },
            9,
        );
        assert!(lattice
            .network
            .peer_ids()
            .all(|p| lattice.network.degree(p) == 4));
    }

    #[test]
    fn scale_free_grows_hubs_within_limits() {
        let g = gen(Topology::ScaleFree { peers: 3000, m: 3 }, 4);
        let net = &g.network;
        // The seed clique of 4 peers has 6 links; every later peer opens 3.
        assert_eq!(net.n_links(), 6 + (3000 - 4) * 3);
        // Every peer got its links: no note says otherwise.
        assert!(
            g.notes.iter().all(|n| !n.contains("fewer than")),
            "{:?}",
            g.notes
        );
        let max_degree = net.peer_ids().map(|p| net.degree(p)).max().unwrap();
        assert!(max_degree > 40, "max degree {max_degree}");
        assert!(net.peer_ids().all(|p| net.link_counts(p).inbound <= 117));
        // With a tight inbound limit, hubs fill up and the notes say so.
        let mut spec = GeneratorSpec::new(Topology::ScaleFree { peers: 500, m: 2 });
        spec.limits = Some(Limits {
            max_inbound: 10,
            ..Limits::TUTORIAL
        });
        let g = generate(&spec, 4).unwrap();
        g.network.check_invariants().unwrap();
        assert!(g.notes.iter().any(|n| n.contains("full")), "{:?}", g.notes);
    }

    #[test]
    fn tutorial_demo_with_six_peers() {
        let g = gen(Topology::Tutorial { peers: 6, tries: 3 }, 42);
        let net = &g.network;
        assert_eq!(net.n_peers(), 6);
        assert!(net.n_links() >= 3 && net.n_links() <= 15);
        assert!(net.peer_ids().all(|p| net.link_counts(p).outbound <= 3));
        // Every try either made a link or is counted in the notes.
        let lost: usize = g
            .notes
            .first()
            .map_or(0, |n| n.split(' ').next().unwrap().parse().unwrap());
        assert_eq!(net.n_links() + lost, 18);
    }

    #[test]
    fn tutorial_checks_both_sides_limits() {
        let mut spec = GeneratorSpec::new(Topology::Tutorial {
            peers: 50,
            tries: 10,
        });
        spec.limits = Some(Limits {
            max_outbound: 8,
            max_inbound: 2,
            max_total: 9,
            ..Limits::TUTORIAL
        });
        let g = generate(&spec, 1).unwrap();
        g.network.check_invariants().unwrap();
        assert!(g.notes[0].contains("refused by limits"));
    }

    #[test]
    fn bitcoin_bootstrap_respects_limits_and_reachability() {
        let g = gen(bitcoin(5000, false), 11);
        let net = &g.network;
        assert_eq!(net.n_peers(), 5000);
        let unreachable = net.peers().filter(|p| !p.reachable).count();
        assert_eq!(unreachable, 3500);
        let mut full_out = 0;
        for p in net.peers() {
            let c = net.link_counts(p.id);
            assert!(c.outbound <= 8);
            assert!(c.inbound <= 117);
            if !p.reachable {
                assert_eq!(c.inbound, 0);
            }
            if c.outbound == 8 {
                full_out += 1;
            }
        }
        assert!(full_out > 4900, "{full_out} peers have 8 outbound links");
        let mining = net.peers().filter(|p| p.role == Role::Mining).count();
        let archival = net.peers().filter(|p| p.role == Role::Archival).count();
        assert_eq!((mining, archival), (100, 500));
        assert!(g.notes[0].starts_with("3500 of 5000 peers are unreachable"));
    }

    #[test]
    fn bitcoin_core_adds_block_relay_only_links() {
        let g = gen(bitcoin(2000, true), 2);
        let net = &g.network;
        assert_eq!(net.limits(), Limits::BITCOIN_CORE);
        let block = net
            .links()
            .filter(|l| l.kind == LinkKind::BlockRelayOnly)
            .count();
        assert!(block > 2 * 1950, "{block} block-relay-only links");
        for p in net.peers() {
            let c = net.link_counts(p.id);
            assert!(c.outbound <= 8 && c.block_relay_outbound <= 2 && c.inbound <= 114);
        }
    }

    #[test]
    fn bitcoin_light_peers_take_no_inbound() {
        let topology = Topology::Bitcoin {
            peers: 1000,
            unreachable_share: 0.5,
            outbound: Some(4),
            light_share: 0.2,
            mining_share: 0.0,
            archival_share: 0.0,
            bitcoin_core: false,
        };
        let g = gen(topology, 8);
        let net = &g.network;
        let light: Vec<&Peer> = net.peers().filter(|p| p.role == Role::Light).collect();
        assert_eq!(light.len(), 200);
        assert!(light.iter().all(|p| !p.reachable));
        assert_eq!(net.peers().filter(|p| !p.reachable).count(), 500);
        assert!(light.iter().all(|p| net.link_counts(p.id).inbound == 0));
        assert!(net.peer_ids().all(|p| net.link_counts(p).outbound <= 4));
    }

    #[test]
    fn small_bitcoin_networks_end_and_say_why_links_are_missing() {
        let g = gen(bitcoin(6, false), 3);
        assert!(g.network.n_links() > 0);
        assert!(g.notes.iter().any(|n| n.contains("fewer than 8")));
        let g = gen(bitcoin(1, false), 3);
        assert_eq!(g.network.n_links(), 0);
    }

    #[test]
    fn regions_link_mostly_inside_and_draw_region_latencies() {
        let topology = Topology::Regions {
            peers: 300,
            regions: 3,
            unreachable_share: 0.0,
            inter_share: 0.1,
            outbound: None,
        };
        let g = gen(topology, 6);
        let net = &g.network;
        for r in 0..3 {
            assert_eq!(net.peers().filter(|p| p.region == r).count(), 100);
        }
        let region = |p: PeerId| net.peer(p).unwrap().region;
        let (mut inside, mut between) = (0, 0);
        // Per ordered pair of regions: the sum and count of link latencies.
        let mut sums = [[(0.0, 0u32); 3]; 3];
        for l in net.links() {
            let (a, b) = (region(l.from), region(l.to));
            if a == b {
                inside += 1;
            } else {
                between += 1;
            }
            let mean = crate::sim::latency::SIMBLOCK_2019_MS[a as usize][b as usize];
            // SimBlock's Pareto never draws below its scale, the mean less 5 ms.
            assert!(l.latency >= Time::from_ms(mean as u64 - 5), "{l:?}");
            let entry = &mut sums[a as usize][b as usize];
            entry.0 += l.latency.as_ms_f64();
            entry.1 += 1;
        }
        // Inside North America (32 ms), Europe (11 ms), South America (88 ms): the table's
        // means, within what a few hundred Pareto draws allow.
        for (r, row) in sums.iter().enumerate() {
            let (sum, n) = row[r];
            let mean = crate::sim::latency::SIMBLOCK_2019_MS[r][r];
            let measured = sum / f64::from(n);
            assert!(
                (measured - mean).abs() < 0.1 * mean,
                "region {r}: {measured} vs {mean}"
            );
        }
        assert_eq!(inside + between, 1200);
        assert!(
            between > 60 && between < 200,
            "{between} links between regions"
        );
    }

    #[test]
    fn latencies_come_from_the_spec_model() {
        let mut spec = GeneratorSpec::new(Topology::Ring { peers: 50 });
        spec.latency = Some(LatencyModel::Uniform {
            lo_ms: 10.0,
            hi_ms: 30.0,
        });
        let g = generate(&spec, 1).unwrap();
        let lat: Vec<Time> = g.network.links().map(|l| l.latency).collect();
        assert!(lat
            .iter()
            .all(|&t| t >= Time::from_ms(10) && t <= Time::from_ms(30)));
        assert!(lat.windows(2).any(|w| w[0] != w[1]));
        let plain = gen(Topology::Ring { peers: 5 }, 1);
        assert!(plain
            .network
            .links()
            .all(|l| l.latency == Time::from_ms(100)));
    }

    #[test]
    fn same_seed_same_network_and_different_seed_different_network() {
        let shapes = [
            bitcoin(500, true),
            Topology::Tutorial {
                peers: 30,
                tries: 3,
            },
            Topology::SmallWorld {
                peers: 60,
                k: 4,
                beta: 0.5,
            },
            Topology::ScaleFree { peers: 100, m: 2 },
            Topology::Regions {
                peers: 90,
                regions: 3,
                unreachable_share: 0.3,
                inter_share: 0.2,
                outbound: Some(3),
            },
        ];
        for topology in shapes {
            let spec = GeneratorSpec {
                topology,
                latency: Some(LatencyModel::LogNormal {
                    mean_ms: 80.0,
                    sd_ms: 30.0,
                }),
                limits: None,
                validation_delay: None,
            };
            let a = generate(&spec, 7).unwrap();
            let b = generate(&spec, 7).unwrap();
            let c = generate(&spec, 8).unwrap();
            assert_eq!(link_list(&a.network), link_list(&b.network));
            assert_eq!(a.notes, b.notes);
            let peers = |g: &Generated| g.network.peers().cloned().collect::<Vec<_>>();
            assert_eq!(peers(&a), peers(&b));
            assert_ne!(link_list(&a.network), link_list(&c.network));
        }
    }

    #[test]
    fn as_many_regions_as_peers_is_allowed_and_one_more_is_not() {
        let regions = |peers, regions| Topology::Regions {
            peers,
            regions,
            unreachable_share: 0.0,
            inter_share: 0.5,
            outbound: None,
        };
        let g = gen(regions(6, 6), 1);
        let mut seen: Vec<u16> = g.network.peers().map(|p| p.region).collect();
        seen.sort();
        assert_eq!(seen, [0, 1, 2, 3, 4, 5]);
        assert_eq!(
            regions(6, 7).validate(),
            Err(Conflict::MoreRegionsThanPeers {
                regions: 7,
                peers: 6
            }
            .into())
        );
    }

    #[test]
    fn a_scale_free_network_is_refused_by_its_links_before_it_is_made() {
        // A million peers opening 6 links each: 6,000,000 links, more than the cap.
        let big = Topology::ScaleFree {
            peers: 1_000_000,
            m: 6,
        };
        assert_eq!(
            big.validate(),
            Err(ParamError::too_large(
                "scale-free.links",
                6e6,
                MAX_LINKS as f64
            ))
        );
    }

    #[test]
    fn each_topology_is_named_as_its_scenario_tag() {
        for topology in [
            Topology::Tutorial { peers: 6, tries: 3 },
            Topology::bitcoin(10),
            Topology::Ring { peers: 5 },
            Topology::Grid { rows: 2, cols: 2 },
            Topology::Complete { peers: 3 },
            Topology::SmallWorld {
                peers: 10,
                k: 4,
                beta: 0.1,
            },
            Topology::ScaleFree { peers: 10, m: 2 },
            Topology::Star { clients: 3 },
            Topology::Regions {
                peers: 6,
                regions: 2,
                unreachable_share: 0.0,
                inter_share: 0.1,
                outbound: None,
            },
        ] {
            let json = serde_json::to_value(&topology).unwrap();
            assert_eq!(json["topology"], topology.name());
        }
    }

    #[test]
    fn bad_parameters_are_named() {
        let err = |t: Topology| generate(&GeneratorSpec::new(t), 0).unwrap_err();
        let small_world = |k| Topology::SmallWorld {
            peers: 10,
            k,
            beta: 0.1,
        };
        assert_eq!(
            err(small_world(7)),
            ParamError::NotEven {
                field: "small-world.k".into(),
                value: 7.0
            }
        );
        assert_eq!(
            err(small_world(10)),
            Conflict::NotBelowPeers {
                field: "k",
                value: 10,
                peers: 10
            }
            .into()
        );
        assert_eq!(
            err(Topology::Ring { peers: 2 }),
            Conflict::TooFewPeers {
                topology: "ring",
                peers: 2,
                needs: 3
            }
            .into()
        );
        let too_many = |name: &str, peers: f64| {
            ParamError::too_large(format!("{name}.peers"), peers, MAX_PEERS as f64)
        };
        assert_eq!(
            err(Topology::Ring { peers: 2_000_000 }),
            too_many("ring", 2e6)
        );
        let grid = Topology::Grid {
            rows: 100_000,
            cols: 100_000,
        };
        assert_eq!(err(grid), too_many("grid", 1e10));
        let star = Topology::Star { clients: u32::MAX };
        assert_eq!(err(star), too_many("star", f64::from(u32::MAX) + 1.0));
        assert_eq!(
            err(Topology::Complete { peers: 0 }),
            ParamError::too_small("complete.peers", 0, 1)
        );
        let mut b = bitcoin(10, false);
        if let Topology::Bitcoin {
            unreachable_share, ..
        } = &mut b
        {
            *unreachable_share = f64::NAN;
        }
        let e = err(b);
        assert!(
            matches!(&e, ParamError::NotAShare { field, value } if field == "bitcoin.unreachable_share" && value.is_nan()),
            "{e:?}"
        );
        let mut spec = GeneratorSpec::new(bitcoin(10, false));
        spec.latency = Some(LatencyModel::Constant { ms: -1.0 });
        assert_eq!(
            generate(&spec, 0).unwrap_err(),
            ParamError::NotADelay {
                field: "latency.ms".into(),
                value: -1.0
            }
        );
        spec.latency = None;
        if let Topology::Bitcoin { outbound, .. } = &mut spec.topology {
            *outbound = Some(9);
        }
        let e = generate(&spec, 0).unwrap_err();
        assert_eq!(
            e,
            Conflict::OverLimit {
                field: "outbound",
                value: 9,
                limit: 8
            }
            .into()
        );
        assert_eq!(
            e.to_string(),
            "outbound must be at most the limit of 8, got 9"
        );
    }

    #[test]
    fn specs_round_trip_through_json_with_defaults() {
        let spec: GeneratorSpec =
            serde_json::from_str(r#"{"topology": "bitcoin", "peers": 100}"#).unwrap();
        assert_eq!(spec, GeneratorSpec::new(bitcoin(100, false)));
        let spec: GeneratorSpec = serde_json::from_str(
            r#"{"topology": "small-world", "peers": 20, "beta": 1, "latency": {"model": "constant", "ms": 5}}"#,
        )
        .unwrap();
        assert_eq!(
            spec.topology,
            Topology::SmallWorld {
                peers: 20,
                k: 4,
                beta: 1.0
            }
        );
        assert_eq!(spec.latency, Some(LatencyModel::Constant { ms: 5.0 }));
        let text = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<GeneratorSpec>(&text).unwrap(), spec);
        let tutorial: GeneratorSpec =
            serde_json::from_str(r#"{"topology": "tutorial", "peers": 6}"#).unwrap();
        assert_eq!(tutorial.topology, Topology::Tutorial { peers: 6, tries: 3 });
        for bad in [
            r#"{"topology": "ring", "peers": 5, "pears": 6}"#,
            r#"{"topology": "ring", "peers": 5, "latncy": {}}"#,
            r#"{"topology": "hexagon", "peers": 5}"#,
            r#"{"peers": 5}"#,
        ] {
            assert!(serde_json::from_str::<GeneratorSpec>(bad).is_err(), "{bad}");
        }
    }

    fn any_share() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => 0.0..=1.0f64,
            1 => -1.0..2.0f64,
            1 => Just(f64::NAN),
        ]
    }

    fn any_topology() -> impl Strategy<Value = Topology> {
        prop_oneof![
            (0..20u32, 0..6u32).prop_map(|(peers, tries)| Topology::Tutorial { peers, tries }),
            (
                0..60u32,
                any_share(),
                proptest::option::of(0..10u32),
                (any_share(), any_share(), any_share()),
                any::<bool>()
            )
                .prop_map(|(peers, u, outbound, (l, m, a), bitcoin_core)| {
                    Topology::Bitcoin {
                        peers,
                        unreachable_share: u,
                        outbound,
                        light_share: l / 3.0,
                        mining_share: m / 3.0,
                        archival_share: a / 3.0,
                        bitcoin_core,
                    }
                }),
            (0..20u32).prop_map(|peers| Topology::Ring { peers }),
            (0..8u32, 0..8u32).prop_map(|(rows, cols)| Topology::Grid { rows, cols }),
            (0..30u32).prop_map(|peers| Topology::Complete { peers }),
            (0..30u32, 0..12u32, any_share()).prop_map(|(peers, k, beta)| Topology::SmallWorld {
                peers,
                k,
                beta
            }),
            (0..40u32, 0..5u32).prop_map(|(peers, m)| Topology::ScaleFree { peers, m }),
            (0..150u32).prop_map(|clients| Topology::Star { clients }),
            (
                0..40u32,
                0..6u32,
                any_share(),
                any_share(),
                proptest::option::of(0..10u32)
            )
                .prop_map(|(peers, regions, u, inter, outbound)| Topology::Regions {
                    peers,
                    regions,
                    unreachable_share: u,
                    inter_share: inter,
                    outbound,
                }),
        ]
    }

    fn any_limits() -> impl Strategy<Value = Option<Limits>> {
        proptest::option::of((0..10u32, 0..3u32, 0..3u32, 0..20u32, 0..30u32).prop_map(
            |(max_outbound, max_block_relay_outbound, feeler_slots, max_inbound, max_total)| {
                Limits {
                    max_outbound,
                    max_block_relay_outbound,
                    feeler_slots,
                    max_inbound,
                    max_total,
                }
            },
        ))
    }

    fn any_latency() -> impl Strategy<Value = Option<LatencyModel>> {
        proptest::option::of(prop_oneof![
            (-5.0..200.0f64).prop_map(|ms| LatencyModel::Constant { ms }),
            (0.0..50.0f64, 0.0..50.0f64)
                .prop_map(|(lo_ms, hi_ms)| LatencyModel::Uniform { lo_ms, hi_ms }),
            (0.0..100.0f64, 0.0..50.0f64)
                .prop_map(|(mean_ms, sd_ms)| LatencyModel::LogNormal { mean_ms, sd_ms }),
            (0.0..50.0f64, 0.0..300.0f64, 0.0..10.0f64).prop_map(
                |(intra_ms, inter_ms, jitter_ms)| LatencyModel::ByRegion {
                    intra_ms,
                    inter_ms,
                    jitter_ms
                }
            ),
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The hand-written reader (`GeneratorSpec::deserialize`) reads back whatever serde's
        /// derived `Serialize` writes.
        #[test]
        fn what_serialize_writes_reads_back(
            topology in any_topology(),
            latency in any_latency(),
            limits in any_limits(),
            validation_delay in any_latency(),
        ) {
            let spec = GeneratorSpec { topology, latency, limits, validation_delay };
            let text = serde_json::to_string(&spec).unwrap();
            // A NaN share is written as null, which is no number to read.
            prop_assume!(!text.contains("null"));
            let read = serde_json::from_str::<GeneratorSpec>(&text).unwrap();
            // serde_json's number reader (without its `float_roundtrip` feature) may be a bit
            // off in the last place, so the numbers are compared as it reads them in a `Value`.
            let written: serde_json::Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(serde_json::to_value(&read).unwrap(), written);
        }

        #[test]
        fn slicing_a_generation_never_changes_the_network(
            topology in any_topology(),
            seed in any::<u64>(),
            slices in proptest::collection::vec(0u32..40, 1..20),
        ) {
            let spec = GeneratorSpec::new(topology);
            if let Ok(whole) = generate(&spec, seed) {
                let mut sliced = Generation::start(&spec, seed).unwrap();
                let (mut done_before, end) = sliced.progress();
                prop_assert_eq!(end as u64, spec.topology.n_peers());
                for &peers in slices.iter().cycle().take(10_000) {
                    let done = sliced.advance(peers);
                    let (now, _) = sliced.progress();
                    // Each slice lets exactly the asked-for peers open links, unless fewer are left.
                    prop_assert_eq!(now, (done_before + peers).min(end));
                    done_before = now;
                    if done {
                        break;
                    }
                }
                let sliced = sliced.finish().unwrap();
                prop_assert_eq!(link_list(&sliced.network), link_list(&whole.network));
                prop_assert_eq!(sliced.notes, whole.notes);
            }
        }

        #[test]
        fn generate_never_panics_and_keeps_invariants(
            topology in any_topology(),
            latency in any_latency(),
            limits in any_limits(),
            validation_delay in any_latency(),
            seed in any::<u64>(),
        ) {
            let spec = GeneratorSpec { topology, latency, limits, validation_delay };
            if let Ok(g) = generate(&spec, seed) {
                prop_assert_eq!(g.network.check_invariants(), Ok(()));
                prop_assert_eq!(g.network.n_peers() as u64, spec.topology.n_peers());
                let again = generate(&spec, seed).unwrap();
                prop_assert_eq!(link_list(&g.network), link_list(&again.network));
            }
        }
    }
}
