//! Scenarios: JSON round trips that lose nothing, and bad files that name their problem.

use gossipscope::sim::action::Action;
use gossipscope::sim::generate::{GeneratorSpec, Topology};
use gossipscope::sim::latency::LatencyModel;
use gossipscope::sim::network::{Limits, LinkKind, Network, Peer, PeerId, PeerState, Role};
use gossipscope::sim::relay::{
    BitcoinParams, ClientServerParams, PushParams, RelayPolicy, RumorMode, RumorParams,
};
use gossipscope::sim::scenario::{Scenario, TimedAction, FORMAT};
use gossipscope::sim::time::Time;

use crate::harness::{explicit_scenario as explicit, generated};

/// Every generator shape, small.
fn topologies() -> Vec<Topology> {
    vec![
        Topology::Tutorial { peers: 6, tries: 3 },
        Topology::Bitcoin {
            peers: 120,
            unreachable_share: 0.7,
            outbound: None,
            light_share: 0.1,
            mining_share: 0.02,
            archival_share: 0.1,
            bitcoin_core: true,
        },
        Topology::Ring { peers: 12 },
        Topology::Grid { rows: 4, cols: 5 },
        Topology::Complete { peers: 15 },
        Topology::SmallWorld {
            peers: 40,
            k: 4,
            beta: 0.2,
        },
        Topology::ScaleFree { peers: 50, m: 2 },
        Topology::Star { clients: 10 },
        Topology::Regions {
            peers: 60,
            regions: 3,
            unreachable_share: 0.3,
            inter_share: 0.1,
            outbound: None,
        },
    ]
}

/// A link as a scenario can name it: link ids are not part of the format
/// (actions name links by their ends), so they are left out.
fn link_facts(net: &Network) -> Vec<(PeerId, PeerId, Time, LinkKind, f64)> {
    net.links()
        .map(|l| (l.from, l.to, l.latency, l.kind, l.loss))
        .collect()
}

fn peers(net: &Network) -> Vec<Peer> {
    net.peers().cloned().collect()
}

/// Asserts that `built` is `original` in every respect a scenario records.
fn assert_same_network(original: &Network, built: &Network, what: &str) {
    assert_eq!(peers(original), peers(built), "{what}: peers");
    assert_eq!(link_facts(original), link_facts(built), "{what}: links");
    assert_eq!(original.limits(), built.limits(), "{what}: limits");
    assert_eq!(
        original.next_peer_id(),
        built.next_peer_id(),
        "{what}: next id"
    );
    for id in original.peer_ids() {
        assert_eq!(
            original.link_counts(id),
            built.link_counts(id),
            "{what}: {id}"
        );
    }
    built.check_invariants().unwrap();
}

/// Reads and builds `json`, returning the error message it must give.
fn problem(json: &str) -> String {
    match Scenario::from_json(json).and_then(|s| s.build().map(|_| ())) {
        Ok(()) => panic!("accepted a bad scenario:\n{json}"),
        Err(e) => e.to_string(),
    }
}

fn assert_names(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "the error should name {part:?}: {message}"
        );
    }
    assert!(!message.contains('\n'), "one line: {message}");
}

// ---- Round trips ------------------------------------------------------------------------------

#[test]
fn generated_networks_round_trip_through_json() {
    let relays = [
        RelayPolicy::Flood,
        RelayPolicy::Bitcoin(BitcoinParams::default()),
        RelayPolicy::Push(PushParams {
            hop_limit: Some(4),
            ..PushParams::default()
        }),
        RelayPolicy::Rumor(RumorParams {
            mode: RumorMode::FeedbackCoin,
            k: 3,
            round_ms: 250.0,
        }),
        RelayPolicy::ClientServer(ClientServerParams {
            server: Some(PeerId(0)),
        }),
    ];
    for (i, topology) in topologies().into_iter().enumerate() {
        let name = topology.name();
        let net = generated(topology, 40 + i as u64).network;
        let relay = relays[i % relays.len()].clone();
        let scenario = Scenario::from_network(&net, 9, relay);
        for json in [scenario.to_json(), scenario.to_json_compact()] {
            let read = Scenario::from_json(&json).unwrap();
            assert_eq!(read, scenario, "{name}");
            assert_eq!(read.to_json(), scenario.to_json(), "{name}");
            assert_same_network(&net, &read.build().unwrap().network, name);
        }
    }
}

