//! What defines each relay policy, tested on small networks.
//!
//! Every expectation here is derived from the model in CONTRIBUTING.md ("The model")
//! (and the engine's documented rules), never copied from a run's output.

use std::collections::BTreeMap;

use gossipscope::sim::action::Action;
use gossipscope::sim::engine::{Simulation, TxId};
use gossipscope::sim::generate::Topology;
use gossipscope::sim::graph;
use gossipscope::sim::metrics::UnreachedReason;
use gossipscope::sim::network::{Limits, LinkKind, Network, PeerId, PeerState, Role};
use gossipscope::sim::relay::{
    BitcoinParams, ClientServerParams, PushParams, RelayPolicy, RumorMode, RumorParams,
};
use gossipscope::sim::rng::SimRng;
use gossipscope::sim::time::Time;
use gossipscope::sim::trace::{MessageKind, Outcome, TraceEvent};

use crate::harness::{barbell, delivered, generated, random_network, sent, traced_run};

fn bitcoin_topology(peers: u32, light_share: f64, bitcoin_core: bool) -> Topology {
    Topology::Bitcoin {
        peers,
        unreachable_share: 0.6,
        outbound: None,
        light_share,
        mining_share: 0.02,
        archival_share: 0.1,
        bitcoin_core,
    }
}

/// The four gossip policies (client-server has its own tests).
fn gossip_policies() -> Vec<RelayPolicy> {
    vec![
        RelayPolicy::Flood,
        RelayPolicy::Bitcoin(BitcoinParams::default()),
        RelayPolicy::Push(PushParams::default()),
        RelayPolicy::Rumor(RumorParams::default()),
        RelayPolicy::Rumor(RumorParams {
            mode: RumorMode::BlindCoin,
            ..RumorParams::default()
        }),
    ]
}

/// The unordered pair of a link's two ends.
fn pair(a: PeerId, b: PeerId) -> (PeerId, PeerId) {
    (a.min(b), a.max(b))
}

// ---- Censoring and light peers ----------------------------------------------------------------

/// A Bitcoin-style network with light peers (15 %) and censoring peers (about 12 % of the rest).
fn mixed_network(seed: u64) -> Network {
    let mut net = generated(bitcoin_topology(120, 0.15, false), seed).network;
    let mut rng = SimRng::new(seed ^ 0x5eed);
    let ids: Vec<PeerId> = net.peer_ids().collect();
    for id in ids {
        if net.peer(id).unwrap().role != Role::Light && rng.chance(0.12) {
            net.set_state(id, PeerState::Censoring).unwrap();
        }
    }
    net
}

#[test]
fn censoring_and_light_peers_never_relay() {
    for seed in 1..=3u64 {
        let net = mixed_network(seed);
        let non_relaying: Vec<PeerId> = net.peers().filter(|p| !p.relays()).map(|p| p.id).collect();
        let light = net.peers().filter(|p| p.role == Role::Light).count();
        let censoring = net
            .peers()
            .filter(|p| p.state == PeerState::Censoring)
            .count();
        assert!(
            light >= 10 && censoring >= 5,
            "seed {seed}: {light} light, {censoring} censoring"
        );
        // Sources: a light peer, a censoring peer and a relaying peer (the origin may send its own).
        let light_source = net.peers().find(|p| p.role == Role::Light).unwrap().id;
        let censoring_source = net
            .peers()
            .find(|p| p.state == PeerState::Censoring)
            .unwrap()
            .id;
        let full_source = net.peers().find(|p| p.relays()).unwrap().id;
        for policy in gossip_policies() {
            let mut sim = Simulation::new(net.clone(), policy.clone(), seed).unwrap();
            let trace = traced_run(&mut sim, &[light_source, censoring_source, full_source]);
            let mut relays_seen = 0;
            for (_, _, tx, from, _, kind) in sent(&trace) {
                if kind == MessageKind::GetData {
                    continue;
                }
                if sim.origin(tx) == Some(from) {
                    continue;
                }
                assert!(
                    !non_relaying.contains(&from),
                    "{}: seed {seed}: {from} does not relay but sent {kind:?} of {tx:?}",
                    policy.name()
                );
                relays_seen += 1;
            }
            // The origins did send: a non-relaying origin still passes its own on.
            for source in [light_source, censoring_source] {
                assert!(
                    sent(&trace)
                        .iter()
                        .any(|s| s.3 == source && s.5 != MessageKind::GetData),
                    "{}: the origin {source} sent nothing",
                    policy.name()
                );
            }
            // Not vacuous: relaying went on, and non-relaying peers did receive bodies they kept.
            let received = delivered(&trace)
                .iter()
                .filter(|d| {
                    d.4 == MessageKind::Tx
                        && d.5 == Outcome::New
                        && non_relaying.contains(&d.3)
                        && sim.origin(d.1) != Some(d.3)
                })
                .count();
            assert!(
                relays_seen > 0 && received > 0,
                "{}: seed {seed}",
                policy.name()
            );
        }
    }
}

#[test]
fn a_peer_censored_mid_run_relays_nothing_afterwards() {
    let net = random_network(11, 80, 3, (20, 120));
    for policy in gossip_policies() {
        let mut sim = Simulation::new(net.clone(), policy.clone(), 11).unwrap();
        let censored = PeerId(7);
        sim.schedule(Time::from_ms(250), Action::censor(censored));
        let trace = traced_run(&mut sim, &[PeerId(0)]);
        let applied = trace
            .iter()
            .position(|e| matches!(e, TraceEvent::Applied { action, .. } if *action == Action::censor(censored)))
            .expect("the censoring was applied");
        for event in &trace[applied..] {
            if let TraceEvent::Sent { from, kind, .. } = *event {
                assert!(
                    from != censored || kind == MessageKind::GetData,
                    "{}: {censored} relayed after it was censored: {event:?}",
                    policy.name()
                );
            }
        }
        if !policy.is_round_based() {
            // Censoring peers still receive.
            assert!(
                sim.first_arrival(TxId(0), censored).is_some(),
                "{}",
                policy.name()
            );
        }
    }
}

// ---- Bitcoin announce-request -----------------------------------------------------------------

