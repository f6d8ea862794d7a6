//! The classroom lessons: guided presets, each a network, a short narration with "Do it" commands, and things to try.
//!
//! A [`Lesson`] is plain data: the command that opens its network, 3 to 6
//! [`Step`]s (a sentence and the commands its "Do it" button dispatches, in
//! order) and a few things to try. Every lesson is built from a fixed seed,
//! and its narration names concrete peers found on the network it loads (the
//! cut vertex, the farthest peer, the peers left out), so the words and the
//! commands always agree. Where a sentence quotes a number of the run (hops,
//! milliseconds, messages), the lesson ran the same simulation natively to
//! get it. Nothing here touches the browser; the tests at the bottom walk
//! every lesson's "Do it" path and check its outcome.

use crate::sim::engine::Simulation;
use crate::sim::generate::Topology;
use crate::sim::graph;
use crate::sim::latency::LatencyModel;
use crate::sim::network::{EditError, Limits, LinkKind, Network, PeerId, PeerState, Role};
use crate::sim::relay::{ClientServerParams, RelayPolicy};
use crate::sim::scenario::Scenario;
use crate::sim::time::Time;
use crate::view::presets;
use crate::view::state::{compare_relays, Command};

/// One guided lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Stable id, used in menus, links and tests (`gossip-basics`).
    pub id: &'static str,
    /// Its place in the menu, from 1.
    pub number: u32,
    /// What the menu shows.
    pub title: &'static str,
    /// What the lesson is about, read before the first step.
    pub intro: String,
    /// Loads the lesson's network.
    pub open: Command,
    /// The narration, 3 to 6 steps.
    pub steps: Vec<Step>,
    /// Open questions to explore after the last step (2 to 4).
    pub things_to_try: Vec<String>,
}

/// One step of a lesson's narration.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The sentence the teacher reads, e.g. "Now censor N4".
    pub text: String,
    /// What its "Do it" button dispatches, in order.
    ///
    /// Where a step shows a refusal on purpose, its text quotes the message
    /// the app gives.
    pub commands: Vec<Command>,
}

/// A lesson's place in the menu, without building its network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonInfo {
    /// See [`Lesson::id`].
    pub id: &'static str,
    /// See [`Lesson::number`].
    pub number: u32,
    /// See [`Lesson::title`].
    pub title: &'static str,
}

/// Every lesson, in menu order: cheap to read, for menus (building a lesson
/// builds its network, and lesson 7's has 10,000 peers).
pub const CATALOGUE: [LessonInfo; 9] = [
    LessonInfo {
        id: "gossip-basics",
        number: 1,
        title: "Gossip basics",
    },
    LessonInfo {
        id: "client-server-vs-p2p",
        number: 2,
        title: "Client-server vs peer-to-peer",
    },
    LessonInfo {
        id: "block-one-node",
        number: 3,
        title: "Block one node",
    },
    LessonInfo {
        id: "partition",
        number: 4,
        title: "Partition",
    },
    LessonInfo {
        id: "nat-peers",
        number: 5,
        title: "Unreachable (NAT) peers",
    },
    LessonInfo {
        id: "node-roles",
        number: 6,
        title: "Node roles",
    },
    LessonInfo {
        id: "bitcoin-scale",
        number: 7,
        title: "Bitcoin scale",
    },
    LessonInfo {
        id: "eclipse-attack",
        number: 8,
        title: "Eclipse attack",
    },
    LessonInfo {
        id: "relay-policies",
        number: 9,
        title: "Relay policies compared",
    },
];

/// Every lesson, in order (this builds all nine networks; menus want [`CATALOGUE`]).
pub fn lessons() -> Vec<Lesson> {
    CATALOGUE.iter().map(build).collect()
}

/// The lesson with this id, if there is one.
pub fn lesson(id: &str) -> Option<Lesson> {
    CATALOGUE.iter().find(|info| info.id == id).map(build)
}

fn build(info: &LessonInfo) -> Lesson {
    let (intro, open, steps, things_to_try) = match info.number {
        1 => gossip_basics(),
        2 => client_server_vs_p2p(),
        3 => block_one_node(),
        4 => partition(),
        5 => nat_peers(),
        6 => node_roles(),
        7 => bitcoin_scale(),
        8 => eclipse_attack(),
        _ => relay_policies(),
    };
    Lesson {
        id: info.id,
        number: info.number,
        title: info.title,
        intro,
        open,
        steps,
        things_to_try,
    }
}

/// What a lesson function returns: intro, opening command, steps, things to try.
type Parts = (String, Command, Vec<Step>, Vec<String>);

// ---- Helpers ----------------------------------------------------------------------------------

fn step(text: impl Into<String>, commands: Vec<Command>) -> Step {
    Step {
        text: text.into(),
        commands,
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn select(peer: PeerId) -> Command {
    Command::SelectPeer {
        peer,
        additive: false,
    }
}

/// Selects `peer`, broadcasts from it and runs the spread to its end.
fn broadcast_and_finish(peer: PeerId) -> Vec<Command> {
    vec![select(peer), Command::Broadcast, Command::Finish]
}

fn open(scenario: Scenario) -> Command {
    Command::LoadScenario(Box::new(scenario))
}

/// Peers as a reader says them: "N3", "N3 and N5", "N3, N5 and N8", or "N9 to N16" for a run.
fn names(peers: &[PeerId]) -> String {
    let contiguous = peers.windows(2).all(|w| w[1].0 == w[0].0 + 1);
    match peers {
        [] => "nobody".into(),
        [one] => one.to_string(),
        [first, .., last] if contiguous && peers.len() > 3 => format!("{first} to {last}"),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|p| p.to_string()).collect();
            format!("{} and {last}", rest.join(", "))
        }
    }
}

