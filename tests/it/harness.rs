//! Test harness: seeded random networks and helpers that drive a simulation in virtual time.

use gossipscope::sim::engine::{Simulation, TxId};
use gossipscope::sim::generate::{generate, Generated, GeneratorSpec, Topology};
use gossipscope::sim::network::{Limits, LinkKind, Network, PeerId, PeerState, Role};
use gossipscope::sim::rng::SimRng;
use gossipscope::sim::time::Time;
use gossipscope::sim::trace::{MessageKind, Outcome, TraceEvent};

/// A random network: `n` peers, each trying `tries` random outbound links,
/// with latencies in `latencies_ms` (inclusive, whole milliseconds).
pub fn random_network(seed: u64, n: usize, tries: usize, latencies_ms: (u64, u64)) -> Network {
    let mut rng = SimRng::new(seed);
    let mut net = Network::new(Limits::TUTORIAL);
    for _ in 0..n {
        net.add_peer(Role::Full, true).unwrap();
    }
    for from in 0..n {
        for _ in 0..tries {
            let to = rng.below(n);
            let span = latencies_ms.1 - latencies_ms.0 + 1;
            let latency = Time::from_ms(latencies_ms.0 + rng.below(span as usize) as u64);
            // Refusals (self, duplicate, limits) are part of the model; skip them.
            let _ = net.add_link(
                PeerId(from as u32),
                PeerId(to as u32),
                latency,
                LinkKind::FullRelay,
            );
        }
    }
    net
}

/// Marks a few peers censoring, light or offline, drawn from `seed`.
pub fn sprinkle_states(net: &mut Network, seed: u64, share: f64) {
    let mut rng = SimRng::new(seed ^ 0xabcdef);
    let ids: Vec<PeerId> = net.peer_ids().collect();
    for id in ids {
        if !rng.chance(share) {
            continue;
        }
        match rng.below(3) {
            0 => net.set_state(id, PeerState::Censoring).unwrap(),
            1 => net.set_state(id, PeerState::Offline).unwrap(),
            // Light peers accept no inbound links: only peers without any may become light.
            _ => {
                let _ = net.set_role(id, Role::Light);
            }
        }
    }
}

/// A generated network (panics on a bad spec: tests pass good ones).
pub fn generated(topology: Topology, seed: u64) -> Generated {
    let generated = generate(&GeneratorSpec::new(topology), seed).unwrap();
    generated.network.check_invariants().unwrap();
    generated
}

/// Two cliques of `side` peers each, joined only through one middle peer,
/// every link `latency_ms` long: peers `0..side` are the left clique, peer
/// `side` the middle, peers `side + 1 ..= 2 * side` the right clique. The
/// middle is linked to every peer of both cliques (they open the links). Returns the network and the middle.
pub fn barbell(side: u32, latency_ms: u64) -> (Network, PeerId) {
    let mut net = Network::new(Limits::TUTORIAL);
    for _ in 0..(2 * side + 1) {
        net.add_peer(Role::Full, true).unwrap();
    }
    let middle = PeerId(side);
    let latency = Time::from_ms(latency_ms);
    let cliques = [
        (0..side).collect::<Vec<u32>>(),
        (side + 1..=2 * side).collect(),
    ];
    for clique in &cliques {
        for (i, &a) in clique.iter().enumerate() {
            for &b in &clique[i + 1..] {
                net.add_link(PeerId(a), PeerId(b), latency, LinkKind::FullRelay)
                    .unwrap();
            }
            net.add_link(PeerId(a), middle, latency, LinkKind::FullRelay)
                .unwrap();
        }
    }
    (net, middle)
}

/// Broadcasts from `source`, runs to the end with tracing on, and returns the trace.
pub fn traced_run(sim: &mut Simulation, sources: &[PeerId]) -> Vec<TraceEvent> {
    sim.set_tracing(true);
    for &source in sources {
        sim.broadcast(source).unwrap();
    }
    assert!(sim.run_bounded(20_000_000), "the run must end");
    sim.drain_trace()
}

/// Every `Sent` event of a trace as (at, arrives, tx, from, to, kind).
pub fn sent(trace: &[TraceEvent]) -> Vec<(Time, Time, TxId, PeerId, PeerId, MessageKind)> {
    trace
        .iter()
        .filter_map(|e| match *e {
            TraceEvent::Sent {
                at,
                arrives,
                tx,
                from,
                to,
                kind,
            } => Some((at, arrives, tx, from, to, kind)),
            _ => None,
        })
        .collect()
}

/// Every `Delivered` event of a trace as (at, tx, from, to, kind, outcome).
pub fn delivered(trace: &[TraceEvent]) -> Vec<(Time, TxId, PeerId, PeerId, MessageKind, Outcome)> {
    trace
        .iter()
        .filter_map(|e| match *e {
            TraceEvent::Delivered {
                at,
                tx,
                from,
                to,
                kind,
                outcome,
            } => Some((at, tx, from, to, kind, outcome)),
            _ => None,
        })
        .collect()
}

/// A valid scenario of 10 peers (ids 0 to 9) and the given links
/// (opener, acceptor, latency in ms), as JSON text; tests break it on purpose.
pub fn explicit_scenario(links: &[(u32, u32, f64)]) -> String {
    let peers: Vec<String> = (0..10).map(|i| format!(r#"{{"id": {i}}}"#)).collect();
    let links: Vec<String> = links
        .iter()
        .map(|(a, b, ms)| format!(r#"{{"from": {a}, "to": {b}, "latency_ms": {ms}}}"#))
        .collect();
    format!(
        "{{\n  \"format\": \"gossipscope/1\",\n  \"seed\": 1,\n  \"peers\": [{}],\n  \"links\": [{}]\n}}\n",
        peers.join(", "),
        links.join(", ")
    )
}