/// Bitcoin runs over Bitcoin-style networks, three transactions each, traced.
fn bitcoin_runs() -> Vec<(Simulation, Vec<TraceEvent>)> {
    (1..=3u64)
        .map(|seed| {
            let net = generated(bitcoin_topology(150, 0.1, false), seed).network;
            let policy = RelayPolicy::Bitcoin(BitcoinParams::default());
            let mut sim = Simulation::new(net, policy, seed).unwrap();
            let trace = traced_run(&mut sim, &[PeerId(0), PeerId(17), PeerId(42)]);
            assert_eq!(sim.n_transactions(), 3);
            (sim, trace)
        })
        .collect()
}

/// Whether `peer` opened the link to `other` (so `other` is one of its outbound peers).
fn is_outbound(net: &Network, peer: PeerId, other: PeerId) -> bool {
    let link = net
        .link_between(peer, other)
        .expect("messages travel over links");
    net.link(link).unwrap().from == peer
}

#[test]
fn bitcoin_sends_each_body_over_each_link_at_most_once() {
    for (sim, trace) in bitcoin_runs() {
        let mut bodies: BTreeMap<(TxId, (PeerId, PeerId)), u32> = BTreeMap::new();
        for (_, _, tx, from, to, kind) in sent(&trace) {
            if kind == MessageKind::Tx {
                *bodies.entry((tx, pair(from, to))).or_default() += 1;
            }
        }
        assert!(!bodies.is_empty());
        for ((tx, link), count) in &bodies {
            assert_eq!(*count, 1, "{tx:?} crossed {link:?} {count} times");
        }
        // Each body answers a request: as many bodies as requests, and no duplicates arrive.
        for tx in 0..3 {
            let m = sim.metrics(TxId(tx));
            assert_eq!(m.messages_by_kind.tx, m.messages_by_kind.getdata);
            assert_eq!(m.messages_by_kind.tx as usize, m.reached - 1);
        }
    }
}

#[test]
fn bitcoin_requests_only_from_announcers() {
    for (_, trace) in bitcoin_runs() {
        let invs = delivered(&trace);
        let mut requests = 0;
        for (at, _, tx, from, to, kind) in sent(&trace) {
            if kind != MessageKind::GetData {
                continue;
            }
            requests += 1;
            // `from` asks `to`: `to` must have announced to `from` by then.
            assert!(
                invs.iter().any(|d| d.4 == MessageKind::Inv
                    && d.1 == tx
                    && d.2 == to
                    && d.3 == from
                    && d.0 <= at),
                "{from} asked {to} for {tx:?} at {at}, but {to} never announced it"
            );
        }
        assert!(requests > 0);
    }
}

#[test]
fn bitcoin_never_announces_to_a_peer_known_to_have_it() {
    for (_, trace) in bitcoin_runs() {
        // known[(tx, u, w)]: u knows w has tx.
        let mut known: std::collections::BTreeSet<(TxId, PeerId, PeerId)> = Default::default();
        let mut invs = 0;
        for event in &trace {
            match *event {
                TraceEvent::Delivered {
                    tx,
                    from,
                    to,
                    kind: MessageKind::Inv | MessageKind::Tx,
                    outcome: Outcome::New | Outcome::Redundant,
                    ..
                } => {
                    known.insert((tx, to, from));
                }
                TraceEvent::Sent {
                    tx,
                    from,
                    to,
                    kind: MessageKind::Tx,
                    ..
                } => {
                    known.insert((tx, from, to));
                }
                TraceEvent::Sent {
                    at,
                    tx,
                    from,
                    to,
                    kind: MessageKind::Inv,
                    ..
                } => {
                    invs += 1;
                    assert!(
                        !known.contains(&(tx, from, to)),
                        "at {at} {from} announced {tx:?} to {to}, which it knew had it"
                    );
                }
                _ => {}
            }
        }
        assert!(invs > 0);
    }
}

#[test]
fn bitcoin_asks_inbound_announcers_only_after_two_seconds_and_prefers_outbound_ones() {
    let delay = Time::try_from_ms_f64(BitcoinParams::default().inbound_request_delay_ms).unwrap();
    let mut inbound_requests = 0;
    for (sim, trace) in bitcoin_runs() {
        let net = sim.network();
        let invs: Vec<_> = delivered(&trace)
            .into_iter()
            .filter(|d| d.4 == MessageKind::Inv)
            .collect();
        for (at, _, tx, v, u, kind) in sent(&trace) {
            if kind != MessageKind::GetData || is_outbound(net, v, u) {
                continue;
            }
            inbound_requests += 1;
            let first_inv = invs
                .iter()
                .filter(|d| d.1 == tx && d.2 == u && d.3 == v)
                .map(|d| d.0)
                .min()
                .unwrap();
            assert!(
                at >= first_inv + delay,
                "{v} asked its inbound peer {u} for {tx:?} at {at}, {} after its INV",
                at - first_inv
            );
            // No outbound announcer had been heard from: it would have been asked at once.
            for d in &invs {
                assert!(
                    !(d.1 == tx && d.3 == v && d.0 < at && is_outbound(net, v, d.2)),
                    "{v} asked inbound {u} at {at} though outbound {} announced {tx:?} at {}",
                    d.2,
                    d.0
                );
            }
        }
    }
    assert!(inbound_requests > 0, "some requests go to inbound peers");
}