#[test]
fn edited_networks_round_trip_with_every_field() {
    let mut net = generated(
        Topology::SmallWorld {
            peers: 30,
            k: 4,
            beta: 0.3,
        },
        3,
    )
    .network;
    net.set_limits(Limits::BITCOIN_CORE).unwrap();
    net.set_state(PeerId(2), PeerState::Censoring).unwrap();
    net.set_state(PeerId(3), PeerState::Offline).unwrap();
    net.set_validation_delay(PeerId(4), Time(12_345)).unwrap();
    net.set_region(PeerId(5), 2).unwrap();
    net.add_peer(Role::Light, false).unwrap();
    let mining = net.add_peer(Role::Mining, true).unwrap();
    let archival = net.add_peer(Role::Archival, true).unwrap();
    net.add_link(archival, mining, Time(1), LinkKind::BlockRelayOnly)
        .unwrap();
    let link = net.link_between(PeerId(0), PeerId(1)).unwrap();
    net.set_loss(link, 0.25).unwrap();
    net.set_latency(link, Time(7_777_777)).unwrap();
    // Removed peers keep their ids retired: one in the middle, and the last one.
    net.remove_peer(PeerId(7)).unwrap();
    let last = net.add_peer(Role::Full, true).unwrap();
    net.remove_peer(last).unwrap();
    let scenario = Scenario::from_network(&net, 123, RelayPolicy::Flood);
    assert_eq!(scenario.next_peer_id, Some(net.next_peer_id()));
    let read = Scenario::from_json(&scenario.to_json()).unwrap();
    assert_eq!(read, scenario);
    let built = read.build().unwrap().network;
    assert_same_network(&net, &built, "edited");
    assert!(!built.contains(PeerId(7)) && !built.contains(last));
    // A peer added to the rebuilt network gets the same fresh id as one added to the original.
    let (mut a, mut b) = (net.clone(), built);
    assert_eq!(
        a.add_peer(Role::Full, true).unwrap(),
        b.add_peer(Role::Full, true).unwrap()
    );
}

fn every_action() -> Vec<Action> {
    vec![
        Action::Broadcast { peer: PeerId(0) },
        Action::AddPeer {
            role: Role::Light,
            reachable: false,
        },
        Action::RemovePeer { peer: PeerId(3) },
        Action::AddLink {
            from: PeerId(1),
            to: PeerId(5),
            latency_ms: Some(33.5),
            kind: LinkKind::BlockRelayOnly,
        },
        Action::AddLink {
            from: PeerId(2),
            to: PeerId(6),
            latency_ms: None,
            kind: LinkKind::FullRelay,
        },
        Action::RemoveLink {
            a: PeerId(0),
            b: PeerId(1),
        },
        Action::censor(PeerId(4)),
        Action::take_offline(PeerId(5)),
        Action::bring_online(PeerId(5)),
        Action::SetRole {
            peer: PeerId(6),
            role: Role::Archival,
        },
        Action::SetReachable {
            peer: PeerId(6),
            reachable: false,
        },
        Action::SetLatency {
            a: PeerId(1),
            b: PeerId(2),
            latency_ms: 0.125,
        },
        Action::SetLoss {
            a: PeerId(2),
            b: PeerId(3),
            loss: 0.5,
        },
        Action::SetValidationDelay {
            peer: PeerId(7),
            ms: 4.0,
        },
        Action::Broadcast { peer: PeerId(8) },
    ]
}

