//! Criterion benchmarks of the core: generating Bitcoin-like networks, flood, announce-request,
//! and the first edit of a network shared with the base kept for undo.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use gossipscope::sim::action::Action;
use gossipscope::sim::engine::Simulation;
use gossipscope::sim::generate::{generate, GeneratorSpec, Topology};
use gossipscope::sim::graph;
use gossipscope::sim::latency::LatencyModel;
use gossipscope::sim::network::{Network, PeerId, PeerState};
use gossipscope::sim::relay::{BitcoinParams, RelayPolicy};

/// A Bitcoin-like topology of `peers` peers with `unreachable_share` behind NAT.
fn bitcoin(peers: u32, unreachable_share: f64) -> GeneratorSpec {
    let mut topology = Topology::bitcoin(peers);
    if let Topology::Bitcoin {
        unreachable_share: share,
        ..
    } = &mut topology
    {
        *share = unreachable_share;
    }
    let mut spec = GeneratorSpec::new(topology);
    // Real latencies vary: a log-normal spread keeps the event queue honest.
    spec.latency = Some(LatencyModel::LogNormal {
        mean_ms: 100.0,
        sd_ms: 50.0,
    });
    spec
}

fn network(spec: &GeneratorSpec) -> Network {
    generate(spec, 1)
        .expect("the benchmark network generates")
        .network
}

/// Runs one transaction from N0 to the end; returns the simulation for the caller to drop
/// outside the timing.
fn spread(net: Network, policy: &RelayPolicy) -> Simulation {
    let mut sim = Simulation::new(net, policy.clone(), 1).expect("valid policy");
    sim.broadcast(PeerId(0)).expect("N0 exists");
    sim.run();
    sim
}

fn benches(c: &mut Criterion) {
    let spec_60k = bitcoin(60_000, 0.7);
    c.bench_function("generate bitcoin 60k peers", |b| {
        b.iter(|| network(&spec_60k))
    });

    let net_60k = network(&spec_60k);
    c.bench_function("flood 60k peers", |b| {
        b.iter_batched(
            || net_60k.clone(),
            |net| spread(net, &RelayPolicy::Flood),
            BatchSize::LargeInput,
        )
    });

    // The yardstick: flood's first arrivals are shortest paths, so a plain
    // Dijkstra over the same network is the speed to aim at.
    c.bench_function("dijkstra 60k peers (reference)", |b| {
        b.iter(|| graph::shortest_arrival_times(&net_60k, PeerId(0)))
    });

    let announce = RelayPolicy::Bitcoin(BitcoinParams::default());
    let net_10k = network(&bitcoin(10_000, 0.7));
    c.bench_function("announce-request 10k peers", |b| {
        b.iter_batched(
            || net_10k.clone(),
            |net| spread(net, &announce),
            BatchSize::LargeInput,
        )
    });

    // Bitcoin's real size: 10,000 reachable and 100,000 unreachable peers.
    let net_110k = network(&bitcoin(110_000, 100.0 / 110.0));
    let mut group = c.benchmark_group("bitcoin scale");
    group.sample_size(10);
    group.bench_function("announce-request 110k peers", |b| {
        b.iter_batched(
            || net_110k.clone(),
            |net| spread(net, &announce),
            BatchSize::LargeInput,
        )
    });
    // The first edit of a run that shares the network with the base kept for undo, as the
    // page's runs do: the edit copies what it changes of the shared network.
    let shared = std::sync::Arc::new(net_110k.clone());
    let censor = Action::SetState {
        peer: PeerId(0),
        state: PeerState::Censoring,
    };
    group.bench_function("first edit of a shared 110k network", |b| {
        b.iter_batched(
            || Simulation::new(std::sync::Arc::clone(&shared), announce.clone(), 1).unwrap(),
            |mut sim| {
                sim.apply(censor.clone()).expect("N0 exists");
                sim
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