/// I (0) announces to V (1) over a link I opened (I is inbound for V); O (2)
/// gets the transaction from I, validates it for `o_delay_ms`, then announces
/// to V over a link V opened (O is outbound for V), unless it knows V has it
/// by then.
fn outbound_race(seed: u64, o_delay_ms: u64) -> Race {
    let mut net = Network::new(Default::default());
    let (i, v, o) = (PeerId(0), PeerId(1), PeerId(2));
    for _ in 0..3 {
        net.add_peer(Role::Full, true).unwrap();
    }
    let ms10 = Time::from_ms(10);
    net.add_link(i, v, ms10, LinkKind::FullRelay).unwrap();
    net.add_link(v, o, ms10, LinkKind::FullRelay).unwrap();
    // O opens the link to I, so O asks I at once.
    net.add_link(o, i, ms10, LinkKind::FullRelay).unwrap();
    net.set_validation_delay(o, Time::from_ms(o_delay_ms))
        .unwrap();
    // Near-immediate INV timers: the timing is set by latencies and O's validation.
    let params = BitcoinParams {
        inbound_inv_mean_ms: 1.0,
        outbound_inv_mean_ms: 1.0,
        ..BitcoinParams::default()
    };
    let mut sim = Simulation::new(net, RelayPolicy::Bitcoin(params), seed).unwrap();
    let trace = traced_run(&mut sim, &[i]);
    let inv_at = |from: PeerId| {
        delivered(&trace)
            .iter()
            .find(|d| d.4 == MessageKind::Inv && d.2 == from && d.3 == v)
            .map(|d| d.0)
    };
    let requests = sent(&trace)
        .iter()
        .filter(|s| s.5 == MessageKind::GetData && s.3 == v)
        .map(|s| (s.0, s.4))
        .collect();
    Race {
        requests,
        from_inbound: inv_at(i).expect("I announces to V"),
        from_outbound: inv_at(o),
        parent: sim.parent(TxId(0), v),
    }
}

/// What V saw in [`outbound_race`].
struct Race {
    /// V's GETDATAs: (time, asked peer).
    requests: Vec<(Time, PeerId)>,
    /// When I's INV reached V.
    from_inbound: Time,
    /// When O's INV reached V, if O announced to V at all.
    from_outbound: Option<Time>,
    /// Whom V first got the body from.
    parent: Option<PeerId>,
}

#[test]
fn bitcoin_a_later_outbound_announcement_wins() {
    let delay = Time::from_ms(2000);
    for seed in 1..=10 {
        let Race {
            requests,
            from_inbound,
            from_outbound,
            parent,
        } = outbound_race(seed, 900);
        let from_outbound = from_outbound.expect("O announces to V");
        // The setup is what it claims: inbound first, outbound less than 2 s later.
        assert!(from_inbound < from_outbound, "seed {seed}");
        assert!(from_outbound < from_inbound + delay, "seed {seed}");
        assert_eq!(requests, vec![(from_outbound, PeerId(2))], "seed {seed}");
        assert_eq!(parent, Some(PeerId(2)), "seed {seed}");

        // The same race with O still validating 2 s after I's INV: V asks
        // the inbound announcer exactly 2 s after hearing from it (and then
        // O, told by V's own INV, never announces).
        let Race {
            requests,
            from_inbound,
            from_outbound,
            parent,
        } = outbound_race(seed, 5000);
        assert!(
            from_outbound.is_none_or(|t| t > from_inbound + delay),
            "seed {seed}"
        );
        assert_eq!(
            requests,
            vec![(from_inbound + delay, PeerId(0))],
            "seed {seed}"
        );
        assert_eq!(parent, Some(PeerId(0)), "seed {seed}");
    }
}

#[test]
fn block_relay_only_links_carry_no_transactions() {
    let net = generated(bitcoin_topology(200, 0.0, true), 3).network;
    let block_only = net
        .links()
        .filter(|l| l.kind == LinkKind::BlockRelayOnly)
        .count();
    assert!(
        block_only > 100,
        "Bitcoin Core's limits give block-relay-only links: {block_only}"
    );
    for policy in gossip_policies() {
        let mut sim = Simulation::new(net.clone(), policy.clone(), 3).unwrap();
        let trace = traced_run(&mut sim, &[PeerId(0), PeerId(99)]);
        let sends = sent(&trace);
        assert!(sends.len() > 100, "{}", policy.name());
        for (_, _, _, from, to, kind) in sends {
            let link = net.link_between(from, to).unwrap();
            assert_eq!(
                net.link(link).unwrap().kind,
                LinkKind::FullRelay,
                "{}: {kind:?} from {from} to {to} over a block-relay-only link",
                policy.name()
            );
        }
    }
}

#[test]
fn bitcoin_reaches_everyone_reachable_with_one_body_per_peer() {
    let net = generated(bitcoin_topology(500, 0.0, false), 7).network;
    let source = PeerId(0);
    let component = graph::components(&net)
        .into_iter()
        .find(|c| c.contains(&source))
        .unwrap();
    let mut sim = Simulation::new(net, RelayPolicy::Bitcoin(BitcoinParams::default()), 7).unwrap();
    let tx = sim.broadcast(source).unwrap();
    sim.run();
    let m = sim.metrics(tx);
    // Every peer is online and relays, so the source's component is what it can reach.
    assert_eq!(m.reachable, component.len());
    assert_eq!(m.reached, m.reachable);
    assert_eq!(m.lost, 0);
    assert!(m.t100_ms.is_some());
    assert!(sim.unreached(tx).iter().all(|u| !component.contains(&u.id)));
    // Nothing lost, one request per peer: every peer but the source got exactly one body.
    assert_eq!(m.messages_by_kind.tx as usize, m.reached - 1);
    assert_eq!(m.messages_by_kind.getdata, m.messages_by_kind.tx);
    assert_eq!(
        m.messages,
        m.messages_by_kind.tx + m.messages_by_kind.inv + m.messages_by_kind.getdata
    );
}

/// S has the transaction; A and B hear of it from S, and R hears of it from both. R opens its
/// links to A and B (outbound for R: it asks them at once). Runs until R sends its first
/// GETDATA, then does `edit` to the announcer asked, and returns (when R asked, when R got it).
fn bitcoin_request_with(seed: u64, edit: fn(PeerId) -> Action) -> (Time, Time) {
    let mut net = Network::new(Limits::default());
    let [s, a, b, r] = [0; 4].map(|_| net.add_peer(Role::Full, true).unwrap());
    for (from, to) in [(a, s), (b, s), (r, a), (r, b)] {
        net.add_link(from, to, Time::from_ms(50), LinkKind::FullRelay)
            .unwrap();
    }
    let policy = RelayPolicy::Bitcoin(BitcoinParams::default());
    let mut sim = Simulation::new(net, policy, seed).unwrap();
    sim.set_tracing(true);
    let tx = sim.broadcast(s).unwrap();
    let (asked_at, asked) = loop {
        assert!(sim.step().is_some(), "seed {seed}: R never asked");
        let getdata = sim.drain_trace().into_iter().find_map(|e| match e {
            TraceEvent::Sent {
                at,
                from,
                to,
                kind: MessageKind::GetData,
                ..
            } if from == r => Some((at, to)),
            _ => None,
        });
        if let Some(found) = getdata {
            break found;
        }
    };
    sim.apply(edit(asked)).unwrap();
    sim.run();
    let got = sim
        .first_arrival(tx, r)
        .expect("R gets it from the other announcer");
    (asked_at, got)
}