/// A count as a reader says it, with thousands separated: "10,000".
fn count(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Milliseconds as a reader says them: "450 ms", or "1.2 s" from a second on.
fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

fn built(scenario: &Scenario) -> Network {
    scenario
        .build()
        .expect("a lesson's scenario builds")
        .network
}

/// A scenario that spells out `network`, with `latency` for links added later.
fn explicit(network: &Network, seed: u64, relay: RelayPolicy, latency: LatencyModel) -> Scenario {
    let mut scenario = Scenario::from_network(network, seed, relay);
    scenario.latency = latency;
    scenario
}

/// A latency between 60 and 140 ms that varies from link to link, without a random draw.
fn varied_latency(a: u32, b: u32) -> Time {
    Time::from_ms(60 + u64::from((a * 7 + b * 13) % 9) * 10)
}

fn link(net: &mut Network, from: u32, to: u32) {
    net.add_link(
        PeerId(from),
        PeerId(to),
        varied_latency(from, to),
        LinkKind::FullRelay,
    )
    .expect("a lesson's link fits");
}

/// Adds `size` reachable full peers from id `first`, each linked to the next two (a ring lattice).
fn add_group(net: &mut Network, first: u32, size: u32) {
    for _ in 0..size {
        net.add_peer(Role::Full, true).expect("a peer fits");
    }
    for i in 0..size {
        link(net, first + i, first + (i + 1) % size);
        link(net, first + i, first + (i + 2) % size);
    }
}

/// Two groups of `size` peers (ids `0..size` and `size + 1..=2 * size`)
/// joined only through peer `size`, which opens two links into each group.
fn two_groups(size: u32) -> Network {
    let mut net = Network::new(Limits::TUTORIAL);
    add_group(&mut net, 0, size);
    let hub = net.add_peer(Role::Full, true).expect("a peer fits").0;
    add_group(&mut net, size + 1, size);
    for target in [0, size / 2, size + 1, size + 1 + size / 2] {
        link(&mut net, hub, target);
    }
    net
}

/// Runs one transaction from `source` to its end under `relay`, without tracing.
fn run(net: &Network, relay: RelayPolicy, seed: u64, source: PeerId) -> Simulation {
    let mut sim = Simulation::new(net.clone(), relay, seed).expect("a lesson's policy is valid");
    sim.broadcast(source).expect("a lesson's source can send");
    sim.run();
    sim
}

/// The first seed from 1 whose scenario's network passes `good` (every lesson finds one early).
fn first_seed(make: impl Fn(u64) -> Scenario, good: impl Fn(&Network) -> bool) -> Scenario {
    (1..1000)
        .map(&make)
        .find(|s| good(&built(s)))
        .expect("some seed gives a network the lesson needs")
}

fn connected(net: &Network) -> bool {
    graph::components(net).len() == 1
}

// ---- 1. Gossip basics -------------------------------------------------------------------------

fn gossip_basics() -> Parts {
    let scenario = first_seed(
        |seed| presets::scenario("tutorial-6", seed).expect("preset"),
        connected,
    );
    let net = built(&scenario);
    let source = PeerId(0);
    let neighbours: Vec<PeerId> = {
        let mut n: Vec<PeerId> = net.adjacent(source).iter().map(|a| a.peer).collect();
        n.sort();
        n
    };
    let distances = graph::hop_distances(&net, source, |p| p.relays());
    let farthest_hops = distances.iter().flatten().copied().max().unwrap_or(0);
    let farthest: Vec<PeerId> = net
        .peer_ids()
        .filter(|p| distances[p.index()] == Some(farthest_hops))
        .collect();
    let sim = run(&net, RelayPolicy::Flood, scenario.seed, source);
    let m = sim.metrics(crate::sim::engine::TxId(0));
    let intro = format!(
        "The tutorial's demo: {} peers, each of which tried 3 random links. A transaction \
         spreads by gossip: a peer that hears of it for the first time keeps it and passes it \
         to every neighbour but the one it came from (flood relay). A peer that has already \
         seen it drops the copy: that memory, the seen set, is what stops the flood.",
        net.n_peers()
    );
    let steps = vec![
        step(
            format!(
                "Press Broadcast: {source} sends a transaction to its neighbours {}. Watch the \
                 dots travel along the links.",
                names(&neighbours)
            ),
            vec![select(source), Command::Broadcast, Command::Play],
        ),
        step(
            format!(
                "Each peer lights up when it first hears of the transaction and passes it on; \
                 copies that reach a peer that has seen it already flash and are dropped. Press \
                 Finish: all {} peers have it.",
                net.n_peers()
            ),
            vec![Command::Finish],
        ),
        step(
            format!(
                "The number on each peer is its hop count: the links the transaction crossed to \
                 get there. Click {}: {} hops from {source}, the farthest any peer is.",
                farthest[0], farthest_hops
            ),
            vec![select(farthest[0])],
        ),
        step(
            format!(
                "Count the cost: the flood took {} messages to reach {} peers, and {} of them \
                 arrived at a peer that had already seen the transaction. Press Replay to \
                 watch the same run again.",
                m.messages, m.reached, m.redundant
            ),
            vec![Command::Replay],
        ),
    ];
    let things = strings(&[
        "Broadcast from another peer: are the hop numbers the same?",
        "Remove a link and broadcast again: which hop numbers change?",
        "Add a peer and link it to two others: how many hops away does it end up?",
    ]);
    (intro, open(scenario), steps, things)
}

// ---- 2. Client-server vs peer-to-peer ---------------------------------------------------------

/// How many clients both networks of lesson 2 have.
const CLIENTS: u32 = 12;

fn client_server_vs_p2p() -> Parts {
    let star = presets::generated(
        Topology::Star { clients: CLIENTS },
        LatencyModel::Constant { ms: 100.0 },
        RelayPolicy::ClientServer(ClientServerParams::default()),
        1,
    );
    let mesh = first_seed(
        |seed| {
            presets::generated(
                Topology::SmallWorld {
                    peers: CLIENTS,
                    k: 4,
                    beta: 0.2,
                },
                LatencyModel::Constant { ms: 100.0 },
                RelayPolicy::Flood,
                seed,
            )
        },
        |net| connected(net) && graph::cut_vertices(net).is_empty(),
    );
    let mesh_net = built(&mesh);
    // Even the best-connected peer (the lowest id among the ties) can go.
    let down = mesh_net
        .peer_ids()
        .max_by_key(|&p| (mesh_net.degree(p), std::cmp::Reverse(p)))
        .expect("the mesh has peers");
    let server = PeerId(0);
    let client = PeerId(3);
    let mesh_source = mesh_net
        .peer_ids()
        .find(|&p| p != down)
        .expect("the mesh has two peers");
    let intro = format!(
        "The same {CLIENTS} computers, linked two ways. As clients of a server, every message \
         goes through the server: it is a single point of failure (and of censorship). As \
         peers, each one holds a copy and talks to several others directly, so no single peer \
         matters."
    );
    let steps = vec![
        step(
            format!(
                "Load the client-server network: {CLIENTS} clients, each linked only to the \
                 server {server}."
            ),
            vec![open(star.clone())],
        ),
        step(
            format!("Take the server {server} down (offline)."),
            vec![select(server), Command::ToggleOffline],
        ),
        step(
            format!(
                "Broadcast from client {client} and finish: nobody else gets it, since every \
                 path goes through the server."
            ),
            broadcast_and_finish(client),
        ),
        step(
            format!(
                "Now load the same {CLIENTS} computers as a peer-to-peer mesh (flood relay): \
                 each is linked to a few others."
            ),
            vec![open(mesh)],
        ),
        step(
            format!(
                "Take down any one peer: {down}, the best connected, with {} links.",
                mesh_net.degree(down)
            ),
            vec![select(down), Command::ToggleOffline],
        ),
        step(
            format!(
                "Broadcast from {mesh_source} and finish: every one of the {} peers still online \
                 gets it. No single peer's failure stops it.",
                CLIENTS - 1
            ),
            broadcast_and_finish(mesh_source),
        ),
    ];
    let things = strings(&[
        "Take down a second, then a third peer of the mesh: when does someone miss out?",
        "In the star, censor the server instead of taking it down: what do the clients see?",
        "Compare the messages each network needed to reach everyone.",
    ]);
    (intro, open(star), steps, things)
}

// ---- 3. Block one node ------------------------------------------------------------------------

/// Peers in each group of lessons 3 and 6.
const GROUP: u32 = 8;

fn block_one_node() -> Parts {
    let net = two_groups(GROUP);
    let cut = graph::cut_vertices(&net);
    let hub = cut[0];
    let source = PeerId(0);
    // A well-connected peer of the source's group that is no single point of failure.
    let ordinary = PeerId(GROUP / 2 - 1);
    debug_assert!(!cut.contains(&ordinary));
    let behind = peers_cut_off(&net, hub, source);
    let scenario = explicit(
        &net,
        1,
        RelayPolicy::Flood,
        LatencyModel::Constant { ms: 100.0 },
    );
    let intro = format!(
        "Two groups of {GROUP} peers, well linked inside, and one peer between them. A \
         censoring peer still receives transactions but never passes them on: the classroom's \
         \"blocked node\". Does blocking one node stop a transaction?"
    );
    let steps = vec![
        step(
            format!("Censor {ordinary}: it will refuse to relay anything."),
            vec![select(ordinary), Command::ToggleCensor],
        ),
        step(
            format!(
                "Broadcast from {source} and finish: every peer still gets it; the gossip \
                 simply goes around {ordinary}."
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Turn on \"Show single points of failure\": {hub} is highlighted, the only peer \
                 joining the two groups (a cut vertex). Stop censoring {ordinary} and censor \
                 {hub} instead."
            ),
            vec![
                select(ordinary),
                Command::ToggleCensor,
                select(hub),
                Command::ToggleCensor,
            ],
        ),
        step(
            format!(
                "Broadcast from {source} again: exactly the {} peers behind {hub} ({}) never \
                 get it.",
                behind.len(),
                names(&behind)
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Click {}: every path from {source} to it passes through {hub}, which is \
                 censoring.",
                behind[0]
            ),
            vec![select(behind[0])],
        ),
    ];
    let things = strings(&[
        "Link a peer of the left group to one of the right group: is anyone still cut off?",
        "Find the bridges (links whose loss splits the network) and remove one.",
        "Censor two ordinary peers at once: can you cut someone off without touching the hub?",
    ]);
    (intro, open(scenario), steps, things)
}

/// The peers `source` can no longer reach once `blocked` is removed, ascending.
fn peers_cut_off(net: &Network, blocked: PeerId, source: PeerId) -> Vec<PeerId> {
    let mut without = net.clone();
    without.remove_peer(blocked).expect("the peer exists");
    graph::components(&without)
        .into_iter()
        .filter(|c| !c.contains(&source))
        .flatten()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

// ---- 4. Partition -----------------------------------------------------------------------------

fn partition_scenario(seed: u64) -> Scenario {
    let topology = Topology::Regions {
        peers: 24,
        regions: 2,
        unreachable_share: 0.0,
        inter_share: 0.05,
        outbound: None,
    };
    let latency = topology.default_latency();
    presets::generated(topology, latency, RelayPolicy::Flood, seed)
}

/// The peers of region 0, and how many links join them to the rest.
fn halves(net: &Network) -> (Vec<PeerId>, usize) {
    let side: Vec<PeerId> = net
        .peers()
        .filter(|p| p.region == 0)
        .map(|p| p.id)
        .collect();
    let region = |p: PeerId| net.peer(p).map_or(0, |p| p.region);
    let crossing = net
        .links()
        .filter(|l| region(l.from) != region(l.to))
        .count();
    (side, crossing)
}

fn partition() -> Parts {
    let scenario = first_seed(partition_scenario, |net| {
        let (_, crossing) = halves(net);
        let mut cut = net.clone();
        let ids: Vec<_> = cut
            .links()
            .filter(|l| cut.peer(l.from).map(|p| p.region) != cut.peer(l.to).map(|p| p.region))
            .map(|l| l.id)
            .collect();
        for id in ids {
            cut.remove_link(id).expect("the link exists");
        }
        connected(net) && crossing >= 2 && graph::components(&cut).len() == 2
    });
    let net = built(&scenario);
    let (side, crossing) = halves(&net);
    let other = net.n_peers() - side.len();
    let source = side[0];
    let intro = format!(
        "{} peers in two regions, linked mostly inside their region and by {crossing} links \
         between them. Cut every link between the regions, and the network falls in two: a \
         partition.",
        net.n_peers()
    );
    // The cut is one command, so one undo brings back every link it removed.
    let mut heal = vec![Command::Reset, Command::Undo];
    heal.extend(broadcast_and_finish(source));
    let steps = vec![
        step(
            format!(
                "Broadcast from {source} and finish: all {} peers get it.",
                net.n_peers()
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Cut the network in two: remove the {crossing} links between {source}'s region \
                 ({} peers) and the other ({other} peers).",
                side.len()
            ),
            vec![Command::CutBetween { side: side.clone() }],
        ),
        step(
            format!(
                "Broadcast from {source} again: only the {} peers of its own side get it; the \
                 {other} on the other side are partitioned.",
                side.len()
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Heal the partition: back to the start, the {crossing} links return. Broadcast \
                 from {source}: everyone has it again."
            ),
            heal,
        ),
    ];
    let things = strings(&[
        "After the cut, add back a single link between the sides: is one enough?",
        "Broadcast on each side during the partition: two transactions, two halves that disagree.",
        "Select some peers and cut them off: how few links hold a region to the rest?",
    ]);
    (intro, open(scenario), steps, things)
}

// ---- 5. Unreachable (NAT) peers ---------------------------------------------------------------

/// Limits of lesson 5's second network: few inbound slots, so some peers find none.
const SCARCE: Limits = Limits {
    max_outbound: 2,
    max_block_relay_outbound: 0,
    feeler_slots: 0,
    max_inbound: 6,
    max_total: 8,
};

fn scarce_scenario(seed: u64) -> Scenario {
    let mut scenario = presets::generated(
        Topology::Bitcoin {
            peers: 20,
            unreachable_share: 0.75,
            outbound: None,
            light_share: 0.0,
            mining_share: 0.0,
            archival_share: 0.0,
            bitcoin_core: false,
        },
        LatencyModel::LogNormal {
            mean_ms: 100.0,
            sd_ms: 40.0,
        },
        RelayPolicy::Flood,
        seed,
    );
    scenario.limits = SCARCE;
    if let Some(spec) = scenario.generator.as_mut() {
        spec.limits = Some(SCARCE);
    }
    scenario
}

/// Peers with no link at all.
fn isolated(net: &Network) -> Vec<PeerId> {
    net.peer_ids().filter(|&p| net.degree(p) == 0).collect()
}

fn nat_peers() -> Parts {
    let scenario = presets::scenario("bitcoin-30", 1).expect("preset");
    let net = built(&scenario);
    let unreachable: Vec<PeerId> = net.peers().filter(|p| !p.reachable).map(|p| p.id).collect();
    let reachable = net
        .peers()
        .find(|p| p.reachable)
        .expect("some peer is reachable")
        .id;
    let nat = unreachable[0];
    let refusal = EditError::Unreachable(nat).to_string();
    let scarce = first_seed(scarce_scenario, |net| {
        let lonely = isolated(net);
        (2..=5).contains(&lonely.len())
            && lonely
                .iter()
                .all(|&p| !net.peer(p).is_some_and(|p| p.reachable))
            && net.degree(PeerId(0)) > 0
            && graph::components(net).len() == lonely.len() + 1
    });
    let scarce_net = built(&scarce);
    let lonely = isolated(&scarce_net);
    let scarce_reachable = scarce_net.peers().filter(|p| p.reachable).count();
    let intro = format!(
        "Most Bitcoin nodes sit behind NAT (a home router): they are unreachable, and can \
         open links to others but accept none. In this network {} of {} peers are \
         unreachable. They still take full part, through their outbound links.",
        unreachable.len(),
        net.n_peers()
    );
    let steps = vec![
        step(
            format!("Try to link {reachable} to {nat}: the app refuses: \"{refusal}\"."),
            vec![Command::AddLink {
                from: reachable,
                to: nat,
            }],
        ),
        step(
            format!(
                "Broadcast from the unreachable {nat} and finish: its transaction goes out \
                 through the links it opened, and all {} peers get it.",
                net.n_peers()
            ),
            broadcast_and_finish(nat),
        ),
        step(
            format!(
                "Load a network where the {scarce_reachable} reachable peers take only {} \
                 inbound links each, and each peer opens {}: the slots run out. {} found no \
                 free slot and {} no links at all.",
                SCARCE.max_inbound,
                SCARCE.max_outbound,
                names(&lonely),
                if lonely.len() == 1 { "has" } else { "have" }
            ),
            vec![open(scarce)],
        ),
        step(
            format!(
                "Broadcast from N0 and finish: {} never hear of it.",
                names(&lonely)
            ),
            broadcast_and_finish(PeerId(0)),
        ),
    ];
    let things = strings(&[
        "Make one of the lonely peers reachable, then link another peer to it.",
        "In the first network, make every peer unreachable but one: what happens to that one?",
        "Click a lonely peer: what does the app say about why it was left out?",
    ]);
    (intro, open(scenario), steps, things)
}

// ---- 6. Node roles ----------------------------------------------------------------------------

fn node_roles() -> Parts {
    let mut net = two_groups(GROUP);
    let bridge = PeerId(GROUP);
    let light = net.add_peer(Role::Light, false).expect("a peer fits");
    let (left, right) = (GROUP / 2 - 1, GROUP + 1 + GROUP / 2 - 1);
    link(&mut net, light.0, left);
    link(&mut net, light.0, right);
    let miners = [PeerId(2), PeerId(GROUP + 3)];
    let archival = [PeerId(5), PeerId(GROUP + 6)];
    for p in miners {
        net.set_role(p, Role::Mining).expect("the peer exists");
    }
    for p in archival {
        net.set_role(p, Role::Archival).expect("the peer exists");
    }
    let right_group: Vec<PeerId> = (GROUP + 1..=2 * GROUP).map(PeerId).collect();
    let source = PeerId(0);
    let scenario = explicit(
        &net,
        1,
        RelayPolicy::Flood,
        LatencyModel::Constant { ms: 100.0 },
    );
    let intro = "Not all nodes are equal. Full nodes check and relay every transaction. \
         Mining nodes are full nodes that also build blocks; archival nodes are full nodes \
         that keep the whole history for others to download. Light (SPV) nodes, like phone \
         wallets, open a few links, accept none, and receive transactions without ever \
         relaying them."
        .to_string();
    let steps = vec![
        step(
            format!(
                "Find the roles: {} mine, {} are archival, and {light} is light: select it. It \
                 opened links to {} and {} and accepts none.",
                names(&miners),
                names(&archival),
                PeerId(left),
                PeerId(right)
            ),
            vec![select(light)],
        ),
        step(
            format!(
                "Broadcast from {source} and finish: every peer gets it, {light} too, but \
                 {light} passes it to nobody. Miners and archival peers relay like any full \
                 peer."
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Take {bridge} offline: now the two groups meet only at the light peer {light}."
            ),
            vec![select(bridge), Command::ToggleOffline],
        ),
        step(
            format!(
                "Broadcast from {source} again: {} never get it; the only path runs through \
                 {light}, which receives but does not relay.",
                names(&right_group)
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Make {light} a full peer and broadcast again: now it relays, and the right \
                 group hears of the transaction through {light}."
            ),
            [
                vec![Command::SetRole {
                    peer: light,
                    role: Role::Full,
                }],
                broadcast_and_finish(source),
            ]
            .concat(),
        ),
    ];
    let things = strings(&[
        "Broadcast from the light peer: does its own transaction get out?",
        "Try to link a full peer to the light peer: why is it refused?",
        "Make a miner censor: does the network notice?",
    ]);
    (intro, open(scenario), steps, things)
}

// ---- 7. Bitcoin scale -------------------------------------------------------------------------

fn bitcoin_scale() -> Parts {
    let scenario = presets::scenario("bitcoin-10000", 1).expect("preset");
    let net = built(&scenario);
    let source = PeerId(0);
    let sim = run(&net, RelayPolicy::Flood, scenario.seed, source);
    let tx = crate::sim::engine::TxId(0);
    let m = sim.metrics(tx);
    let hops: Vec<u32> = net.peer_ids().filter_map(|p| sim.hops(tx, p)).collect();
    let max_hops = hops.iter().copied().max().unwrap_or(0);
    let mut histogram = vec![0usize; max_hops as usize + 1];
    for &h in &hops {
        histogram[h as usize] += 1;
    }
    let (typical, _) = histogram
        .iter()
        .enumerate()
        .max_by_key(|&(h, &n)| (n, std::cmp::Reverse(h)))
        .expect("the source has hop 0");
    let farthest = net
        .peer_ids()
        .find(|&p| sim.hops(tx, p) == Some(max_hops))
        .expect("some peer is farthest");
    let intro = format!(
        "A network on Bitcoin's scale: {} peers, each of which opened {} \
         outbound links to reachable peers ({} links in all). No peer knows more than a few \
         dozen others, yet gossip reaches them all in a handful of hops.",
        count(net.n_peers() as u64),
        net.limits().max_outbound,
        count(net.n_links() as u64)
    );
    let steps = vec![
        step(
            format!(
                "Select {source}: it knows {} of the {} peers directly.",
                net.degree(source),
                count(net.n_peers() as u64)
            ),
            vec![select(source)],
        ),
        step(
            format!(
                "Broadcast from {source} and finish: all {} peers have it after {}, and no peer \
                 is more than {max_hops} hops away.",
                count(m.reached as u64),
                m.t100_ms.map_or_else(|| "a while".to_string(), duration)
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Look at the hops: most peers ({} of them) got it in {typical} hops. Click \
                 {farthest}, one of the farthest, {max_hops} hops from {source}.",
                count(histogram[typical] as u64)
            ),
            vec![select(farthest)],
        ),
        step(
            format!(
                "The cost: {} messages, {} of them copies of what a peer had already seen. \
                 Flooding is fast, not frugal.",
                count(m.messages),
                count(m.redundant)
            ),
            vec![Command::Replay],
        ),
    ];
    let things = strings(&[
        "Switch to Bitcoin's announce-request relay and finish: how much slower, and how many fewer transaction bodies?",
        "Take a hundred peers offline: do the hop numbers change much?",
        "Broadcast from an unreachable peer: is it any farther from the rest?",
    ]);
    (intro, open(scenario), steps, things)
}

// ---- 8. Eclipse attack ------------------------------------------------------------------------

/// Limits of lesson 8: small enough that six attackers fill a peer's slots.
const ECLIPSE: Limits = Limits {
    max_outbound: 3,
    max_block_relay_outbound: 0,
    feeler_slots: 0,
    max_inbound: 3,
    max_total: 6,
};

/// Honest peers of lesson 8.
const HONEST: u32 = 12;

fn eclipse_attack() -> Parts {
    let mut net = Network::new(Limits::TUTORIAL);
    net.set_limits(ECLIPSE).expect("the limits are consistent");
    add_group(&mut net, 0, HONEST);
    let victim = net.add_peer(Role::Full, true).expect("a peer fits");
    let attackers: Vec<PeerId> = (0..ECLIPSE.max_outbound + ECLIPSE.max_inbound)
        .map(|_| net.add_peer(Role::Full, true).expect("a peer fits"))
        .collect();
    let (out, inb) = attackers.split_at(ECLIPSE.max_outbound as usize);
    for a in out {
        link(&mut net, victim.0, a.0);
    }
    for a in inb {
        link(&mut net, a.0, victim.0);
    }
    // Each attacker also joins the honest network, to hear its transactions.
    for (i, a) in attackers.iter().enumerate() {
        link(&mut net, a.0, 2 * i as u32 % HONEST);
    }
    for &a in &attackers {
        net.set_state(a, PeerState::Censoring)
            .expect("the peer exists");
    }
    let honest = PeerId(1);
    let refusal = net
        .check_link(honest, victim, LinkKind::FullRelay)
        .expect_err("the victim's inbound slots are full")
        .to_string();
    let source = PeerId(0);
    let scenario = explicit(
        &net,
        1,
        RelayPolicy::Flood,
        LatencyModel::Constant { ms: 100.0 },
    );
    let intro = format!(
        "An eclipse attack: attacker peers take every link slot of a victim, so everything the \
         victim hears comes through them. Here peers may hold {} outbound and {} inbound \
         links; the victim {victim}'s are all taken by the attackers {}, which censor.",
        ECLIPSE.max_outbound,
        ECLIPSE.max_inbound,
        names(&attackers)
    );
    let steps = vec![
        step(
            format!(
                "Select the victim {victim}: its {} outbound links go to {} and its {} inbound \
                 links come from {}, all attackers.",
                ECLIPSE.max_outbound,
                names(out),
                ECLIPSE.max_inbound,
                names(inb)
            ),
            vec![select(victim)],
        ),
        step(
            format!("An honest peer, {honest}, tries to link to {victim}: refused: \"{refusal}\"."),
            vec![Command::AddLink {
                from: honest,
                to: victim,
            }],
        ),
        step(
            format!(
                "Broadcast from the honest {source} and finish: every honest peer and every \
                 attacker has it; the victim {victim} never sees it."
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Stop {} censoring and broadcast again: one honest link is enough, and \
                 {victim} hears of the transaction.",
                attackers[0]
            ),
            [
                vec![select(attackers[0]), Command::ToggleCensor],
                broadcast_and_finish(source),
            ]
            .concat(),
        ),
    ];
    let things = strings(&[
        "Remove one attacker's link to the victim, then link an honest peer to it.",
        "Take an attacker offline instead of stopping it censoring: does the victim hear anything then?",
        "Why does Bitcoin pick outbound peers from many different networks?",
    ]);
    (intro, open(scenario), steps, things)
}

// ---- 9. Relay policies compared ---------------------------------------------------------------

fn relay_policies() -> Parts {
    let scenario = presets::generated(
        Topology::bitcoin(60),
        LatencyModel::LogNormal {
            mean_ms: 100.0,
            sd_ms: 40.0,
        },
        RelayPolicy::Flood,
        1,
    );
    let net = built(&scenario);
    let source = PeerId(0);
    let results = compare_relays(&net, source, &scenario.latency, scenario.seed)
        .expect("every compared policy runs");
    let describe = |name: &str, label: &str| {
        let c = results
            .iter()
            .find(|c| c.relay == name)
            .expect("every policy is compared");
        let m = &c.metrics;
        let when = match m.t100_ms {
            Some(ms) => format!("all {} peers in {}", m.reached, duration(ms)),
            None => format!("{} of {} peers", m.reached, net.n_peers()),
        };
        format!(
            "{label} reached {when} with {} messages ({} transaction bodies)",
            count(m.messages),
            count(m.messages_by_kind.tx)
        )
    };
    let intro = format!(
        "Three ways to spread a transaction over the same {} peers. Flood sends the \
         transaction to every neighbour at once. Bitcoin's announce-request first announces \
         it (INV), sends it only to peers that ask (GETDATA), and waits random times before \
         announcing. Push gossip sends it to a few random neighbours each round, for a few \
         rounds. Speed costs messages.",
        net.n_peers()
    );
    let steps = vec![
        step(
            format!(
                "Select {source} and press Compare relays: the plot shows each policy's \
                 coverage over time. {}; {}; {}.",
                describe("flood", "Flood"),
                describe("bitcoin", "Announce-request"),
                describe("push", "Push gossip")
            ),
            vec![select(source), Command::CompareRelays],
        ),
        step(
            format!("Watch flood relay: broadcast from {source}."),
            vec![
                Command::SetRelay(RelayPolicy::Flood),
                Command::Reset,
                select(source),
                Command::Broadcast,
                Command::Play,
            ],
        ),
        step(
            "Switch to announce-request and replay: small announcements go first, the \
             transaction follows only where it is asked for.",
            vec![
                Command::SetRelay(RelayPolicy::from_name("bitcoin").expect("a policy")),
                Command::Replay,
            ],
        ),
        step(
            "Switch to push gossip and replay: each informed peer pushes to 3 random \
             neighbours a round, for 4 rounds; some peers may be missed.",
            vec![
                Command::SetRelay(RelayPolicy::from_name("push").expect("a policy")),
                Command::Replay,
            ],
        ),
    ];
    let things = strings(&[
        "Compare again from an unreachable peer: does the ranking change?",
        "Set push gossip's fanout to 2, then 6: how do speed and messages move?",
        "Censor a few peers and compare: which policy suffers most?",
    ]);
    (intro, open(scenario), steps, things)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::TxId;
    use crate::sim::metrics::UnreachedReason;
    use crate::view::state::AppState;

    /// Opens the lesson; its network loads without a message.
    fn opened(lesson: &Lesson) -> AppState {
        let mut state = AppState::new();
        state.dispatch(lesson.open.clone());
        assert_eq!(state.message(), None, "lesson {} opens", lesson.id);
        state
    }

    /// Presses "Do it" on step `i`; a message is allowed only if the step's text quotes it.
    fn do_it(state: &mut AppState, lesson: &Lesson, i: usize) {
        for command in &lesson.steps[i].commands {
            state.dispatch(command.clone());
            // Long work goes a slice per frame, as on the page.
            while state.work().is_some() {
                state.dispatch(Command::Tick { ms: 16.0 });
            }
            if let Some(message) = state.message() {
                assert!(
                    lesson.steps[i].text.contains(message),
                    "lesson {} step {}: unexpected message {message:?}",
                    lesson.id,
                    i + 1
                );
            }
        }
    }

    fn tx(state: &AppState) -> TxId {
        state.current_tx().expect("a transaction was broadcast")
    }

    fn unreached(state: &AppState) -> Vec<PeerId> {
        state
            .simulation()
            .unreached(tx(state))
            .iter()
            .map(|u| u.id)
            .collect()
    }

    fn reached(state: &AppState) -> usize {
        state.simulation().metrics(tx(state)).reached
    }

    fn lesson_of(id: &str) -> Lesson {
        lesson(id).expect("the lesson exists")
    }

    #[test]
    fn varied_latencies_stay_between_60_and_140_ms_and_vary() {
        let mut seen = std::collections::BTreeSet::new();
        for a in 0..50 {
            for b in 0..50 {
                let t = varied_latency(a, b);
                assert!(
                    Time::from_ms(60) <= t && t <= Time::from_ms(140),
                    "{a}-{b}: {t}"
                );
                seen.insert(t);
            }
        }
        assert_eq!(seen.len(), 9, "60, 70, ..., 140 ms");
    }

    #[test]
    fn counts_read_with_thousands_separated() {
        assert_eq!(count(0u64), "0");
        assert_eq!(count(999u64), "999");
        assert_eq!(count(10_000u64), "10,000");
        assert_eq!(count(1_234_567u64), "1,234,567");
        assert_eq!(names(&[PeerId(3)]), "N3");
        assert_eq!(names(&[PeerId(3), PeerId(5)]), "N3 and N5");
        assert_eq!(names(&[PeerId(3), PeerId(5), PeerId(8)]), "N3, N5 and N8");
        assert_eq!(
            names(&(9..=16).map(PeerId).collect::<Vec<_>>()),
            "N9 to N16"
        );
    }

    #[test]
    fn the_catalogue_and_the_lessons_agree() {
        for (n, info) in CATALOGUE.iter().enumerate() {
            assert_eq!(info.number as usize, n + 1);
        }
        assert!(lesson("no-such-lesson").is_none());
    }

    #[test]
    fn every_lesson_opens_and_every_do_it_runs() {
        for info in CATALOGUE {
            let lesson = lesson_of(info.id);
            assert_eq!((lesson.number, lesson.title), (info.number, info.title));
            assert!((3..=6).contains(&lesson.steps.len()), "{}", lesson.id);
            assert!(
                (2..=4).contains(&lesson.things_to_try.len()),
                "{}",
                lesson.id
            );
            assert!(lesson.steps.iter().all(|s| !s.commands.is_empty()));
            let mut state = opened(&lesson);
            for i in 0..lesson.steps.len() {
                do_it(&mut state, &lesson, i);
            }
        }
    }

    #[test]
    fn lesson_1_reaches_all_six_and_hops_are_distances() {
        let lesson = lesson_of("gossip-basics");
        let mut state = opened(&lesson);
        do_it(&mut state, &lesson, 0);
        assert!(state.is_playing(), "the first broadcast is watched");
        do_it(&mut state, &lesson, 1);
        assert_eq!(reached(&state), 6);
        let net = state.network().clone();
        let distances = graph::hop_distances(&net, PeerId(0), |p| p.relays());
        for p in net.peer_ids() {
            assert_eq!(
                state.simulation().hops(tx(&state), p),
                distances[p.index()],
                "{p}"
            );
        }
        do_it(&mut state, &lesson, 2);
        let far = state.selected_peers()[0];
        assert!(lesson.steps[2]
            .text
            .contains(&format!("{} hops", distances[far.index()].unwrap())));
    }

    #[test]
    fn lesson_2_the_server_fails_alone_and_the_mesh_survives_any_peer() {
        let lesson = lesson_of("client-server-vs-p2p");
        let mut state = opened(&lesson);
        for i in 0..3 {
            do_it(&mut state, &lesson, i);
        }
        assert_eq!(reached(&state), 1, "with the server down, nobody gets it");
        assert_eq!(state.network().n_peers(), CLIENTS as usize + 1);
        for i in 3..6 {
            do_it(&mut state, &lesson, i);
        }
        assert_eq!(state.network().n_peers(), CLIENTS as usize);
        let online = state
            .network()
            .peers()
            .filter(|p| p.state != PeerState::Offline)
            .count();
        assert_eq!(online, CLIENTS as usize - 1);
        assert_eq!(reached(&state), online, "every other online peer has it");
        // Any one peer of the mesh, not only the chosen one, could go.
        assert!(graph::cut_vertices(state.network()).is_empty());
    }

    #[test]
    fn lesson_3_censoring_the_cut_vertex_cuts_off_exactly_the_peers_behind_it() {
        let lesson = lesson_of("block-one-node");
        let mut state = opened(&lesson);
        let before = state.network().clone();
        do_it(&mut state, &lesson, 0);
        let ordinary = state.selected_peers()[0];
        assert!(!state.cut_vertices().contains(&ordinary));
        do_it(&mut state, &lesson, 1);
        let m = state.simulation().metrics(tx(&state));
        assert_eq!(m.reached, m.reachable);
        assert_eq!(
            m.reached,
            before.n_peers(),
            "censoring {ordinary} changes nothing"
        );
        do_it(&mut state, &lesson, 2);
        let hub = state.selected_peers()[0];
        assert_eq!(state.cut_vertices(), &[hub]);
        assert_eq!(
            state.network().peer(ordinary).unwrap().state,
            PeerState::Online
        );
        do_it(&mut state, &lesson, 3);
        // The peers behind the hub, found independently: the network without it.
        let mut without = before.clone();
        without.remove_peer(hub).unwrap();
        let source = PeerId(0);
        let expected: Vec<PeerId> = graph::components(&without)
            .into_iter()
            .filter(|c| !c.contains(&source))
            .flatten()
            .collect();
        assert_eq!(expected.len(), GROUP as usize);
        let mut got = unreached(&state);
        got.sort();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort();
        assert_eq!(got, expected_sorted);
        assert!(state
            .simulation()
            .unreached(tx(&state))
            .iter()
            .all(|u| u.reason == UnreachedReason::BehindNonRelayingPeer));
        do_it(&mut state, &lesson, 4);
        assert!(expected.contains(&state.selected_peers()[0]));
    }

    #[test]
    fn lesson_4_a_partition_keeps_the_transaction_on_one_side_until_healed() {
        let lesson = lesson_of("partition");
        let mut state = opened(&lesson);
        let n = state.network().n_peers();
        do_it(&mut state, &lesson, 0);
        assert_eq!(reached(&state), n);
        do_it(&mut state, &lesson, 1);
        let Command::CutBetween { side } = &lesson.steps[1].commands[0] else {
            panic!("step 2 cuts the network");
        };
        assert_eq!(graph::components(state.network()).len(), 2);
        do_it(&mut state, &lesson, 2);
        let t = tx(&state);
        let have: Vec<PeerId> = state
            .network()
            .peer_ids()
            .filter(|&p| state.simulation().first_arrival(t, p).is_some())
            .collect();
        assert_eq!(&have, side);
        assert!(state
            .simulation()
            .unreached(t)
            .iter()
            .all(|u| u.reason == UnreachedReason::Partitioned));
        do_it(&mut state, &lesson, 3);
        assert_eq!(graph::components(state.network()).len(), 1);
        assert_eq!(reached(&state), n);
        assert_eq!(
            state.to_scenario().timeline.len(),
            1,
            "healed: only the last broadcast is left"
        );
    }

    #[test]
    fn lesson_5_nat_peers_refuse_inbound_and_lonely_ones_stay_unreached() {
        let lesson = lesson_of("nat-peers");
        let mut state = opened(&lesson);
        let links = state.network().n_links();
        do_it(&mut state, &lesson, 0);
        let message = state.message().expect("the link is refused").to_string();
        assert!(message.contains("is unreachable (behind NAT) and accepts no inbound links"));
        assert_eq!(state.network().n_links(), links);
        do_it(&mut state, &lesson, 1);
        assert_eq!(reached(&state), state.network().n_peers());
        do_it(&mut state, &lesson, 2);
        let lonely = isolated(state.network());
        assert!(!lonely.is_empty());
        do_it(&mut state, &lesson, 3);
        assert_eq!(unreached(&state), lonely);
        assert!(state
            .simulation()
            .unreached(tx(&state))
            .iter()
            .all(|u| u.reason == UnreachedReason::Partitioned));
        assert!(lonely
            .iter()
            .all(|&p| !state.network().peer(p).unwrap().reachable));
    }

    #[test]
    fn lesson_6_a_light_peer_receives_but_does_not_relay() {
        let lesson = lesson_of("node-roles");
        let mut state = opened(&lesson);
        do_it(&mut state, &lesson, 0);
        let light = state.selected_peers()[0];
        assert_eq!(state.network().peer(light).unwrap().role, Role::Light);
        do_it(&mut state, &lesson, 1);
        let t = tx(&state);
        assert_eq!(reached(&state), state.network().n_peers());
        assert!(state
            .network()
            .peer_ids()
            .all(|p| state.simulation().parent(t, p) != Some(light)));
        do_it(&mut state, &lesson, 2);
        do_it(&mut state, &lesson, 3);
        let right: Vec<PeerId> = (GROUP + 1..=2 * GROUP).map(PeerId).collect();
        let cut_off: Vec<_> = state.simulation().unreached(tx(&state));
        let behind: Vec<PeerId> = cut_off
            .iter()
            .filter(|u| u.reason == UnreachedReason::BehindNonRelayingPeer)
            .map(|u| u.id)
            .collect();
        assert_eq!(behind, right);
        do_it(&mut state, &lesson, 4);
        assert_eq!(reached(&state), state.network().n_peers() - 1);
    }

    #[test]
    fn lesson_7_reaches_ten_thousand_peers_in_the_hops_it_says() {
        let lesson = lesson_of("bitcoin-scale");
        let mut state = opened(&lesson);
        assert_eq!(state.network().n_peers(), 10_000);
        do_it(&mut state, &lesson, 0);
        do_it(&mut state, &lesson, 1);
        assert_eq!(reached(&state), 10_000);
        let t = tx(&state);
        let max_hops = state
            .network()
            .peer_ids()
            .filter_map(|p| state.simulation().hops(t, p))
            .max()
            .unwrap();
        assert!(lesson.steps[1]
            .text
            .contains(&format!("more than {max_hops} hops")));
        do_it(&mut state, &lesson, 2);
        let far = state.selected_peers()[0];
        assert_eq!(state.simulation().hops(t, far), Some(max_hops));
        do_it(&mut state, &lesson, 3);
        assert!(state.is_playing(), "the replay plays");
    }

    #[test]
    fn lesson_8_the_eclipsed_victim_never_sees_the_honest_transaction() {
        let lesson = lesson_of("eclipse-attack");
        let mut state = opened(&lesson);
        do_it(&mut state, &lesson, 0);
        let victim = state.selected_peers()[0];
        let counts = state.network().link_counts(victim);
        let limits = state.network().limits();
        assert_eq!(
            (counts.outbound, counts.inbound),
            (limits.max_outbound, limits.max_inbound)
        );
        do_it(&mut state, &lesson, 1);
        assert!(state.message().unwrap().contains("inbound links"));
        do_it(&mut state, &lesson, 2);
        assert_eq!(unreached(&state), vec![victim]);
        do_it(&mut state, &lesson, 3);
        assert_eq!(unreached(&state), Vec::<PeerId>::new());
    }

    #[test]
    fn lesson_9_compares_three_policies() {
        let lesson = lesson_of("relay-policies");
        let mut state = opened(&lesson);
        assert!(state.comparison().is_empty());
        do_it(&mut state, &lesson, 0);
        let c = state.comparison();
        let names: Vec<&str> = c.iter().map(|c| c.relay.as_str()).collect();
        assert_eq!(names, ["flood", "bitcoin", "push"]);
        let (flood, bitcoin, push) = (&c[0].metrics, &c[1].metrics, &c[2].metrics);
        let n = state.network().n_peers();
        assert_eq!(flood.reached, n);
        assert_eq!(bitcoin.reached, n);
        // Flood, every peer online and relaying: each peer sends over every link but the one
        // it heard on, the source over all of them.
        let links = state.network().n_links();
        assert_eq!(flood.messages, 2 * links as u64 - (n as u64 - 1));
        assert!(flood.messages_by_kind.tx > bitcoin.messages_by_kind.tx);
        assert!(flood.messages > bitcoin.messages && flood.messages > push.messages);
        assert!(push.messages_by_kind.tx > bitcoin.messages_by_kind.tx);
        assert!(flood.t100_ms.unwrap() < bitcoin.t100_ms.unwrap());
        assert!(c
            .iter()
            .all(|c| c.coverage.last().map(|l| l.1) == Some(c.metrics.reached)));
        // The narration quotes the numbers of the run.
        assert!(lesson.steps[0]
            .text
            .contains(&format!("{} messages", count(flood.messages))));
        do_it(&mut state, &lesson, 1);
        do_it(&mut state, &lesson, 2);
        assert_eq!(state.relay().name(), "bitcoin");
        do_it(&mut state, &lesson, 3);
        assert_eq!(state.relay().name(), "push");
        assert_eq!(state.comparison().len(), 3, "the comparison stays");
    }
}
