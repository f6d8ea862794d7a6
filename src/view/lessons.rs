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
use crate::sim::error::OrPanic;
use crate::sim::generate::Topology;
use crate::sim::graph;
use crate::sim::join::{self, JoinOutcome};
use crate::sim::latency::LatencyModel;
use crate::sim::network::{EditError, Limits, LinkKind, Network, PeerId, PeerState, Role};
use crate::sim::relay::{ClientServerParams, RelayPolicy};
use crate::sim::scenario::Scenario;
use crate::sim::time::Time;
use crate::view::presets;
use crate::view::state::{compare_relays, join_seed, Command};

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
    /// Open questions to explore after the last step (2 to 4), with answers for the teacher.
    pub things_to_try: Vec<Try>,
}

/// One step of a lesson: predict, then observe.
///
/// The class reads [`Step::action`] and answers [`Step::question`] before the
/// step is carried out; [`Step::result`] is shown once it has been.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What the step does, without its outcome: "Censor N4".
    pub action: String,
    /// What the class is asked to predict first.
    pub question: String,
    /// What happened: the answer, computed from the lesson's own network.
    ///
    /// Where a step shows a refusal on purpose, this quotes the message the app gives.
    pub result: String,
    /// What its "Do it" button dispatches, in order, to the state the step before left.
    pub commands: Vec<Command>,
}

/// A thing to try after the last step, with what the teacher can expect.
#[derive(Clone, Debug, PartialEq)]
pub struct Try {
    /// The challenge, as the class reads it.
    pub question: String,
    /// What happens, for the teacher's guide.
    pub answer: String,
}

/// Where a class stands in a lesson, and what its buttons dispatch.
///
/// "Do it" on step `n` brings the app to the state after step `n`, whatever
/// came before: straight after step `n - 1` it carries out step `n`'s commands
/// (the class's own edits in between stay); otherwise it opens the lesson again
/// and carries out steps 1 to `n`. Pressing a step twice, or steps out of
/// order, therefore always ends where following the steps in order would.
#[derive(Clone, Debug, PartialEq)]
pub struct Tour {
    lesson: Lesson,
    done: usize,
    /// Whether the app is known to be in the state after step `done`: false
    /// once something outside the lesson (another network, an undo, a stop)
    /// may have changed it, so the next step starts the lesson over.
    on_track: bool,
}

/// How a lesson is shown as it opens, after its network: nothing highlighted, no
/// quiet time skipped.
pub fn display_as_opened() -> [Command; 2] {
    [Command::ShowCutVertices(false), Command::SkipQuiet(false)]
}

impl Tour {
    /// A lesson not yet begun, its network just opened.
    pub fn new(lesson: Lesson) -> Tour {
        Tour {
            lesson,
            done: 0,
            on_track: true,
        }
    }

    /// Something outside the lesson changed the app (another network, an undo,
    /// long work stopped): the next step opens the lesson again first.
    pub fn lose_track(&mut self) {
        self.on_track = false;
    }

    /// Takes note of a command the user gave outside the lesson's steps: one that may change
    /// the state the steps assume (another network or seed, undo, redo, a stop, other limits)
    /// loses track; selecting, playing and editing within the lesson do not.
    pub fn notice(&mut self, command: &Command) {
        let off_track = matches!(
            command,
            Command::LoadPreset(_)
                | Command::LoadScenario(_)
                | Command::SetSeed(_)
                | Command::Generate { .. }
                | Command::Undo
                | Command::Redo
                | Command::Cancel
                | Command::SetLimits(_)
        );
        if off_track {
            self.lose_track();
        }
    }

    /// Whether the app is in the state the steps done so far leave.
    pub fn on_track(&self) -> bool {
        self.on_track
    }

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    /// How many steps have been carried out (0 before the first).
    pub fn done(&self) -> usize {
        self.done
    }

    /// The step to do next (from 1), or `None` after the last.
    pub fn next_step(&self) -> Option<usize> {
        (self.done < self.lesson.steps.len()).then_some(self.done + 1)
    }

    /// What brings the app to the state after step `n` (from 1; 0 is the
    /// lesson as it opens); `None` past the last step.
    pub fn go_to(&mut self, n: usize) -> Option<Command> {
        if n > self.lesson.steps.len() {
            return None;
        }
        let commands = if n >= 1 && n == self.done + 1 && self.on_track {
            self.lesson.steps[n - 1].commands.clone()
        } else {
            let mut all = vec![self.lesson.open.clone()];
            all.extend(display_as_opened());
            for step in &self.lesson.steps[..n] {
                all.extend(step.commands.iter().cloned());
            }
            all
        };
        self.done = n;
        self.on_track = true;
        Some(Command::Run(commands))
    }

    /// The next step; `None` after the last.
    pub fn forward(&mut self) -> Option<Command> {
        self.go_to(self.done + 1)
    }

    /// Back to the state after the step before; `None` before the first.
    pub fn back(&mut self) -> Option<Command> {
        let n = self.done.checked_sub(1)?;
        self.go_to(n)
    }