#[test]
fn bitcoin_an_announcer_that_goes_away_hands_the_request_on_at_once() {
    // Core treats a disconnection as the end of the request: the next announcer is asked as
    // soon as there is one, not after the 60 s timeout that only a silent, connected peer costs.
    let timeout = Time::from_ms(60_000);
    for seed in 1..=10 {
        let (asked, got) = bitcoin_request_with(seed, Action::take_offline);
        assert!(
            got < asked + timeout,
            "seed {seed}: asked at {asked}, got it at {got}"
        );
    }
}

#[test]
fn bitcoin_an_announcer_that_cannot_serve_answers_notfound() {
    // The asked announcer starts censoring: it answers NOTFOUND, and R moves on at once.
    let timeout = Time::from_ms(60_000);
    for seed in 1..=10 {
        let (asked, got) = bitcoin_request_with(seed, Action::censor);
        assert!(
            got < asked + timeout,
            "seed {seed}: asked at {asked}, got it at {got}"
        );
    }
}

/// How many INVs for its own `count` transactions the opener of a single link sends in each
/// of its trickles, when it broadcasts them all at once.
fn inv_batches(count: u32, params: BitcoinParams) -> Vec<usize> {
    let mut net = Network::new(Limits::TUTORIAL);
    let a = net.add_peer(Role::Full, true).unwrap();
    let b = net.add_peer(Role::Full, true).unwrap();
    net.add_link(a, b, Time::from_ms(50), LinkKind::FullRelay)
        .unwrap();
    let mut sim = Simulation::new(net, RelayPolicy::Bitcoin(params), 7).unwrap();
    sim.set_tracing(true);
    for _ in 0..count {
        sim.broadcast(a).unwrap();
    }
    sim.run();
    let trace = sim.drain_trace();
    let mut per_trickle: BTreeMap<Time, usize> = BTreeMap::new();
    for (at, _, _, from, _, kind) in sent(&trace) {
        if from == a && kind == MessageKind::Inv {
            *per_trickle.entry(at).or_default() += 1;
        }
    }
    // Every transaction is announced exactly once, and B gets every one.
    let announced: usize = per_trickle.values().sum();
    assert_eq!(announced, count as usize);
    for tx in 0..count {
        assert!(sim.first_arrival(TxId(tx), b).is_some(), "tx {tx}");
    }
    per_trickle.into_values().collect()
}

/// Core's `SendMessages` (net_processing.cpp): a trickle sends at most
/// `min(INVENTORY_BROADCAST_MAX, target + queued / 1000 * 5)` of the queued announcements.
fn core_batches(mut queued: usize, target: usize, max: usize) -> Vec<usize> {
    let mut batches = Vec::new();
    while queued > 0 {
        let sent = (target + queued / 1000 * 5).min(max).min(queued);
        batches.push(sent);
        queued -= sent;
    }
    batches
}

#[test]
fn bitcoin_a_trickle_announces_at_most_70_as_core_30() {
    assert_eq!(inv_batches(200, BitcoinParams::default()), [70, 70, 60]);
    // Fewer than the target go out in one trickle.
    assert_eq!(inv_batches(70, BitcoinParams::default()), [70]);
    // 5 more per whole 1,000 queued: 2,500 queued go 80 at a time until 2,000 or fewer are left.
    let batches = inv_batches(2500, BitcoinParams::default());
    assert_eq!(&batches[..7], [80; 7]);
    assert_eq!(batches, core_batches(2500, 70, 1000));
}

#[test]
fn bitcoin_before_core_30_a_trickle_announced_35() {
    let before_30 = BitcoinParams {
        inv_broadcast_target: 35,
        ..BitcoinParams::default()
    };
    assert_eq!(inv_batches(100, before_30), [35, 35, 30]);
}

#[test]
fn bitcoin_no_trickle_announces_more_than_the_maximum() {
    let params = BitcoinParams {
        inv_broadcast_target: 990,
        ..BitcoinParams::default()
    };
    // 3,000 queued: 990 + 15 capped at 1,000; 2,000: 1,000; 1,000: 995; then the last 5.
    assert_eq!(inv_batches(3000, params), [1000, 1000, 995, 5]);
}

// ---- Push gossip --------------------------------------------------------------------------------

#[test]
fn push_sends_at_most_fanout_per_peer_and_round() {
    let params = PushParams {
        fanout: 2,
        rounds: Some(3),
        hop_limit: None,
        round_ms: 500.0,
    };
    let round = Time::from_ms(500);
    for seed in 1..=5 {
        let net = random_network(seed, 150, 3, (10, 400));
        let mut sim = Simulation::new(net, RelayPolicy::Push(params.clone()), seed).unwrap();
        let trace = traced_run(&mut sim, &[PeerId(0)]);
        let mut per_round: BTreeMap<(PeerId, Time), u32> = BTreeMap::new();
        for (at, _, _, from, _, kind) in sent(&trace) {
            assert_eq!(kind, MessageKind::Tx);
            assert_eq!(at.0 % round.0, 0, "pushes happen at round starts: {at}");
            *per_round.entry((from, at)).or_default() += 1;
        }
        let mut rounds_per_peer: BTreeMap<PeerId, u32> = BTreeMap::new();
        for (&(peer, at), &count) in &per_round {
            assert!(count <= params.fanout, "{peer} sent {count} at {at}");
            *rounds_per_peer.entry(peer).or_default() += 1;
        }
        assert!(rounds_per_peer.values().all(|&r| r <= 3));
        // Some peer had enough neighbours to use its whole fanout.
        assert!(per_round.values().any(|&c| c == params.fanout));
        // Active rounds are the rounds in which anyone pushed.
        let push_rounds: std::collections::BTreeSet<Time> = per_round.keys().map(|k| k.1).collect();
        assert_eq!(
            sim.metrics(TxId(0)).active_rounds,
            Some(push_rounds.len() as u32)
        );
        // The last newly informed peer was informed by the round that started last before
        // its arrival (latencies here are below a round).
        let last_arrival = sim
            .network()
            .peer_ids()
            .filter_map(|p| sim.first_arrival(TxId(0), p))
            .max()
            .unwrap();
        let expected = push_rounds.iter().filter(|&&t| t <= last_arrival).count();
        assert_eq!(sim.metrics(TxId(0)).rounds, Some(expected as u32));
    }
}