#[test]
fn a_timeline_round_trips() {
    let net = generated(Topology::Ring { peers: 10 }, 1).network;
    let mut scenario = Scenario::from_network(&net, 5, RelayPolicy::Flood);
    scenario.latency = LatencyModel::Uniform {
        lo_ms: 10.0,
        hi_ms: 90.5,
    };
    scenario.notes = vec!["a note".into()];
    scenario.timeline = every_action()
        .into_iter()
        .enumerate()
        .map(|(i, action)| TimedAction {
            at_ms: 100.0 * i as f64 + 0.5,
            action,
        })
        .collect();
    let read = Scenario::from_json(&scenario.to_json()).unwrap();
    assert_eq!(read, scenario);
    assert_eq!(
        read.broadcasts().collect::<Vec<_>>(),
        vec![PeerId(0), PeerId(8)]
    );
    // The simulation built from the read scenario replays the same run.
    let run = |s: &Scenario| {
        let mut sim = s.simulation(None).unwrap();
        sim.run();
        let arrivals: Vec<_> = (0..sim.n_transactions())
            .flat_map(|tx| {
                let tx = gossipscope::sim::engine::TxId(tx as u32);
                let sim = &sim;
                sim.network()
                    .peer_ids()
                    .map(move |p| sim.first_arrival(tx, p))
            })
            .collect();
        (arrivals, sim.refusals().to_vec(), link_facts(sim.network()))
    };
    let (arrivals, refusals, links) = run(&scenario);
    assert_eq!(run(&read), (arrivals.clone(), refusals, links));
    assert!(arrivals.iter().any(Option::is_some));
}

#[test]
fn a_generator_scenario_round_trips_and_its_seed_decides_the_network() {
    let spec = GeneratorSpec {
        latency: Some(LatencyModel::LogNormal {
            mean_ms: 80.0,
            sd_ms: 30.0,
        }),
        ..GeneratorSpec::new(Topology::SmallWorld {
            peers: 50,
            k: 6,
            beta: 0.3,
        })
    };
    let scenario = |seed| {
        let empty = Network::new(Limits::TUTORIAL);
        let mut s = Scenario::from_network(&empty, seed, RelayPolicy::Flood);
        assert_eq!(s.format, FORMAT);
        s.generator = Some(spec.clone());
        s.timeline = vec![TimedAction {
            at_ms: 0.0,
            action: Action::Broadcast { peer: PeerId(3) },
        }];
        s
    };
    let s = scenario(77);
    let read = Scenario::from_json(&s.to_json()).unwrap();
    assert_eq!(read, s);
    let a = s.build().unwrap().network;
    let b = read.build().unwrap().network;
    assert_same_network(&a, &b, "same seed");
    assert_eq!(a.n_peers(), 50);
    // Watts-Strogatz rewiring moves links but keeps their number: k / 2 per peer.
    assert_eq!(a.n_links(), 50 * 6 / 2);
    // A different seed rewires and redraws: some link or latency differs.
    let c = scenario(78).build().unwrap().network;
    assert_ne!(link_facts(&a), link_facts(&c));
    // Generator JSON as a person writes it, optional parameters left out.
    let text = r#"{"format": "gossipscope/1", "seed": 4,
        "generator": {"topology": "small-world", "peers": 20}}"#;
    let read = Scenario::from_json(text).unwrap();
    assert_eq!(
        read.generator.unwrap().topology,
        Topology::SmallWorld {
            peers: 20,
            k: 4,
            beta: 0.1
        }
    );
}

// ---- Bad scenarios ----------------------------------------------------------------------------

#[test]
fn the_helper_scenario_is_valid() {
    let text = explicit(&[(0, 1, 10.0), (1, 2, 20.0)]);
    let built = Scenario::from_json(&text).unwrap().build().unwrap().network;
    assert_eq!((built.n_peers(), built.n_links()), (10, 2));
}