    /// The lesson's network as it opens, no step done.
    pub fn restart(&mut self) -> Command {
        self.go_to(0).expect("step 0 always exists")
    }
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
type Parts = (String, Command, Vec<Step>, Vec<Try>);

// ---- Helpers ----------------------------------------------------------------------------------

fn step(
    action: impl Into<String>,
    question: impl Into<String>,
    result: impl Into<String>,
    commands: Vec<Command>,
) -> Step {
    Step {
        action: action.into(),
        question: question.into(),
        result: result.into(),
        commands,
    }
}

fn tries(items: &[(&str, &str)]) -> Vec<Try> {
    items
        .iter()
        .map(|(question, answer)| Try {
            question: question.to_string(),
            answer: answer.to_string(),
        })
        .collect()
}

fn set_state(peer: PeerId, state: PeerState) -> Command {
    Command::SetPeerState { peer, state }
}

fn select(peer: PeerId) -> Command {
    Command::SelectPeer {
        peer,
        additive: false,
    }
}

/// Clears earlier transactions (the edits stay), then selects `peer`,
/// broadcasts from it and runs the spread to its end: one transaction on screen.
fn broadcast_and_finish(peer: PeerId) -> Vec<Command> {
    vec![
        Command::Reset,
        select(peer),
        Command::Broadcast,
        Command::Finish,
    ]
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
        .or_panic("a lesson's scenario builds")
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
    .or_panic("a lesson's link fits");
}

/// Adds `size` reachable full peers from id `first`, each linked to the next two (a ring lattice).
fn add_group(net: &mut Network, first: u32, size: u32) {
    for _ in 0..size {
        net.add_peer(Role::Full, true).or_panic("a peer fits");
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
    let hub = net.add_peer(Role::Full, true).or_panic("a peer fits").0;
    add_group(&mut net, size + 1, size);
    for target in [0, size / 2, size + 1, size + 1 + size / 2] {
        link(&mut net, hub, target);
    }
    net
}

/// Runs one transaction from `source` to its end under `relay`, without tracing.
fn run(net: &Network, relay: RelayPolicy, seed: u64, source: PeerId) -> Simulation {
    let mut sim = Simulation::new(net.clone(), relay, seed).or_panic("a lesson's policy is valid");
    sim.broadcast(source).or_panic("a lesson's source can send");
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
    let n = net.n_peers();
    let far = farthest[0];
    let steps = vec![
        step(
            format!("Select {source} and press Broadcast. Watch the dots travel along the links."),
            "Which peers will hear of the transaction first?",
            format!(
                "Its neighbours {}, one link away, light up first and pass it on.",
                names(&neighbours)
            ),
            vec![select(source), Command::Broadcast, Command::Play],
        ),
        step(
            "Press Finish to run the spread to its end.",
            format!("Will all {n} peers get it? Will some peer get it more than once?"),
            format!(
                "All {n} peers have it. Copies that reach a peer that has seen the transaction \
                 already flash grey and are dropped: that memory, the seen set, stops the flood."
            ),
            vec![Command::Finish],
        ),
        step(
            format!(
                "The number on each peer is its hop count: the links the transaction crossed to \
                 get there. Click {far}."
            ),
            format!("How many hops from {source} is {far}?"),
            format!("{farthest_hops} hops: no peer is farther from {source}."),
            vec![select(far)],
        ),
        step(
            "Count the cost in the statistics, then press Replay to watch the same run again.",
            format!("How many messages did it take to reach {n} peers, and how many were wasted?"),
            format!(
                "{} messages; {} of them reached a peer that had already seen the transaction.",
                m.messages, m.redundant
            ),
            vec![Command::Replay],
        ),
    ];
    let things = tries(&[
        (
            "Broadcast from another peer: are the hop numbers the same?",
            "No: a hop count is measured from the source, so the numbers change with it, and \
             so may the farthest peer.",
        ),
        (
            "Remove a link and broadcast again: which hop numbers change?",
            "Peers whose copy came over that link (and those it reached through them) get it \
             another way, often with more hops; if the link was a bridge, the peers beyond it \
             are cut off.",
        ),
        (
            "Add a peer and link it to two others: how many hops away does it end up?",
            "One more than the hop count of whichever of the two passed it on first, usually \
             the nearer one.",
        ),
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
    let mesh_links = mesh_net.degree(mesh_source);
    let intro = format!(
        "The same {CLIENTS} computers, linked two ways. As clients of a server, every message \
         goes through the server: it is a single point of failure (and of censorship). As \
         peers, each one talks to several others directly; in a well-linked mesh like this \
         lesson's, no single peer matters."
    );
    let steps = vec![
        step(
            format!(
                "Load the client-server network: {CLIENTS} clients, each linked only to the \
                 server {server}."
            ),
            "How many links does a message from one client to another cross?",
            format!("Two: client to {server}, then {server} to the other client."),
            vec![open(star.clone())],
        ),
        step(
            format!("Take the server {server} down (offline)."),
            "If a client broadcasts now, who will hear of it?",
            format!("{server} is grey: offline, it neither receives nor relays."),
            vec![set_state(server, PeerState::Offline)],
        ),
        step(
            format!("Broadcast from client {client} and finish."),
            format!("How many of the other {} clients get it?", CLIENTS - 1),
            "None: every path goes through the server. One failure stopped everything.",
            broadcast_and_finish(client),
        ),
        step(
            format!(
                "Now load the same {CLIENTS} computers as a peer-to-peer mesh (flood relay), \
                 each linked to a few others."
            ),
            "Which peer plays the server's part now?",
            format!(
                "None: every peer relays for the others ({mesh_source} has {mesh_links} links). \
                 This mesh has no single point of failure: no peer whose loss splits it."
            ),
            vec![open(mesh)],
        ),
        step(
            format!(
                "Take down the best-connected peer, {down}, with {} links.",
                mesh_net.degree(down)
            ),
            "If another peer broadcasts now, who will miss it?",
            format!("{down} is offline."),
            vec![set_state(down, PeerState::Offline)],
        ),
        step(
            format!("Broadcast from {mesh_source} and finish."),
            format!("How many of the {} peers still online get it?", CLIENTS - 1),
            format!(
                "All {}: in this mesh no single peer's failure stops a transaction. That is a \
                 property of this mesh, not of every peer-to-peer network: lesson 3 shows one \
                 where a single peer matters.",
                CLIENTS - 1
            ),
            broadcast_and_finish(mesh_source),
        ),
    ];
    let things = tries(&[
        (
            "Take down a second, then a third peer of the mesh: when does someone miss out?",
            "When the peers taken down include every neighbour of some peer, or together split \
             the mesh. To see it coming, remove peers instead: \"Show single points of failure\" \
             then marks the peers whose loss would split what is left.",
        ),
        (
            "In the star, censor the server instead of taking it down: what do the clients see?",
            "The same as with the server down: the server receives every transaction and passes \
             none on, so no other client hears of one. Censorship needs only the one server.",
        ),
        (
            "Compare the messages each network needed to reach everyone.",
            "The star needs one message per client (the server forwards to each once); the \
             flooding mesh sends over nearly every link in both directions, many of them copies.",
        ),
    ]);
    (intro, open(star), steps, things)
}

// ---- 3. Block one node ------------------------------------------------------------------------

/// Peers in each group of lessons 3 and 6.
const GROUP: u32 = 8;

/// Lesson 3's network: [`two_groups`], and a newcomer whose one link goes to
/// the hub, so that link is a bridge (and the hub stays the only cut vertex).
fn groups_and_a_bridge() -> Network {
    let mut net = two_groups(GROUP);
    let newcomer = net.add_peer(Role::Full, true).or_panic("a peer fits");
    link(&mut net, newcomer.0, GROUP);
    net
}

fn block_one_node() -> Parts {
    let net = groups_and_a_bridge();
    let cut = graph::cut_vertices(&net);
    let hub = cut[0];
    let bridge = net
        .link(graph::bridges(&net)[0])
        .expect("the bridge exists")
        .clone();
    let source = PeerId(0);
    // A well-connected peer of the source's group that is no single point of failure.
    let ordinary = PeerId(GROUP / 2 - 1);
    let behind = peers_cut_off(&net, hub, source);
    let scenario = explicit(
        &net,
        1,
        RelayPolicy::Flood,
        LatencyModel::Constant { ms: 100.0 },
    );
    let newcomer = bridge.other(hub);
    let intro = format!(
        "Two groups of {GROUP} peers, well linked inside, and one peer between them, {hub}; \
         a newcomer, {newcomer}, has linked to {hub} alone. A censoring peer still receives transactions but never passes them on: the classroom's \
         \"blocked node\". Does blocking one node stop a transaction?"
    );
    let steps = vec![
        step(
            format!("Censor {ordinary}: it will receive transactions but relay none."),
            format!("If {source} broadcasts, who will miss the transaction?"),
            format!("{ordinary} has an orange ring: it is censoring."),
            vec![set_state(ordinary, PeerState::Censoring)],
        ),
        step(
            format!("Broadcast from {source} and finish."),
            "Who misses it?",
            format!(
                "Nobody: every peer gets it; the gossip goes around {ordinary} along other \
                 paths. Blocking this node had no effect."
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Turn on \"Show single points of failure\", stop censoring {ordinary} and \
                 censor {hub} instead."
            ),
            "Which peer will be highlighted as a single point of failure, and why that one?",
            format!(
                "{hub}: the only peer joining the two groups, a cut vertex. Its link to \
                 {newcomer} is highlighted too: a bridge, a link whose loss splits the network."
            ),
            vec![
                Command::ShowCutVertices(true),
                set_state(ordinary, PeerState::Online),
                set_state(hub, PeerState::Censoring),
                select(hub),
            ],
        ),
        step(
            format!("Broadcast from {source} again and finish."),
            "Now who misses it?",
            format!(
                "Exactly the {} peers behind {hub} ({}) never get it: blocking one node \
                 matters when it is a cut vertex.",
                behind.len(),
                names(&behind)
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!("Click {}.", behind[0]),
            format!("Why did {} never get the transaction?", behind[0]),
            format!(
                "Every online path from {source} to {} passes through {hub}, which is censoring.",
                behind[0]
            ),
            vec![select(behind[0])],
        ),
    ];
    let mut without_bridge = net.clone();
    without_bridge
        .remove_link(bridge.id)
        .or_panic("the bridge exists");
    let beyond: Vec<PeerId> = {
        let mut side: Vec<PeerId> = graph::components(&without_bridge)
            .into_iter()
            .filter(|c| !c.contains(&source))
            .flatten()
            .collect();
        side.sort();
        side
    };
    let things = vec![
        Try {
            question: "Link a peer of the left group to one of the right group: is anyone still \
                       cut off?"
                .into(),
            answer: format!(
                "Only the newcomer {newcomer}, whose one link goes to {hub}: the new link is a \
                 second way between the groups, so censoring {hub} no longer cuts off a group."
            ),
        },
        Try {
            question: "Find the bridge (a link whose loss splits the network) and remove it: \
                       who is cut off?"
                .into(),
            answer: format!(
                "The link between {} and {}; removing it leaves {} unable to hear from \
                 {source}.",
                bridge.from,
                bridge.to,
                match beyond.len() {
                    1 => beyond[0].to_string(),
                    n => format!("{} ({n} peers)", names(&beyond)),
                }
            ),
        },
        Try {
            question: "Censor two ordinary peers at once: can you cut someone off without \
                       touching the hub?"
                .into(),
            answer: format!(
                "Yes: censor {} and {}, the two peers {hub} links to in the far group, and \
                 the rest of that group is cut off. Any other two leave everyone joined: \
                 inside a group every peer is linked to four others.",
                PeerId(GROUP + 1),
                PeerId(GROUP + 1 + GROUP / 2)
            ),
        },
    ];
    (intro, open(scenario), steps, things)
}

/// The peers `source` can no longer reach once `blocked` is removed, ascending.
fn peers_cut_off(net: &Network, blocked: PeerId, source: PeerId) -> Vec<PeerId> {
    let mut without = net.clone();
    without.remove_peer(blocked).or_panic("the peer exists");
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
            cut.remove_link(id).or_panic("the link exists");
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
    let n = net.n_peers();
    let mut heal = vec![open(scenario.clone())];
    heal.extend(broadcast_and_finish(source));
    let steps = vec![
        step(
            format!("Broadcast from {source} and finish."),
            "Will every peer of both regions get it?",
            format!("Yes: all {n} peers get it, over the {crossing} links between the regions."),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Cut the network in two: remove the {crossing} links between {source}'s region \
                 ({} peers) and the other ({other} peers).",
                side.len()
            ),
            format!("If {source} broadcasts now, who will get it?"),
            "The network has fallen in two: a partition.",
            vec![Command::CutBetween { side: side.clone() }],
        ),
        step(
            format!("Broadcast from {source} again and finish."),
            "How many peers get it?",
            format!(
                "Only the {} peers of its own side; the {other} on the other side are \
                 partitioned and never hear of it.",
                side.len()
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Heal the partition: back to the network as it was, with its {crossing} links \
                 between the regions. Broadcast from {source} and finish."
            ),
            "Will everyone get it again?",
            format!("Yes: all {n} peers have it again."),
            heal,
        ),
    ];
    let things = vec![Try {
        question: "Select some peers and cut them off: how few links hold a group to the rest?"
            .into(),
        answer: format!(
            "Watch the link count in the statistics drop by the links the cut removes. Only \
             {crossing} links held this lesson's two regions together, which is why a split \
             between regions or countries is a real risk."
        ),
    }];
    let things = [
        tries(&[
            (
                "After the cut, add back a single link between the sides: is one enough?",
                "Yes: one link joins the halves again and every peer gets the transaction, \
             though that link is now a bridge, a single point of failure.",
            ),
            (
                "Broadcast on each side during the partition: two transactions, two halves that \
             disagree.",
                "Each half hears only of its own transaction. In Bitcoin two such halves can \
             accept conflicting transactions, and build two chains, until they are joined again.",
            ),
        ]),
        things,
    ]
    .concat();
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
    let n = net.n_peers();
    let (newcomer, join_result) = watch_join(&scarce_net, scarce.seed, &scarce.latency_model());
    let intro = format!(
        "Most Bitcoin nodes accept no incoming connections: they sit behind NAT (a home \
         router) or a firewall, have listening turned off, or run over Tor alone. They are \
         unreachable: they open links to others but accept none. A node becomes reachable by \
         forwarding a port on its router, by running on a hosted server, or as a Tor onion \
         service. Bitcoin Core dropped UPnP in version 29.0; since 30.0 it asks the router for \
         a port mapping itself (PCP or NAT-PMP) by default. In this network {} of {n} peers \
         are unreachable. They still take full part, through their outbound links.",
        unreachable.len(),
    );
    let steps =
        vec![
        step(
            format!("Try to link {reachable} to the unreachable {nat}."),
            "Will the link be made?",
            format!("No, the app refuses: \"{refusal}\"."),
            vec![Command::AddLink {
                from: reachable,
                to: nat,
            }],
        ),
        step(
            format!("Broadcast from the unreachable {nat} and finish."),
            "Can a peer that accepts no links get its own transaction out?",
            format!(
                "Yes: it goes out through the {} links {nat} opened, and all {n} peers get it.",
                net.degree(nat)
            ),
            broadcast_and_finish(nat),
        ),
        step(
            format!(
                "Load a network where the {scarce_reachable} reachable peers take only {} \
                 inbound links each, and each peer tries to open {}.",
                SCARCE.max_inbound, SCARCE.max_outbound
            ),
            "What happens to the unreachable peers that come last, once the free slots run out?",
            format!(
                "{} found no free slot: {} no links at all.",
                names(&lonely),
                if lonely.len() == 1 { "it has" } else { "they have" }
            ),
            vec![open(scarce)],
        ),
        step(
            "Broadcast from N0 and finish.",
            "Who misses it?",
            format!(
                "{}: with no links, nothing can reach {}.",
                names(&lonely),
                if lonely.len() == 1 { "it" } else { "them" }
            ),
            broadcast_and_finish(PeerId(0)),
        ),
        step(
            format!(
                "Press \"Join a peer\" and watch a new unreachable node, {newcomer}, join: it \
                 asks the DNS seeds for addresses, then opens its outbound links one by one."
            ),
            "Will the newcomer find room?",
            join_result,
            vec![Command::JoinPeer { reachable: false }],
        ),
    ];
    let things = tries(&[
        (
            "Make one of the lonely peers reachable, then link another peer to it.",
            "Once reachable it accepts inbound links, so a peer with a free outbound slot can \
             link to it and the next transaction reaches it: that is what forwarding a port \
             does for a real node.",
        ),
        (
            "In the first network, broadcast from a reachable peer, then from an unreachable \
             one: is either farther from the rest?",
            "Hardly: the unreachable peer is one hop from the reachable peers it opened links \
             to, and from there the paths are the same; only the direction in which links \
             were opened differs, and gossip uses links both ways.",
        ),
        (
            "Click a lonely peer: what does the app say about why it was left out?",
            "That it has no links at all: no path of any kind joins it to the source.",
        ),
    ]);
    (intro, open(scenario), steps, things)
}

/// The peer that joins `net` as [`Command::JoinPeer`] adds it, and what its
/// join does, in words: the plan the app will play.
fn watch_join(net: &Network, seed: u64, latency: &LatencyModel) -> (PeerId, String) {
    let mut net = net.clone();
    let newcomer = net.add_peer(Role::Full, false).or_panic("a peer fits");
    let plan = join::plan_join(&net, newcomer, join_seed(seed, newcomer), latency);
    let outcomes: Vec<&JoinOutcome> = plan.attempts.iter().map(|a| &a.outcome).collect();
    let linked = outcomes.iter().filter(|o| o.link().is_some()).count();
    let evicting = outcomes
        .iter()
        .filter(|o| matches!(o, JoinOutcome::LinkedEvicting { .. }))
        .count();
    let refused = outcomes.len() - linked;
    let mut result = format!(
        "The seeds name {} peers that accept links, and {newcomer} tries {} of them",
        plan.addresses.len(),
        outcomes.len()
    );
    result += &match linked {
        0 => ": every one refuses".to_string(),
        n => format!(": {n} accept"),
    };
    if evicting > 0 {
        result += &format!(" ({evicting} after evicting one of their inbound peers)");
    }
    if refused > 0 {
        if linked > 0 {
            result += &format!(" and {refused} refuse");
        }
        result += ", as their inbound slots are full and, with so few inbound peers, Bitcoin \
                   Core protects them all from eviction";
    }
    result += &format!(
        ". {newcomer} ends with {linked} outbound link{}.",
        if linked == 1 { "" } else { "s" }
    );
    (newcomer, result)
}

// ---- 6. Node roles ----------------------------------------------------------------------------

fn node_roles() -> Parts {
    let mut net = two_groups(GROUP);
    let bridge = PeerId(GROUP);
    let light = net.add_peer(Role::Light, false).or_panic("a peer fits");
    let (left, right) = (GROUP / 2 - 1, GROUP + 1 + GROUP / 2 - 1);
    link(&mut net, light.0, left);
    link(&mut net, light.0, right);
    let miners = [PeerId(2), PeerId(GROUP + 3)];
    let archival = [PeerId(5), PeerId(GROUP + 6)];
    for p in miners {
        net.set_role(p, Role::Mining).or_panic("the peer exists");
    }
    for p in archival {
        net.set_role(p, Role::Archival).or_panic("the peer exists");
    }
    let right_group: Vec<PeerId> = (GROUP + 1..=2 * GROUP).map(PeerId).collect();
    let source = PeerId(0);
    let scenario = explicit(
        &net,
        1,
        RelayPolicy::Flood,
        LatencyModel::Constant { ms: 100.0 },
    );
    let intro = "Not all nodes are equal. Full nodes check every transaction and relay it. \
         Bitcoin Core keeps the whole block history by default (an archival node, which others \
         can download the chain from); a pruned node deletes old blocks but still checks and \
         relays. Mining nodes also build blocks. Light wallets, like phone wallets, open a few \
         links, accept none and relay nothing. In this model a light peer receives every \
         transaction; real ones mostly do not: wallets that use compact block filters (BIP 157 \
         and 158) learn of a payment from the filters of blocks, so only once it is in a block, \
         and bloom-filter wallets (BIP 37) get only the transactions that match their filter; \
         Bitcoin Core stopped serving bloom filters by default in 0.19."
        .to_string();
    let steps = vec![
        step(
            format!(
                "Find the roles by colour: {} mine, {} are archival, and {light} is light: \
                 select it.",
                names(&miners),
                names(&archival)
            ),
            format!("Whom is {light} linked to, and who opened those links?"),
            format!(
                "{light} opened links to {} and {}, and accepts none.",
                PeerId(left),
                PeerId(right)
            ),
            vec![select(light)],
        ),
        step(
            format!("Broadcast from {source} and finish."),
            format!("Does {light} get it? Does anyone get it from {light}?"),
            format!(
                "Every peer gets it, {light} too, but {light} passes it to nobody. Miners and \
                 archival peers relay like any full peer: for transactions they are the same."
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!("Take {bridge} offline."),
            "How are the two groups joined now?",
            format!("Only through the light peer {light}."),
            vec![set_state(bridge, PeerState::Offline)],
        ),
        step(
            format!("Broadcast from {source} again and finish."),
            "Will the right-hand group hear of it?",
            format!(
                "No: {} never get it; the only path runs through {light}, which receives but \
                 does not relay.",
                names(&right_group)
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!("Make {light} a full peer, broadcast again and finish."),
            "Now?",
            format!(
                "Now {light} relays, and the right-hand group hears of the transaction through \
                 it. Every peer but the offline {bridge} has it."
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
    let things = tries(&[
        (
            "Broadcast from the light peer: does its own transaction get out?",
            "Yes: a light wallet sends its own transactions to the peers it is linked to, and \
             they relay them; it only never relays other people's.",
        ),
        (
            "Try to link a full peer to the light peer: why is it refused?",
            "A light peer here is unreachable: it opens links but accepts none, like a phone \
             behind a mobile network.",
        ),
        (
            "Make a miner censor: does the network notice?",
            "Not here: every group is well linked, so the gossip goes around it. A censoring \
             miner matters for what goes into its blocks, which this model does not show.",
        ),
    ]);
    (intro, open(scenario), steps, things)
}

// ---- 7. Bitcoin scale -------------------------------------------------------------------------

/// What lesson 7 quotes of its run: Bitcoin's relay from N0 over its 10,000
/// peers, and a flood over the same network for comparison.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ScaleRun {
    reached: usize,
    t50_ms: f64,
    t100_ms: f64,
    messages: u64,
    tx_bodies: u64,
    flood_t100_ms: f64,
    flood_tx_bodies: u64,
    max_hops: u32,
    /// The most common hop count, and how many peers have it.
    typical_hops: u32,
    at_typical: usize,
    /// The lowest-numbered peer at `max_hops`.
    farthest: u32,
}

/// Lesson 7's numbers, measured once (two runs over 10,000 peers take too long
/// to repeat each time a class opens the lesson in a browser tab); a test
/// measures them again with [`measure_scale`] and checks every one.
const SCALE_RUN: ScaleRun = ScaleRun {
    reached: 10_000,
    t50_ms: 8910.208,
    t100_ms: 14344.069,
    messages: 101_631,
    tx_bodies: 9_999,
    flood_t100_ms: 340.625,
    flood_tx_bodies: 150_001,
    max_hops: 9,
    typical_hops: 5,
    at_typical: 3_203,
    farthest: 872,
};

/// Lesson 7's scenario: the 10,000-peer preset with Bitcoin's relay.
fn scale_scenario() -> Scenario {
    let mut scenario = presets::scenario("bitcoin-10000", 1).expect("preset");
    scenario.relay = RelayPolicy::from_name("bitcoin").or_panic("a policy");
    scenario
}

/// Runs lesson 7's two simulations and reads off what it quotes.
#[cfg(test)]
fn measure_scale(net: &Network, scenario: &Scenario) -> ScaleRun {
    let source = PeerId(0);
    let tx = crate::sim::engine::TxId(0);
    let sim = run(net, scenario.relay.clone(), scenario.seed, source);
    let m = sim.metrics(tx);
    let flood = run(net, RelayPolicy::Flood, scenario.seed, source).metrics(tx);
    let hops: Vec<u32> = net.peer_ids().filter_map(|p| sim.hops(tx, p)).collect();
    let max_hops = hops.iter().copied().max().unwrap_or(0);
    let mut histogram = vec![0usize; max_hops as usize + 1];
    for &h in &hops {
        histogram[h as usize] += 1;
    }
    let (typical, &at_typical) = histogram
        .iter()
        .enumerate()
        .max_by_key(|&(h, &n)| (n, std::cmp::Reverse(h)))
        .expect("the source has hop 0");
    let farthest = net
        .peer_ids()
        .find(|&p| sim.hops(tx, p) == Some(max_hops))
        .expect("some peer is farthest");
    ScaleRun {
        reached: m.reached,
        t50_ms: m.t50_ms.expect("half reached"),
        t100_ms: m.t100_ms.expect("all reached"),
        messages: m.messages,
        tx_bodies: m.messages_by_kind.tx,
        flood_t100_ms: flood.t100_ms.expect("all reached"),
        flood_tx_bodies: flood.messages_by_kind.tx,
        max_hops,
        typical_hops: typical as u32,
        at_typical,
        farthest: farthest.0,
    }
}

fn bitcoin_scale() -> Parts {
    let scenario = scale_scenario();
    let net = built(&scenario);
    let source = PeerId(0);
    let numbers = SCALE_RUN;
    let max_hops = numbers.max_hops;
    let typical = numbers.typical_hops;
    let farthest = PeerId(numbers.farthest);
    let when = duration;
    let peers = count(net.n_peers() as u64);
    let intro = format!(
        "A network on Bitcoin's scale: {peers} peers, each of which opened {} outbound links to \
         reachable peers ({} links in all). A node knows thousands of addresses but is linked \
         to at most {} peers. This run uses Bitcoin's own relay: a peer \
         announces a transaction (INV), a neighbour that lacks it asks for it (GETDATA), and \
         only then is the transaction itself sent (TX). Announcements wait for random timers: \
         2 s on average towards outbound peers, 5 s towards inbound ones.",
        net.limits().max_outbound,
        count(net.n_links() as u64),
        net.limits().max_total
    );
    let steps = vec![
        step(
            format!("Select {source}."),
            format!("How many of the {peers} peers is {source} linked to?"),
            format!(
                "{}: everything it sends goes out over those links.",
                net.degree(source)
            ),
            vec![select(source)],
        ),
        step(
            format!("Broadcast from {source} and finish."),
            format!(
                "How long will the transaction take to reach every peer? (Sent on at once, \
                 with no timers, it would take {}.)",
                when(numbers.flood_t100_ms)
            ),
            format!(
                "All {} peers have it after {}, half of them after {}, and no peer is more \
                 than {max_hops} hops away. The timers cost time on purpose: they make it \
                 harder to tell which peer sent a transaction first, and let a peer announce \
                 many transactions in one message.",
                count(numbers.reached as u64),
                when(numbers.t100_ms),
                when(numbers.t50_ms)
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!("Look at the hop numbers, then click {farthest}."),
            format!("How many hops from {source} is {farthest}?"),
            format!(
                "{max_hops}, the most of any peer; most peers ({} of them) got the transaction \
                 in {typical} hops.",
                count(numbers.at_typical as u64)
            ),
            vec![select(farthest)],
        ),
        step(
            "Turn on \"Skip quiet time\" and press Replay.",
            "While nothing moves on screen, where is the transaction?",
            format!(
                "Waiting in the peers' queues for their announcement timers; skipping quiet \
                 time jumps the clock over those waits and says how much it skipped. The run \
                 took {} messages, but only {} transaction bodies: the small announcements go \
                 everywhere, the transaction itself about once per peer.",
                count(numbers.messages),
                count(numbers.tx_bodies)
            ),
            vec![Command::SkipQuiet(true), Command::Replay],
        ),
    ];
    let things = tries(&[
        (
            "Switch to flood relay and finish: how much faster, and how many more transaction \
             bodies?",
            &format!(
                "Flood reaches everyone in {} instead of {}, but sends {} transaction bodies \
                 instead of {}.",
                when(numbers.flood_t100_ms),
                when(numbers.t100_ms),
                count(numbers.flood_tx_bodies),
                count(numbers.tx_bodies)
            ),
        ),
        (
            "Take a hundred peers offline: do the hop numbers change much?",
            "Hardly: every peer has several links, so there are many paths of about the same \
             length.",
        ),
        (
            "Broadcast from an unreachable peer: is it any farther from the rest?",
            "About one hop at most: it reaches the network through the reachable peers it \
             opened links to.",
        ),
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
        "An eclipse attack: attacker peers hold every link of a victim, so everything the \
         victim hears comes through them. Heilman and others showed in 2015 how it is built: \
         the attacker fills the victim's table of known addresses with its own, then waits \
         for the victim to restart, when it reconnects to attackers only. An eclipsed node can \
         be tricked into accepting a double spend, and an eclipsed miner's work can be wasted \
         or used against the rest. Here peers may hold {} outbound and {} inbound links; the \
         victim {victim}'s are all taken by the attackers {}, which censor.",
        ECLIPSE.max_outbound,
        ECLIPSE.max_inbound,
        names(&attackers)
    );
    let steps = vec![
        step(
            format!("Select the victim {victim}."),
            format!("Where do {victim}'s links go?"),
            format!(
                "Its {} outbound links go to {} and its {} inbound links come from {}: all \
                 attackers.",
                ECLIPSE.max_outbound,
                names(out),
                ECLIPSE.max_inbound,
                names(inb)
            ),
            vec![select(victim)],
        ),
        step(
            format!("An honest peer, {honest}, tries to link to {victim}."),
            format!("{victim}'s inbound slots are full. Will it take the honest peer?"),
            format!(
                "No, the app refuses: \"{refusal}\". Bitcoin Core first tries to evict an \
                 inbound peer to make room, but before it picks one it protects some: 4 by \
                 network group, the 8 with the fastest replies, those that sent transactions \
                 or blocks most recently, and the longest connected. With only {} inbound \
                 peers, all are protected, so the newcomer is turned away.",
                ECLIPSE.max_inbound
            ),
            vec![Command::AddLink {
                from: honest,
                to: victim,
            }],
        ),
        step(
            format!("Broadcast from the honest {source} and finish."),
            format!("Will {victim} hear of the honest transaction?"),
            format!(
                "No: every honest peer and every attacker has it; the victim {victim} never \
                 sees it."
            ),
            broadcast_and_finish(source),
        ),
        step(
            format!(
                "Stop {} censoring, broadcast again and finish.",
                attackers[0]
            ),
            "Is one honest link enough?",
            format!(
                "Yes: {victim} hears of the transaction through {}.",
                attackers[0]
            ),
            [
                vec![set_state(attackers[0], PeerState::Online)],
                broadcast_and_finish(source),
            ]
            .concat(),
        ),
    ];
    let things = tries(&[
        (
            "Remove a link an attacker opened to the victim, then link an honest peer to it.",
            "With an inbound slot free, the honest link is made, and the victim hears the next \
             transaction through it: one honest link breaks an eclipse.",
        ),
        (
            "Take an attacker offline instead of stopping it censoring: does the victim hear \
             anything then?",
            "No: an offline attacker passes nothing on either. In this model its link, and \
             so its slot at the victim, stays until it is removed.",
        ),
        (
            "Why does Bitcoin pick its outbound peers from many different networks?",
            "So that an attacker who controls addresses in a few networks (a few /16 address \
             ranges or providers) can fill only a few of a node's outbound slots. Bitcoin Core \
             also keeps anchors (the last block-relay peers, reconnected after a restart), \
             tests old addresses before replacing them, and opens short feeler connections to \
             keep its table of good addresses fresh: all answers to the 2015 attack.",
        ),
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
    let push = &results
        .iter()
        .find(|c| c.relay == "push")
        .expect("push is compared")
        .metrics;
    let push_result = if push.reached < net.n_peers() {
        format!(
            "No: {} of the {} peers never hear of it. Each informed peer pushes to 3 random \
             neighbours a round, for 4 rounds, and the gossip can die out before it reaches \
             everyone.",
            net.n_peers() - push.reached,
            net.n_peers()
        )
    } else {
        format!(
            "This time, yes: all {} peers. But each informed peer pushes to only 3 random \
             neighbours a round, for 4 rounds, so with another network or seed some can be \
             missed.",
            net.n_peers()
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
            format!("Select {source} and press Compare relays."),
            "Which policy will reach every peer first, and which will send the fewest messages?",
            format!(
                "The plot shows each policy's coverage over time. {}; {}; {}.",
                describe("flood", "Flood"),
                describe("bitcoin", "Announce-request"),
                describe("push", "Push gossip")
            ),
            vec![select(source), Command::CompareRelays],
        ),
        step(
            format!("Watch flood relay: broadcast from {source}."),
            "What does every informed peer do at once?",
            "It sends the whole transaction (black dots) over every link but the one it came \
             from.",
            vec![
                Command::SetRelay(RelayPolicy::Flood),
                Command::Reset,
                select(source),
                Command::Broadcast,
                Command::Play,
            ],
        ),
        step(
            "Switch to announce-request, turn on \"Skip quiet time\" and replay.",
            "What will travel first: the transaction, or something smaller?",
            "Small announcements (INV, hollow rings) go first; a peer that lacks the \
             transaction asks for it (GETDATA, small diamonds), and only then does the \
             transaction itself travel. Between them, peers wait for their timers: the clock \
             skips those quiet stretches.",
            vec![
                Command::SetRelay(RelayPolicy::from_name("bitcoin").expect("a policy")),
                Command::SkipQuiet(true),
                Command::Replay,
            ],
        ),
        step(
            "Switch to push gossip and replay.",
            "Will every peer hear of it this time?",
            push_result,
            vec![
                Command::SetRelay(RelayPolicy::from_name("push").expect("a policy")),
                Command::Replay,
            ],
        ),
    ];
    let things = tries(&[
        (
            "Compare again from an unreachable peer: does the ranking change?",
            "Flood stays fastest whatever the source: it sends on every link at once, so each \
             peer hears by the quickest path. The other numbers shift with the source.",
        ),
        (
            "Set push gossip's fanout to 2, then 6: how do speed and messages move?",
            "A larger fanout reaches peers sooner and misses fewer, at the cost of more \
             messages: Demers et al.'s trade-off between coverage and traffic.",
        ),
        (
            "Censor a few peers and compare: which policy suffers most?",
            "Usually push gossip, which sends to a few random neighbours and may pick censoring \
             ones; flood and announce-request try every link, so they miss only peers cut off \
             behind the censors.",
        ),
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
        carry_out(&mut state, lesson.open.clone());
        assert_eq!(state.message(), None, "lesson {} opens", lesson.id);
        state
    }

    /// Dispatches `command` and lets long work run to its end, a tick at a time, as on the page.
    fn carry_out(state: &mut AppState, command: Command) {
        state.dispatch(command);
        while state.work().is_some() {
            state.dispatch(Command::Tick { ms: 16.0 });
        }
    }

    /// Presses "Do it" on step `i` (from 0) straight after step `i - 1`; a message is
    /// allowed only if the step's result quotes it.
    fn do_it(state: &mut AppState, lesson: &Lesson, i: usize) {
        carry_out(state, Command::Run(lesson.steps[i].commands.clone()));
        if let Some(message) = state.message() {
            assert!(
                lesson.steps[i].result.contains(message),
                "lesson {} step {}: unexpected message {message:?}",
                lesson.id,
                i + 1
            );
        }
    }

    /// What a class sees of the state: the run's inputs, the network, the selection, the
    /// display choices and the latest transaction's outcome.
    fn seen(state: &AppState) -> String {
        let tx = state.current_tx();
        format!(
            "{:?}\n{:?}\n{:?}\n{} {} {}\n{:?}",
            state.to_scenario(),
            state
                .network()
                .peers()
                .map(|p| (p.id, p.state, p.role))
                .collect::<Vec<_>>(),
            state.selected_peers(),
            state.shows_cut_vertices(),
            state.skips_quiet(),
            state.relay().name(),
            tx.map(|tx| state.simulation().metrics(tx)),
        )
    }

    /// The state after pressing "Do it" on each of `presses` (steps from 1) in turn.
    fn pressing(lesson: &Lesson, presses: &[usize]) -> AppState {
        let mut tour = Tour::new(lesson.clone());
        let mut state = AppState::new();
        carry_out(&mut state, tour.restart());
        for &n in presses {
            carry_out(&mut state, tour.go_to(n).expect("the step exists"));
        }
        state
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
    fn a_tour_loses_track_on_commands_that_change_what_its_steps_assume() {
        let lesson = lesson_of("block-one-node");
        let keeps = [
            Command::SelectPeer {
                peer: PeerId(1),
                additive: false,
            },
            Command::Broadcast,
            Command::Play,
            Command::Step,
            Command::ToggleOffline,
            Command::AddPeer { at: None },
        ];
        let loses = [
            Command::LoadPreset("bitcoin-30".into()),
            Command::Undo,
            Command::Redo,
            Command::Cancel,
            Command::SetSeed(2),
        ];
        for command in keeps {
            let mut tour = Tour::new(lesson.clone());
            tour.notice(&command);
            assert!(tour.on_track(), "{command:?} keeps to the lesson");
        }
        for command in loses {
            let mut tour = Tour::new(lesson.clone());
            tour.notice(&command);
            assert!(!tour.on_track(), "{command:?} leaves the lesson");
        }
    }

    #[test]
    fn the_tour_goes_forward_by_one_step_and_elsewhere_from_the_start() {
        let lesson = lesson_of("block-one-node");
        let steps = &lesson.steps;
        let mut tour = Tour::new(lesson.clone());
        let opening = vec![
            lesson.open.clone(),
            Command::ShowCutVertices(false),
            Command::SkipQuiet(false),
        ];
        assert_eq!(tour.next_step(), Some(1));
        assert_eq!(tour.restart(), Command::Run(opening.clone()));
        assert_eq!(
            tour.forward(),
            Some(Command::Run(steps[0].commands.clone()))
        );
        assert_eq!(
            tour.forward(),
            Some(Command::Run(steps[1].commands.clone()))
        );
        assert_eq!(tour.done(), 2);
        let mut back = opening.clone();
        back.extend(steps[0].commands.iter().cloned());
        assert_eq!(tour.back(), Some(Command::Run(back)));
        assert_eq!(tour.done(), 1);
        // The same step again: from the start, not a second helping.
        let mut again = opening.clone();
        again.extend(steps[0].commands.iter().cloned());
        assert_eq!(tour.go_to(1), Some(Command::Run(again)));
        assert_eq!(tour.go_to(steps.len() + 1), None);
        assert_eq!(tour.done(), 1, "a step that does not exist changes nothing");
        tour.go_to(steps.len()).unwrap();
        assert_eq!((tour.next_step(), tour.forward()), (None, None));
        tour.restart();
        assert_eq!(tour.back(), None);
        // Off track (another network opened, say): the next step starts over.
        tour.forward().unwrap();
        tour.lose_track();
        assert!(!tour.on_track());
        let mut over = opening.clone();
        over.extend(steps[0].commands.iter().cloned());
        over.extend(steps[1].commands.iter().cloned());
        assert_eq!(tour.forward(), Some(Command::Run(over)));
        assert!(tour.on_track());
    }

    #[test]
    fn pressing_every_do_it_twice_ends_as_pressing_each_once() {
        for info in CATALOGUE {
            let lesson = lesson_of(info.id);
            let once: Vec<usize> = (1..=lesson.steps.len()).collect();
            let twice: Vec<usize> = once.iter().flat_map(|&n| [n, n]).collect();
            assert_eq!(
                seen(&pressing(&lesson, &twice)),
                seen(&pressing(&lesson, &once)),
                "lesson {}",
                lesson.id
            );
        }
    }

    #[test]
    fn steps_pressed_out_of_order_end_where_the_last_one_does_in_order() {
        for info in CATALOGUE.iter().filter(|i| i.id != "bitcoin-scale") {
            let lesson = lesson_of(info.id);
            let len = lesson.steps.len();
            for presses in [
                vec![len, 1],
                vec![3, 1, 2],
                vec![2, 2, len, len - 1],
                vec![1, 3, 2, 3],
            ] {
                let last = *presses.last().unwrap();
                let in_order: Vec<usize> = (1..=last).collect();
                assert_eq!(
                    seen(&pressing(&lesson, &presses)),
                    seen(&pressing(&lesson, &in_order)),
                    "lesson {} pressed {presses:?}",
                    lesson.id
                );
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
            .result
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
        let censoring: Vec<PeerId> = state
            .network()
            .peers()
            .filter(|p| p.state == PeerState::Censoring)
            .map(|p| p.id)
            .collect();
        let &[ordinary] = censoring.as_slice() else {
            panic!("step 1 censors one peer, not {censoring:?}");
        };
        assert!(!state.cut_vertices().contains(&ordinary));
        assert!(!state.shows_cut_vertices());
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
        assert!(state.shows_cut_vertices(), "step 3 turns the highlight on");
        assert_eq!(
            state.network().peer(hub).unwrap().state,
            PeerState::Censoring
        );
        // The one bridge the result and the things to try name, found by brute force:
        // the only link whose removal splits the network.
        let splitting: Vec<_> = before
            .links()
            .filter(|l| {
                let mut cut = before.clone();
                cut.remove_link(l.id).unwrap();
                graph::components(&cut).len() > 1
            })
            .map(|l| (l.from, l.to))
            .collect();
        let &[(a, b)] = splitting.as_slice() else {
            panic!("lesson 3 has one bridge, not {splitting:?}");
        };
        assert!(lesson.steps[2]
            .result
            .contains(&format!("{hub}: the only peer")));
        let newcomer = if a == hub { b } else { a };
        assert_eq!(before.degree(newcomer), 1);
        assert!(lesson.steps[2]
            .result
            .contains(&format!("link to {newcomer}")));
        assert!(lesson.things_to_try[1]
            .answer
            .contains(&format!("between {a} and {b}")));
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
        assert_eq!(
            expected.len(),
            GROUP as usize + 1,
            "a group and the newcomer"
        );
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
        let clicked = state.selected_peers()[0];
        assert!(expected.contains(&clicked));
        let why = format!(
            "Every online path from {source} to {clicked} passes through {hub}, which is censoring."
        );
        assert_eq!(state.why_unreached(clicked), Some(why.clone()));
        assert!(lesson.steps[4].result.contains(&why));
        // Un-censoring the hub afterwards does not change why the peer was missed.
        state.dispatch(set_state(hub, PeerState::Online));
        assert_eq!(
            state.why_unreached(clicked),
            Some(format!(
                "{why} (So it was when the transaction passed; the network has changed since.)"
            ))
        );
        // Nor does a rebuild of the same inputs (an undo and a redo).
        state.dispatch(Command::Undo);
        state.dispatch(Command::Redo);
        assert!(state
            .why_unreached(clicked)
            .is_some_and(|s| s.starts_with(&why) && s.contains("changed since")));
    }

    #[test]
    fn lesson_3_answers_hold_on_its_network() {
        let lesson = lesson_of("block-one-node");
        let net = built(&match &lesson.open {
            Command::LoadScenario(s) => (**s).clone(),
            other => panic!("lesson 3 opens a scenario, not {other:?}"),
        });
        let hub = PeerId(GROUP);
        let reached_with = |censored: &[PeerId], extra: Option<(u32, u32)>| {
            let mut net = net.clone();
            for &p in censored {
                net.set_state(p, PeerState::Censoring).unwrap();
            }
            if let Some((a, b)) = extra {
                link(&mut net, a, b);
            }
            run(&net, RelayPolicy::Flood, 1, PeerId(0))
                .metrics(TxId(0))
                .reached
        };
        // Of all pairs of censoring peers (not the hub, not the source), only the hub's two
        // neighbours in the far group cut anyone off: the rest of that group.
        let far_entry = [PeerId(GROUP + 1), PeerId(GROUP + 1 + GROUP / 2)];
        let others: Vec<PeerId> = net.peer_ids().filter(|&p| p != hub && p.0 != 0).collect();
        for (i, &a) in others.iter().enumerate() {
            for &b in &others[i + 1..] {
                let expected = if [a, b] == far_entry {
                    net.n_peers() - (GROUP as usize - 2)
                } else {
                    net.n_peers()
                };
                assert_eq!(reached_with(&[a, b], None), expected, "{a} and {b}");
            }
        }
        assert!(lesson.things_to_try[2]
            .answer
            .contains(&format!("censor {} and {}", far_entry[0], far_entry[1])));
        // A link between the groups leaves only the newcomer behind a censoring hub.
        assert_eq!(
            reached_with(&[hub], Some((1, GROUP + 2))),
            net.n_peers() - 1
        );
        assert!(lesson.things_to_try[0].answer.contains("Only the newcomer"));
    }

    #[test]
    fn lessons_2_and_6_answers_hold_on_their_networks() {
        // The star reaches its clients with one message per client.
        let star = presets::generated(
            Topology::Star { clients: CLIENTS },
            LatencyModel::Constant { ms: 100.0 },
            RelayPolicy::ClientServer(ClientServerParams::default()),
            1,
        );
        let sim = run(&built(&star), star.relay.clone(), 1, PeerId(3));
        let m = sim.metrics(TxId(0));
        assert_eq!(
            (m.reached, m.messages),
            (CLIENTS as usize + 1, CLIENTS as u64)
        );
        // Lesson 6: the light peer's own transaction gets out.
        let lesson = lesson_of("node-roles");
        let Command::LoadScenario(scenario) = &lesson.open else {
            panic!("lesson 6 opens a scenario");
        };
        let net = built(scenario);
        let light = net.peers().find(|p| p.role == Role::Light).unwrap().id;
        let m = run(&net, RelayPolicy::Flood, 1, light).metrics(TxId(0));
        assert_eq!(m.reached, net.n_peers());
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
            .all(|u| u.reason == UnreachedReason::NoLinks));
        assert!(lonely
            .iter()
            .all(|&p| !state.network().peer(p).unwrap().reachable));
        // Step 5: the newcomer joins attempt by attempt, as the result says.
        let before = state.network().clone();
        do_it(&mut state, &lesson, 4);
        let newcomer = PeerId(before.peer_slots() as u32);
        let counts = state.network().link_counts(newcomer);
        assert_eq!(counts.inbound, 0);
        assert!(!state.network().peer(newcomer).unwrap().reachable);
        let ends = format!("{newcomer} ends with {} outbound link", counts.total());
        assert!(
            lesson.steps[4].result.contains(&ends),
            "{}",
            lesson.steps[4].result
        );
        // Every refusal was for full inbound slots with nobody evictable (at most 20 inbound
        // peers are always protected).
        let mut replay = before.clone();
        replay.add_peer(Role::Full, false).unwrap();
        let latency = state.latency_model().clone();
        let plan = join::plan_join(&replay, newcomer, join_seed(1, newcomer), &latency);
        for attempt in &plan.attempts {
            if let JoinOutcome::Refused(e) = &attempt.outcome {
                assert!(matches!(e, EditError::InboundFull { .. }), "{e}");
                assert!(before.link_counts(attempt.target).inbound <= 20);
            }
        }
        assert!(lesson.steps[4]
            .result
            .contains(&format!("tries {} of them", plan.attempts.len())));
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
    fn lesson_7_quotes_the_numbers_of_its_own_runs() {
        let scenario = scale_scenario();
        let measured = measure_scale(&built(&scenario), &scenario);
        assert_eq!(measured, SCALE_RUN, "measured {measured:#?}");
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
            .result
            .contains(&format!("more than {max_hops} hops")));
        do_it(&mut state, &lesson, 2);
        let far = state.selected_peers()[0];
        assert_eq!(state.simulation().hops(t, far), Some(max_hops));
        // "The transaction itself about once per peer": bodies within 10 % of the peers reached.
        let m = state.simulation().metrics(t);
        let bodies = m.messages_by_kind.tx as f64;
        let informed = (m.reached - 1) as f64;
        assert!(
            (bodies - informed).abs() <= 0.1 * informed,
            "{bodies} bodies, {informed}"
        );
        // A flood on the same network is faster, as the question says.
        let flood = run(state.network(), RelayPolicy::Flood, 1, PeerId(0)).metrics(TxId(0));
        assert!(flood.t100_ms.unwrap() < m.t100_ms.unwrap() / 3.0);
        do_it(&mut state, &lesson, 3);
        assert!(state.is_playing(), "the replay plays");
        assert!(state.skips_quiet());
        assert_eq!(state.relay().name(), "bitcoin");
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
        // "With only 3 inbound peers, all are protected": Core's rules find nobody to evict.
        assert_eq!(
            crate::sim::eviction::eviction_candidate(state.network(), victim),
            None
        );
        assert!(lesson.steps[1]
            .result
            .contains(&format!("With only {} inbound", limits.max_inbound)));
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
            .result
            .contains(&format!("{} messages", count(flood.messages))));
        do_it(&mut state, &lesson, 1);
        do_it(&mut state, &lesson, 2);
        assert_eq!(state.relay().name(), "bitcoin");
        do_it(&mut state, &lesson, 3);
        assert_eq!(state.relay().name(), "push");
        assert_eq!(state.comparison().len(), 3, "the comparison stays");
    }
}