#[test]
fn push_with_a_hop_limit_stops_at_it() {
    let h = 2;
    let params = PushParams {
        fanout: 3,
        rounds: Some(6),
        hop_limit: Some(h),
        round_ms: 500.0,
    };
    for seed in 1..=5 {
        let net = random_network(seed, 150, 3, (10, 200));
        let mut sim = Simulation::new(net, RelayPolicy::Push(params.clone()), seed).unwrap();
        let trace = traced_run(&mut sim, &[PeerId(0)]);
        let tx = TxId(0);
        for (_, _, _, from, _, _) in sent(&trace) {
            let hops = sim.hops(tx, from).unwrap();
            assert!(hops < h, "{from} at {hops} hops pushed");
        }
        // Only peers below the limit push, so nobody lies further than h hops.
        let hops: Vec<u32> = sim
            .network()
            .peer_ids()
            .filter_map(|p| sim.hops(tx, p))
            .collect();
        assert_eq!(
            hops.iter().max(),
            Some(&h),
            "seed {seed}: peers at the limit were reached"
        );
        assert!(sim.metrics(tx).rounds.is_some_and(|r| r >= 1));
    }
}

#[test]
fn push_with_only_a_hop_limit_ends() {
    // PushParams documents `rounds: None` as "until the hop limit", and
    // validate() accepts it, so such a run must end.
    let params = PushParams {
        fanout: 2,
        rounds: None,
        hop_limit: Some(3),
        round_ms: 500.0,
    };
    let net = random_network(1, 30, 3, (10, 100));
    let mut sim = Simulation::new(net, RelayPolicy::Push(params), 1).unwrap();
    sim.broadcast(PeerId(0)).unwrap();
    assert!(sim.run_bounded(200_000), "the run did not end");
}

#[test]
fn round_metric_only_for_round_based_policies() {
    let net = random_network(2, 40, 3, (10, 100));
    for policy in gossip_policies() {
        let mut sim = Simulation::new(net.clone(), policy.clone(), 2).unwrap();
        let tx = sim.broadcast(PeerId(0)).unwrap();
        sim.run();
        let rounds = sim.metrics(tx).rounds;
        match policy {
            RelayPolicy::Push(_) | RelayPolicy::Rumor(_) => {
                assert!(rounds.is_some_and(|r| r >= 1), "{}", policy.name())
            }
            _ => assert_eq!(rounds, None, "{}", policy.name()),
        }
    }
}

// ---- Rumor mongering ----------------------------------------------------------------------------

/// Mean residue (share of reachable peers never reached) of rumor mongering over `seeds` seeds.
fn mean_residue(net: &Network, mode: RumorMode, k: u32, seeds: u64) -> f64 {
    let mut total = 0.0;
    for seed in 1..=seeds {
        let params = RumorParams {
            mode,
            k,
            round_ms: 100.0,
        };
        let mut sim = Simulation::new(net.clone(), RelayPolicy::Rumor(params), seed).unwrap();
        let tx = sim.broadcast(PeerId((seed % 50) as u32)).unwrap();
        sim.run();
        let m = sim.metrics(tx);
        total += (m.reachable - m.reached) as f64 / m.reachable as f64;
    }
    total / seeds as f64
}

#[test]
fn rumor_residue_shrinks_as_k_grows() {
    // A dense random graph: each of 300 peers opens up to 8 links.
    let net = random_network(5, 300, 8, (10, 10));
    assert_eq!(graph::components(&net).len(), 1);
    for mode in [RumorMode::FeedbackCounter, RumorMode::BlindCoin] {
        let r: Vec<f64> = [1, 2, 4]
            .iter()
            .map(|&k| mean_residue(&net, mode, k, 20))
            .collect();
        assert!(
            r[0] > 1.5 * r[1] && r[1] > 1.5 * r[2] && r[0] - r[2] > 0.05,
            "{mode}: residue for k = 1, 2, 4: {r:?}"
        );
    }
}

/// Rumor mongering on a complete graph of `n` sites, as in Demers et al. (1987): the mean residue
/// (share of sites never reached), traffic (messages per site) and last newly informed round over
/// `runs` runs, each from a different source and seed.
fn demers(n: u32, mode: RumorMode, k: u32, runs: u64) -> (f64, f64, f64) {
    let net = generated(Topology::Complete { peers: n }, 1).network;
    let (mut residue, mut traffic, mut last) = (0.0, 0.0, 0.0);
    for seed in 1..=runs {
        let params = RumorParams {
            mode,
            k,
            round_ms: 100.0,
        };
        let mut sim = Simulation::new(net.clone(), RelayPolicy::Rumor(params), seed).unwrap();
        let tx = sim.broadcast(PeerId((seed % u64::from(n)) as u32)).unwrap();
        sim.run();
        let m = sim.metrics(tx);
        residue += (n as usize - m.reached) as f64 / f64::from(n);
        traffic += m.messages as f64 / f64::from(n);
        last += f64::from(m.rounds.unwrap());
    }
    let runs = runs as f64;
    (residue / runs, traffic / runs, last / runs)
}

/// Whether `value` lies within `share` of `reference`.
fn within(value: f64, reference: f64, share: f64) -> bool {
    (value - reference).abs() <= share * reference
}

