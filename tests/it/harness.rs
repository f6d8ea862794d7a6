//! Test harness: seeded random networks and helpers that drive a simulation in virtual time.

use gossipscope::sim::network::{Limits, LinkKind, Network, PeerId, PeerState, Role};
use gossipscope::sim::rng::SimRng;
use gossipscope::sim::time::Time;

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
