//! Property tests of the engine over random seeded networks.

use gossipscope::sim::action::Action;
use gossipscope::sim::engine::Simulation;
use gossipscope::sim::graph;
use gossipscope::sim::network::{LinkKind, PeerId, PeerState, Role};
use gossipscope::sim::relay::{
    BitcoinParams, ClientServerParams, PushParams, RelayPolicy, RumorMode, RumorParams,
};
use gossipscope::sim::rng::SimRng;
use gossipscope::sim::time::Time;
use proptest::prelude::*;

use crate::harness::{random_network, sprinkle_states};

fn all_policies() -> Vec<RelayPolicy> {
    vec![
        RelayPolicy::Flood,
        RelayPolicy::Bitcoin(BitcoinParams::default()),
        RelayPolicy::Push(PushParams::default()),
        RelayPolicy::Rumor(RumorParams {
            mode: RumorMode::BlindCoin,
            ..RumorParams::default()
        }),
        RelayPolicy::Rumor(RumorParams::default()),
        RelayPolicy::ClientServer(ClientServerParams::default()),
    ]
}

/// A random action over peers `0..n_ids` (some of which may not exist).
fn random_action(rng: &mut SimRng, n_ids: usize) -> Action {
    let peer = |rng: &mut SimRng| PeerId(rng.below(n_ids.max(1)) as u32);
    match rng.below(12) {
        0 => Action::Broadcast { peer: peer(rng) },
        1 => Action::AddPeer {
            role: Role::ALL[rng.below(4)],
            reachable: rng.chance(0.7),
        },
        2 => Action::RemovePeer { peer: peer(rng) },
        3 | 4 => Action::AddLink {
            from: peer(rng),
            to: peer(rng),
            latency_ms: if rng.chance(0.5) {
                Some(rng.uniform(-5.0, 300.0))
            } else {
                None
            },
            kind: if rng.chance(0.8) {
                LinkKind::FullRelay
            } else {
                LinkKind::BlockRelayOnly
            },
        },
        5 => Action::RemoveLink {
            a: peer(rng),
            b: peer(rng),
        },
        6 => Action::SetState {
            peer: peer(rng),
            state: [PeerState::Online, PeerState::Offline, PeerState::Censoring][rng.below(3)],
        },
        7 => Action::SetRole {
            peer: peer(rng),
            role: Role::ALL[rng.below(4)],
        },
        8 => Action::SetReachable {
            peer: peer(rng),
            reachable: rng.chance(0.5),
        },
        9 => Action::SetLatency {
            a: peer(rng),
            b: peer(rng),
            latency_ms: rng.uniform(-1.0, 500.0),
        },
        10 => Action::SetLoss {
            a: peer(rng),
            b: peer(rng),
            loss: rng.uniform(-0.2, 1.2),
        },
        _ => Action::SetValidationDelay {
            peer: peer(rng),
            ms: rng.uniform(-1.0, 50.0),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// With flood and no validation delay, first arrival is the weighted shortest-path distance.
    #[test]
    fn flood_first_arrival_is_the_shortest_path(seed in any::<u64>(), n in 2usize..80, tries in 1usize..4) {
        let mut net = random_network(seed, n, tries, (1, 200));
        sprinkle_states(&mut net, seed, 0.15);
        let source = net.peers().find(|p| p.state != PeerState::Offline).map(|p| p.id);
        prop_assume!(source.is_some());
        let source = source.unwrap();
        let oracle = graph::shortest_arrival_times(&net, source);
        let mut sim = Simulation::new(net, RelayPolicy::Flood, seed).unwrap();
        let tx = sim.broadcast(source).unwrap();
        sim.run();
        for id in sim.network().peer_ids() {
            prop_assert_eq!(sim.first_arrival(tx, id), oracle[id.index()], "peer {}", id);
        }
    }

    /// With equal latencies, hop counts are BFS distances through relaying peers.
    #[test]
    fn flood_hops_are_bfs_distances(seed in any::<u64>(), n in 2usize..80, tries in 1usize..4) {
        let mut net = random_network(seed, n, tries, (50, 50));
        sprinkle_states(&mut net, seed, 0.1);
        let source = net.peers().find(|p| p.state != PeerState::Offline).map(|p| p.id);
        prop_assume!(source.is_some());
        let source = source.unwrap();
        let bfs = graph::hop_distances(&net, source, |p| p.relays());
        let mut sim = Simulation::new(net, RelayPolicy::Flood, seed).unwrap();
        let tx = sim.broadcast(source).unwrap();
        sim.run();
        for peer in sim.network().peers() {
            let expected = if peer.state == PeerState::Offline { None } else { bfs[peer.id.index()] };
            prop_assert_eq!(sim.hops(tx, peer.id), expected, "peer {}", peer.id);
        }
    }

    /// Limits hold after any sequence of edits, and no sequence of edits and steps panics.
    #[test]
    fn any_edits_and_steps_keep_limits_and_never_panic(seed in any::<u64>(), n in 1usize..30, policy in 0usize..6) {
        let net = random_network(seed, n, 3, (1, 100));
        let mut sim = Simulation::new(net, all_policies()[policy].clone(), seed).unwrap();
        sim.set_tracing(true);
        let mut rng = SimRng::new(seed);
        for _ in 0..120 {
            let n_ids = sim.network().peer_slots() + 2;
            match rng.below(4) {
                0 => { sim.step(); }
                1 => sim.step_until(sim.now() + Time::from_ms(rng.below(400) as u64)),
                2 => sim.schedule(sim.now() + Time::from_ms(rng.below(300) as u64), random_action(&mut rng, n_ids)),
                _ => { let _ = sim.apply(random_action(&mut rng, n_ids)); }
            }
            prop_assert!(sim.network().check_invariants().is_ok(), "{:?}", sim.network().check_invariants());
        }
        prop_assert!(sim.run_bounded(1_000_000), "the run must end");
        for tx in 0..sim.n_transactions() {
            let tx = gossipscope::sim::engine::TxId(tx as u32);
            let m = sim.metrics(tx);
            // The origin counts, and no peer counts twice: at most every id ever given.
            prop_assert!((1..=sim.network().peer_slots()).contains(&m.reached), "{}", m.reached);
            let _ = sim.unreached(tx);
        }
    }

    /// The same seed gives an identical trace.
    #[test]
    fn same_seed_same_trace(seed in any::<u64>(), policy in 0usize..6) {
        let run = |seed: u64| {
            let net = random_network(seed, 40, 3, (10, 120));
            let mut sim = Simulation::new(net, all_policies()[policy].clone(), seed).unwrap();
            sim.set_tracing(true);
            sim.broadcast(PeerId(0)).unwrap();
            sim.schedule(Time::from_ms(150), Action::censor(PeerId(3)));
            sim.run();
            sim.drain_trace()
        };
        prop_assert_eq!(run(seed), run(seed));
    }
}

/// One random move: a step, a step to a later time, a scheduled or an applied action.
fn random_move(sim: &mut Simulation, rng: &mut SimRng) {
    let n_ids = sim.network().peer_slots() + 2;
    match rng.below(4) {
        0 => {
            sim.step();
        }
        1 => sim.step_until(sim.now() + Time::from_ms(rng.below(400) as u64)),
        2 => sim.schedule(
            sim.now() + Time::from_ms(rng.below(300) as u64),
            random_action(rng, n_ids),
        ),
        _ => {
            let _ = sim.apply(random_action(rng, n_ids));
        }
    }
}

/// Runs to the end and returns everything observable: network, trace, refusals, every metric.
fn outcome(mut sim: Simulation) -> (String, Vec<String>, String) {
    assert!(sim.run_bounded(1_000_000), "the run must end");
    let metrics: Vec<String> = (0..sim.n_transactions())
        .map(|tx| {
            let tx = gossipscope::sim::engine::TxId(tx as u32);
            format!("{:?} {:?}", sim.metrics(tx), sim.peer_results(tx))
        })
        .collect();
    let trace = format!("{:?} {:?}", sim.drain_trace(), sim.refusals());
    (format!("{:?}", sim.network()), metrics, trace)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// After any history, a refused edit drawn at random leaves the network as it was, and the
    /// run goes on exactly as it would have without it.
    #[test]
    fn a_refused_edit_changes_nothing(seed in any::<u64>(), n in 1usize..25, policy in 0usize..6, history in 0usize..80) {
        let net = random_network(seed, n, 3, (1, 100));
        let mut sim = Simulation::new(net, all_policies()[policy].clone(), seed).unwrap();
        let mut rng = SimRng::new(seed ^ 0x5eed);
        sim.set_tracing(rng.chance(0.5));
        for _ in 0..history {
            random_move(&mut sim, &mut rng);
        }
        for _ in 0..500 {
            let action = random_action(&mut rng, sim.network().peer_slots() + 2);
            let before = sim.clone();
            if let Err(error) = sim.apply(action.clone()) {
                prop_assert_eq!(format!("{:?}", sim.network()), format!("{:?}", before.network()), "{:?}: {}", action, error);
                prop_assert_eq!(sim.n_transactions(), before.n_transactions());
                prop_assert_eq!(sim.now(), before.now());
                prop_assert_eq!(outcome(sim), outcome(before), "{:?}: {}", action, error);
                return Ok(());
            }
        }
        // 500 accepted actions in a row never happen with this mix (self-links and missing peers abound).
        prop_assert!(false, "no action was refused");
    }
}

/// Millions of random edit-and-step sequences never panic and keep every limit. Not in CI: run
/// `GOSSIPSCOPE_SEQUENCES=1000000 cargo test --release --test it -- --ignored never_panic`
/// (RELIABILITY.md records the last run).
#[test]
#[ignore = "long-running: millions of sequences"]
fn millions_of_edit_and_step_sequences_never_panic() {
    let sequences: u64 = std::env::var("GOSSIPSCOPE_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    for seed in 0..sequences {
        let mut rng = SimRng::new(seed);
        let policy = all_policies()[rng.below(6)].clone();
        let net = random_network(seed, 1 + rng.below(20), 3, (1, 100));
        let mut sim = Simulation::new(net, policy, seed).unwrap();
        sim.set_tracing(rng.chance(0.3));
        for _ in 0..rng.below(60) {
            random_move(&mut sim, &mut rng);
        }
        assert!(sim.run_bounded(1_000_000), "seed {seed}: the run must end");
        if let Err(e) = sim.network().check_invariants() {
            panic!("seed {seed}: {e}");
        }
    }
}

#[test]
fn failed_actions_change_nothing() {
    let net = random_network(5, 10, 3, (10, 10));
    let mut sim = Simulation::new(net, RelayPolicy::Flood, 5).unwrap();
    let before = format!("{:?}", sim.network());
    let links_before: Vec<_> = sim.network().links().cloned().collect();
    assert!(sim
        .apply(Action::AddLink {
            from: PeerId(0),
            to: PeerId(0),
            latency_ms: None,
            kind: LinkKind::FullRelay
        })
        .is_err());
    assert!(sim
        .apply(Action::SetLatency {
            a: PeerId(0),
            b: PeerId(99),
            latency_ms: 5.0
        })
        .is_err());
    assert!(sim.apply(Action::Broadcast { peer: PeerId(42) }).is_err());
    let links_after: Vec<_> = sim.network().links().cloned().collect();
    assert_eq!(links_before, links_after);
    assert_eq!(before, format!("{:?}", sim.network()));
    assert_eq!(sim.n_transactions(), 0);
}

#[test]
fn removing_a_link_loses_the_message_on_it() {
    let mut net = random_network(1, 0, 0, (1, 1));
    let a = net.add_peer(Role::Full, true).unwrap();
    let b = net.add_peer(Role::Full, true).unwrap();
    net.add_link(a, b, Time::from_ms(100), LinkKind::FullRelay)
        .unwrap();
    let mut sim = Simulation::new(net, RelayPolicy::Flood, 1).unwrap();
    let tx = sim.broadcast(a).unwrap();
    sim.step_until(Time::from_ms(50));
    sim.apply(Action::RemoveLink { a, b }).unwrap();
    sim.run();
    assert_eq!(sim.first_arrival(tx, b), None);
    assert_eq!(sim.metrics(tx).lost, 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Tracing (which keeps every message in the queue) and the untraced fast
    /// path give identical results, also with edits in the middle of the run.
    #[test]
    fn fast_path_and_traced_path_agree(seed in any::<u64>(), n in 2usize..50, policy in 0usize..6) {
        let run = |tracing: bool| {
            let net = random_network(seed, n, 3, (5, 150));
            let mut sim = Simulation::new(net, all_policies()[policy].clone(), seed).unwrap();
            sim.set_tracing(tracing);
            let mut rng = SimRng::new(seed);
            let tx = sim.broadcast(PeerId(0)).unwrap();
            for _ in 0..6 {
                sim.step_until(sim.now() + Time::from_ms(rng.below(120) as u64));
                let _ = sim.apply(random_action(&mut rng, n + 2));
            }
            // Edits scheduled for later land in the middle of the final run:
            // links removed and peers taken offline while bodies are in flight.
            for _ in 0..4 {
                let at = sim.now() + Time::from_ms(rng.below(300) as u64);
                let links: Vec<_> = sim.network().links().map(|l| (l.from, l.to)).collect();
                let action = if rng.chance(0.5) && !links.is_empty() {
                    let (a, b) = links[rng.below(links.len())];
                    Action::RemoveLink { a, b }
                } else {
                    Action::take_offline(PeerId(rng.below(n) as u32))
                };
                sim.schedule(at, action);
            }
            sim.run();
            let arrivals: Vec<_> = sim.network().peer_ids().map(|p| (sim.first_arrival(tx, p), sim.hops(tx, p))).collect();
            (arrivals, sim.metrics(tx), sim.now())
        };
        prop_assert_eq!(run(false), run(true));
    }
}

/// Two peers and one link, flood.
fn one_link(loss: f64) -> gossipscope::sim::network::Network {
    let mut net =
        gossipscope::sim::network::Network::new(gossipscope::sim::network::Limits::TUTORIAL);
    let (a, b) = (
        net.add_peer(Role::Full, true).unwrap(),
        net.add_peer(Role::Full, true).unwrap(),
    );
    let link = net
        .add_link(a, b, Time::from_ms(10), LinkKind::FullRelay)
        .unwrap();
    net.set_loss(link, loss).unwrap();
    net
}

#[test]
fn a_link_loses_its_share_of_messages() {
    // Over 2,000 broadcasts across a link that loses 30 %, the share that arrives is
    // binomial: 0.7 within 4 standard deviations (sqrt(0.21 / 2000) = 0.01).
    let mut sim = Simulation::new(one_link(0.3), RelayPolicy::Flood, 9).unwrap();
    let runs = 2000;
    for _ in 0..runs {
        sim.broadcast(PeerId(0)).unwrap();
    }
    sim.run();
    let arrived = (0..runs)
        .filter(|&tx| {
            sim.first_arrival(gossipscope::sim::engine::TxId(tx), PeerId(1))
                .is_some()
        })
        .count();
    let share = arrived as f64 / f64::from(runs);
    assert!((share - 0.7).abs() < 0.04, "{arrived} of {runs} arrived");
}

#[test]
fn the_ten_thousandth_broadcast_is_the_last() {
    use gossipscope::sim::caps::MAX_TRANSACTIONS;
    use gossipscope::sim::network::EditError;
    let mut sim = Simulation::new(one_link(0.0), RelayPolicy::Flood, 1).unwrap();
    for _ in 0..MAX_TRANSACTIONS {
        sim.broadcast(PeerId(0)).unwrap();
    }
    assert_eq!(sim.n_transactions(), 10_000);
    assert_eq!(
        sim.broadcast(PeerId(0)),
        Err(EditError::TooManyTransactions)
    );
}