/// Demers et al. (1987), Table 1: feedback and counter on 1,000 sites, as (k, residue, traffic).
const DEMERS_TABLE_1: [(u32, f64, f64); 3] = [(1, 0.176, 1.74), (2, 0.037, 3.30), (3, 0.011, 4.53)];

/// Demers et al. (1987), Table 2 (as the authors' errata titles it): blind and coin on 1,000
/// sites, as (k, residue, traffic).
const DEMERS_TABLE_2: [(u32, f64, f64); 3] = [(2, 0.205, 1.59), (3, 0.060, 2.82), (4, 0.021, 3.91)];

/// The large-n residue of feedback and coin: the root s in (0, 1) of s = exp(-(k + 1)(1 - s)),
/// found by bisection (the function s - exp(-(k + 1)(1 - s)) is negative just above 0 and
/// changes sign once before 1).
fn coin_residue(k: u32) -> f64 {
    let f = |s: f64| s - (-(f64::from(k) + 1.0) * (1.0 - s)).exp();
    let (mut lo, mut hi) = (1e-9, 0.9);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[test]
fn the_coin_closed_form_gives_the_papers_figures() {
    for (k, s) in [(1, 0.203), (2, 0.060), (3, 0.020)] {
        assert!(
            within(coin_residue(k), s, 0.02),
            "k = {k}: {}",
            coin_residue(k)
        );
    }
}

/// Holds a rumor mode to a table of the paper: (k, residue, traffic), each within 15 %.
fn matches_table(mode: RumorMode, table: &[(u32, f64, f64)]) {
    for &(k, residue, traffic) in table {
        let (r, t, _) = demers(1000, mode, k, 40);
        assert!(
            within(r, residue, 0.15),
            "{mode} k = {k}: residue {r}, the paper {residue}"
        );
        assert!(
            within(t, traffic, 0.15),
            "{mode} k = {k}: traffic {t}, the paper {traffic}"
        );
    }
}

#[test]
fn rumor_feedback_counter_matches_demers_table_1() {
    matches_table(RumorMode::FeedbackCounter, &DEMERS_TABLE_1);
}

#[test]
fn rumor_blind_coin_matches_demers_table_2() {
    matches_table(RumorMode::BlindCoin, &DEMERS_TABLE_2);
}

#[test]
fn rumor_feedback_coin_matches_the_closed_form() {
    for k in 1..=3 {
        let (r, _, _) = demers(1000, RumorMode::FeedbackCoin, k, 40);
        let s = coin_residue(k);
        assert!(
            within(r, s, 0.15),
            "k = {k}: residue {r}, the closed form {s}"
        );
    }
}

/// Push with fanout 1 on 1,000 fully connected peers: the mean over `runs` runs of the round in
/// which the last peer was newly informed. Every run reaches everyone (60 rounds are plenty).
/// Rounds of 200 ms over links of 100 ms: a push arrives within the round it was made in, as
/// `Metrics::rounds` needs to count it there.
fn push_fanout_one_mean_last_round(runs: u64) -> f64 {
    let n = 1000;
    let net = generated(Topology::Complete { peers: n }, 1).network;
    let params = PushParams {
        fanout: 1,
        rounds: Some(60),
        hop_limit: None,
        round_ms: 200.0,
    };
    let mut total = 0.0;
    for seed in 1..=runs {
        let policy = RelayPolicy::Push(params.clone());
        let mut sim = Simulation::new(net.clone(), policy, seed).unwrap();
        let tx = sim.broadcast(PeerId((seed % u64::from(n)) as u32)).unwrap();
        sim.run();
        let m = sim.metrics(tx);
        assert_eq!(
            m.reached, n as usize,
            "seed {seed}: 60 rounds reach everyone"
        );
        assert!(m.active_rounds.unwrap() > m.rounds.unwrap());
        total += f64::from(m.rounds.unwrap());
    }
    total / runs as f64
}

#[test]
fn push_with_fanout_one_informs_the_last_peer_in_pittels_round() {
    // Pittel (1987): push with fanout 1 on n sites informs everyone in log2 n + ln n + O(1)
    // rounds; a Monte Carlo of that model gives 18.05 for n = 1,000. The model: every informed
    // site pushes to one site drawn uniformly among the others, every round, until all know.
    let mean = push_fanout_one_mean_last_round(60);
    assert!(within(mean, 18.05, 0.04), "mean last round {mean}");
}

/// The paper's figures over many seeds, tighter than the tests above: 400 runs per row, within
/// 10 % (residue and traffic), and Pittel's round within 3 % over 1,000 runs. Run with
/// `cargo test --release --test it -- --ignored many_seeds` (about two minutes).
#[test]
#[ignore = "long-running: 400 runs per table row"]
fn the_fixed_models_match_their_references_over_many_seeds() {
    for (mode, table) in [
        (RumorMode::FeedbackCounter, DEMERS_TABLE_1),
        (RumorMode::BlindCoin, DEMERS_TABLE_2),
    ] {
        for (k, residue, traffic) in table {
            let (r, t, _) = demers(1000, mode, k, 400);
            assert!(
                within(r, residue, 0.10),
                "{mode} k = {k}: residue {r}, the paper {residue}"
            );
            assert!(
                within(t, traffic, 0.10),
                "{mode} k = {k}: traffic {t}, the paper {traffic}"
            );
        }
    }
    for k in 1..=3 {
        let (r, _, _) = demers(1000, RumorMode::FeedbackCoin, k, 400);
        assert!(
            within(r, coin_residue(k), 0.10),
            "feedback-coin k = {k}: residue {r}"
        );
    }
    let mean = push_fanout_one_mean_last_round(1000);
    assert!(within(mean, 18.05, 0.03), "mean last round {mean}");
}

// ---- Client-server ------------------------------------------------------------------------------

fn star(clients: u32) -> (Network, PeerId) {
    let g = generated(Topology::Star { clients }, 1);
    (g.network, g.server.expect("a star has a server"))
}

fn client_server(server: PeerId) -> RelayPolicy {
    RelayPolicy::ClientServer(ClientServerParams {
        server: Some(server),
    })
}

#[test]
fn client_server_reaches_everyone_through_the_server() {
    let (net, server) = star(20);
    for client in [PeerId(1), PeerId(7), PeerId(20)] {
        let mut sim = Simulation::new(net.clone(), client_server(server), 1).unwrap();
        let tx = sim.broadcast(client).unwrap();
        sim.run();
        let m = sim.metrics(tx);
        assert_eq!(m.reached, 21);
        assert_eq!(m.reachable, 21);
        // One message to the server, and the server to every client but the sender.
        assert_eq!(m.messages, 1 + 19);
        assert_eq!(m.redundant, 0);
        for peer in sim.network().peer_ids() {
            let expected = if peer == client {
                0
            } else if peer == server {
                1
            } else {
                2
            };
            assert_eq!(sim.hops(tx, peer), Some(expected), "{peer}");
        }
    }
}

#[test]
fn client_server_fails_entirely_with_the_server_down() {
    let (net, server) = star(20);
    let client = PeerId(5);
    let mut sim = Simulation::new(net, client_server(server), 1).unwrap();
    sim.apply(Action::take_offline(server)).unwrap();
    let tx = sim.broadcast(client).unwrap();
    sim.run();
    let m = sim.metrics(tx);
    assert_eq!(m.reached, 1, "only the source has it");
    assert_eq!(m.reachable, 1);
    assert_eq!(m.lost, 1, "the one message to the server was lost");
    let unreached = sim.unreached(tx);
    assert_eq!(unreached.len(), 20);
    for u in unreached {
        let expected = if u.id == server {
            UnreachedReason::Offline
        } else {
            UnreachedReason::BehindOfflinePeer
        };
        assert_eq!(u.reason, expected, "{}", u.id);
    }
}

#[test]
fn client_server_one_client_down_changes_nothing_for_the_others() {
    let (net, server) = star(12);
    let client = PeerId(3);
    let arrivals = |sim: &Simulation, tx: TxId| -> Vec<(PeerId, Option<Time>, Option<u32>)> {
        sim.network()
            .peer_ids()
            .map(|p| (p, sim.first_arrival(tx, p), sim.hops(tx, p)))
            .collect()
    };
    let mut baseline = Simulation::new(net.clone(), client_server(server), 1).unwrap();
    let tx = baseline.broadcast(client).unwrap();
    baseline.run();
    let before = arrivals(&baseline, tx);
    for down in net.peer_ids().filter(|&p| p != server && p != client) {
        let mut sim = Simulation::new(net.clone(), client_server(server), 1).unwrap();
        sim.apply(Action::take_offline(down)).unwrap();
        let tx = sim.broadcast(client).unwrap();
        sim.run();
        let after = arrivals(&sim, tx);
        for (b, a) in before.iter().zip(&after) {
            if b.0 == down {
                assert_eq!(a.1, None);
            } else {
                assert_eq!(a, b, "{down} offline changed {}", b.0);
            }
        }
        let m = sim.metrics(tx);
        assert_eq!(m.reached, m.reachable);
        assert_eq!(m.reached, 12);
    }
}

#[test]
fn p2p_mesh_survives_any_one_non_cut_peer_going_offline() {
    let net = generated(bitcoin_topology(120, 0.0, false), 4).network;
    assert_eq!(graph::components(&net).len(), 1);
    let cuts = graph::cut_vertices(&net);
    let source = PeerId(0);
    let mut rng = SimRng::new(4);
    let mut tried = 0;
    while tried < 10 {
        let down = PeerId(rng.below(net.n_peers()) as u32);
        if down == source || cuts.contains(&down) {
            continue;
        }
        tried += 1;
        let mut sim = Simulation::new(net.clone(), RelayPolicy::Flood, 4).unwrap();
        sim.apply(Action::take_offline(down)).unwrap();
        let tx = sim.broadcast(source).unwrap();
        sim.run();
        for peer in sim.network().peer_ids() {
            assert_eq!(
                sim.first_arrival(tx, peer).is_some(),
                peer != down,
                "{down} down: {peer}"
            );
        }
        let m = sim.metrics(tx);
        assert_eq!((m.reached, m.reachable), (119, 119));
    }
}

// ---- Flood on the tutorial's demo -----------------------------------------------------------------

#[test]
fn flood_on_the_tutorial_demo_follows_bfs_and_sends_each_link_once_per_direction() {
    for seed in 1..=30 {
        let net = generated(Topology::Tutorial { peers: 6, tries: 3 }, seed).network;
        for source in net.peer_ids().collect::<Vec<_>>() {
            let bfs = graph::hop_distances(&net, source, |p| p.relays());
            let mut sim = Simulation::new(net.clone(), RelayPolicy::Flood, seed).unwrap();
            let trace = traced_run(&mut sim, &[source]);
            let tx = TxId(0);
            // Every link has the same latency, so hops are BFS distances, and
            // first arrival is hops times the latency.
            let latency = net.links().next().unwrap().latency;
            assert!(net.links().all(|l| l.latency == latency));
            for peer in net.peer_ids() {
                assert_eq!(
                    sim.hops(tx, peer),
                    bfs[peer.index()],
                    "seed {seed} {source}->{peer}"
                );
                assert_eq!(
                    sim.first_arrival(tx, peer),
                    bfs[peer.index()].map(|h| Time(latency.0 * u64::from(h)))
                );
            }
            // The seen set stops the flood: the source sends to all its
            // neighbours, every other reached peer once to all but its parent.
            let expected: usize = net
                .peer_ids()
                .filter(|&p| sim.first_arrival(tx, p).is_some())
                .map(|p| {
                    if p == source {
                        net.degree(p)
                    } else {
                        net.degree(p) - 1
                    }
                })
                .sum();
            let m = sim.metrics(tx);
            assert_eq!(m.messages as usize, expected, "seed {seed} {source}");
            assert_eq!(m.redundant as usize, expected - (m.reached - 1));
            let mut directed: BTreeMap<(PeerId, PeerId), u32> = BTreeMap::new();
            for s in sent(&trace) {
                *directed.entry((s.3, s.4)).or_default() += 1;
                assert_ne!(Some(s.4), sim.parent(tx, s.3), "never back to the parent");
            }
            assert!(directed.values().all(|&c| c == 1));
        }
    }
}

// ---- Why peers are left out ---------------------------------------------------------------------

#[test]
fn censoring_a_cut_vertex_leaves_exactly_the_far_side_behind_it() {
    let side = 5;
    let (net, middle) = barbell(side, 30);
    assert_eq!(graph::cut_vertices(&net), vec![middle]);
    for policy in [
        RelayPolicy::Flood,
        RelayPolicy::Bitcoin(BitcoinParams::default()),
    ] {
        let mut sim = Simulation::new(net.clone(), policy.clone(), 1).unwrap();
        sim.apply(Action::censor(middle)).unwrap();
        let tx = sim.broadcast(PeerId(0)).unwrap();
        sim.run();
        // The near clique and the censoring middle peer receive it.
        for p in 0..=side {
            assert!(
                sim.first_arrival(tx, PeerId(p)).is_some(),
                "{}: N{p}",
                policy.name()
            );
        }
        let unreached = sim.unreached(tx);
        let ids: Vec<PeerId> = unreached.iter().map(|u| u.id).collect();
        let far: Vec<PeerId> = (side + 1..=2 * side).map(PeerId).collect();
        assert_eq!(ids, far, "{}", policy.name());
        assert!(unreached
            .iter()
            .all(|u| u.reason == UnreachedReason::BehindNonRelayingPeer));
        let m = sim.metrics(tx);
        assert_eq!(m.reachable, side as usize + 1);
        assert_eq!(m.reached, m.reachable);
    }
    // Offline instead of censoring: the far side is behind an offline peer.
    let mut sim = Simulation::new(net, RelayPolicy::Flood, 1).unwrap();
    sim.apply(Action::take_offline(middle)).unwrap();
    let tx = sim.broadcast(PeerId(0)).unwrap();
    sim.run();
    for u in sim.unreached(tx) {
        let expected = if u.id == middle {
            UnreachedReason::Offline
        } else {
            UnreachedReason::BehindOfflinePeer
        };
        assert_eq!(u.reason, expected, "{}", u.id);
    }
    assert_eq!(sim.unreached(tx).len(), side as usize + 1);
}

/// When the origin's first INVs leave, relative to its broadcast at `at`.
fn first_inv_delays(seed: u64, at: Time) -> Vec<Time> {
    let net = generated(bitcoin_topology(60, 0.0, false), seed).network;
    let mut sim =
        Simulation::new(net, RelayPolicy::Bitcoin(BitcoinParams::default()), seed).unwrap();
    sim.set_tracing(true);
    sim.schedule(at, Action::Broadcast { peer: PeerId(0) });
    sim.run();
    let trace = sim.drain_trace();
    sent(&trace)
        .iter()
        .filter(|s| s.3 == PeerId(0) && s.5 == MessageKind::Inv)
        .map(|s| s.0 - at)
        .collect()
}

#[test]
fn bitcoin_origin_waits_for_its_poisson_timers_after_a_later_broadcast() {
    // Announcements leave on Poisson timers (means 2 s and 5 s): a delay of
    // exactly zero has probability zero.
    for seed in 1..=5 {
        let delays = first_inv_delays(seed, Time::from_ms(1));
        assert!(!delays.is_empty());
        assert!(
            delays.iter().all(|&d| d > Time::ZERO),
            "seed {seed}: {delays:?}"
        );
    }
}

#[test]
fn bitcoin_origin_waits_for_its_poisson_timers_at_time_zero() {
    for seed in 1..=5 {
        let delays = first_inv_delays(seed, Time::ZERO);
        assert!(!delays.is_empty());
        assert!(
            delays.iter().all(|&d| d > Time::ZERO),
            "seed {seed}: {delays:?}"
        );
    }
}

#[test]
fn bitcoin_messages_travel_with_the_latency_their_link_has_when_they_are_sent() {
    // Latencies changed while the relay runs, some while an outbound peer's INV timer is
    // armed: each message takes the latency its link had at the moment it was sent.
    let net = generated(bitcoin_topology(300, 0.0, false), 3).network;
    let mut latency: BTreeMap<(PeerId, PeerId), Vec<(Time, Time)>> = BTreeMap::new();
    for link in net.links() {
        latency
            .entry(pair(link.from, link.to))
            .or_default()
            .push((Time::ZERO, link.latency));
    }
    let links: Vec<(PeerId, PeerId)> = net.links().map(|l| (l.from, l.to)).collect();
    let mut sim = Simulation::new(net, RelayPolicy::Bitcoin(BitcoinParams::default()), 5).unwrap();
    let mut rng = SimRng::new(11);
    let mut edits = Vec::new();
    for _ in 0..80 {
        let (a, b) = links[(rng.next_u64() % links.len() as u64) as usize];
        let at = Time::from_ms(rng.next_u64() % 6_000);
        let to = Time::from_ms([1, 20, 300, 900][(rng.next_u64() % 4) as usize]);
        edits.push((at, a, b, to));
    }
    edits.sort_by_key(|e| e.0);
    for &(at, a, b, to) in &edits {
        let latency_ms = to.as_ms_f64();
        sim.schedule(at, Action::SetLatency { a, b, latency_ms });
        latency.get_mut(&pair(a, b)).unwrap().push((at, to));
    }
    let trace = traced_run(&mut sim, &[PeerId(0)]);
    let messages = sent(&trace);
    let mut checked = 0;
    for (at, arrives, _, from, to, _) in messages {
        // The latest change at or before the send (an edit at the same time comes first:
        // it was scheduled before the run's events of that time).
        let history = &latency[&pair(from, to)];
        let (_, expected) = history.iter().rev().find(|(t, _)| *t <= at).unwrap();
        if history.iter().any(|(t, _)| *t == at && *t != Time::ZERO) {
            continue;
        }
        assert_eq!(arrives, at + *expected, "{from} -> {to} sent at {at:?}");
        checked += 1;
    }
    assert!(checked > 1_000, "{checked} messages checked");
    assert!(
        trace
            .iter()
            .filter(|e| matches!(e, TraceEvent::Applied { .. }))
            .count()
            >= edits.len()
    );
}