#[test]
fn an_unknown_field_is_named() {
    let good = explicit(&[(0, 1, 10.0)]);
    let top = good.replacen("\"seed\": 1", "\"seed\": 1, \"sead\": 2", 1);
    assert_names(&problem(&top), &["sead"]);
    let in_peer = good.replacen(r#"{"id": 4}"#, r#"{"id": 4, "colour": "red"}"#, 1);
    assert_names(&problem(&in_peer), &["colour"]);
    let in_link = good.replacen(
        "\"latency_ms\": 10",
        "\"latency_ms\": 10, \"lossy\": true",
        1,
    );
    assert_names(&problem(&in_link), &["lossy"]);
    let in_relay = good.replacen(
        "\"seed\": 1",
        r#""seed": 1, "relay": {"policy": "push", "fanot": 2}"#,
        1,
    );
    assert_names(&problem(&in_relay), &["fanot"]);
}

#[test]
fn an_unknown_field_in_a_flattened_timeline_entry_or_generator_is_named() {
    // Both flatten an inner type into the entry; the inner type's deny_unknown_fields must still hold.
    let good = explicit(&[(0, 1, 10.0)]);
    let in_timeline = good.replacen(
        "\"seed\": 1",
        r#""seed": 1, "timeline": [{"at_ms": 5, "action": "broadcast", "peer": 0, "peeer": 1}]"#,
        1,
    );
    assert_names(&problem(&in_timeline), &["peeer"]);
    let in_generator = r#"{"format": "gossipscope/1", "seed": 1,
        "generator": {"topology": "ring", "peers": 5, "peerz": 6}}"#;
    assert_names(&problem(in_generator), &["peerz"]);
}

#[test]
fn a_wrong_format_tag_is_named() {
    let text = explicit(&[]).replace("gossipscope/1", "gossipscope/9");
    assert_names(
        &problem(&text),
        &["format", "gossipscope/9", "gossipscope/1"],
    );
    let missing = explicit(&[]).replace("\"format\": \"gossipscope/1\",", "");
    assert!(!missing.contains("format"));
    assert_names(&problem(&missing), &["format"]);
}

#[test]
fn a_link_to_a_missing_peer_is_named_with_its_index() {
    let text = explicit(&[(0, 1, 10.0), (1, 2, 10.0), (0, 99, 10.0)]);
    assert_names(&problem(&text), &["links[2]", "N99"]);
}

#[test]
fn an_exceeded_limit_is_named() {
    // The tutorial's limits: N0 may open 8 outbound links; the ninth (links[8]) is refused.
    let links: Vec<(u32, u32, f64)> = (1..=9).map(|to| (0, to, 10.0)).collect();
    assert_names(
        &problem(&explicit(&links)),
        &["links[8]", "N0", "already has 8 outbound links"],
    );
}

#[test]
fn a_negative_latency_is_named() {
    let text = explicit(&[(0, 1, 10.0), (1, 2, -5.0)]);
    assert_names(&problem(&text), &["links[1]", "latency_ms", "-5"]);
}

#[test]
fn a_duplicate_peer_id_is_named() {
    let text = explicit(&[]).replacen(r#"{"id": 7}"#, r#"{"id": 3}"#, 1);
    assert_names(&problem(&text), &["peers[", "3", "twice"]);
}

#[test]
fn a_generator_and_peers_together_are_refused() {
    let text = explicit(&[]).replacen(
        "\"seed\": 1",
        r#""seed": 1, "generator": {"topology": "ring", "peers": 5}"#,
        1,
    );
    assert_names(&problem(&text), &["generator", "peers"]);
}

#[test]
fn malformed_json_names_the_place() {
    let text = "{\"format\": \"gossipscope/1\",\n \"seed\": 1,\n \"peers\": [}";
    assert_names(&problem(text), &["line 3"]);
}
