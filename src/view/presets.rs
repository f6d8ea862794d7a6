//! The preset networks a classroom starts from, each a scenario one click away.

use crate::sim::generate::{GeneratorSpec, Topology};
use crate::sim::latency::LatencyModel;
use crate::sim::relay::{BitcoinParams, ClientServerParams, RelayPolicy};
use crate::sim::scenario::{Scenario, FORMAT};

/// A named starting point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Stable id, used in menus and tests (`bitcoin-30`).
    pub id: &'static str,
    /// What a teacher reads in the menu.
    pub label: &'static str,
}

/// Every preset, in menu order; the first loads when the app opens.
pub const PRESETS: [Preset; 6] = [
    Preset {
        id: "bitcoin-30",
        label: "Bitcoin-like network, 30 peers",
    },
    Preset {
        id: "tutorial-6",
        label: "The tutorial's demo, 6 peers",
    },
    Preset {
        id: "star-20",
        label: "Client-server: a star of 20 clients",
    },
    Preset {
        id: "bitcoin-1000",
        label: "Bitcoin-like network, 1,000 peers",
    },
    Preset {
        id: "bitcoin-10000",
        label: "Bitcoin-like network, 10,000 peers",
    },
    Preset {
        id: BITCOIN_FULL,
        label: "The whole Bitcoin network: 10,000 reachable + 100,000 unreachable",
    },
];

/// The preset of Bitcoin's real size, with Bitcoin Core's relay and connection limits.
pub const BITCOIN_FULL: &str = "bitcoin-full";

/// Reachable peers in [`BITCOIN_FULL`]: about as many as accept connections on the real network.
pub const FULL_REACHABLE: u32 = 10_000;

/// Unreachable peers in [`BITCOIN_FULL`] (behind NAT or firewalls: outbound links only), the
/// split sr-gi/hyperion simulates.
pub const FULL_UNREACHABLE: u32 = 100_000;

/// The preset the app opens with.
pub const DEFAULT_PRESET: &str = "bitcoin-30";

/// Latencies that vary like the Internet's: log-normal around 100 ms.
fn internet_latency() -> LatencyModel {
    LatencyModel::LogNormal {
        mean_ms: 100.0,
        sd_ms: 40.0,
    }
}

/// A scenario that generates `topology` with `seed` and relays with `relay`.
pub fn generated(
    topology: Topology,
    latency: LatencyModel,
    relay: RelayPolicy,
    seed: u64,
) -> Scenario {
    let mut spec = GeneratorSpec::new(topology);
    spec.latency = Some(latency.clone());
    Scenario {
        format: FORMAT.to_string(),
        seed,
        notes: Vec::new(),
        limits: spec.effective_limits(),
        latency,
        relay,
        generator: Some(spec),
        peers: Vec::new(),
        links: Vec::new(),
        next_peer_id: None,
        timeline: Vec::new(),
    }
}

/// The scenario of the preset with this id.
pub fn scenario(id: &str, seed: u64) -> Option<Scenario> {
    let bitcoin = |peers| {
        generated(
            Topology::bitcoin(peers),
            internet_latency(),
            RelayPolicy::Flood,
            seed,
        )
    };
    Some(match id {
        "bitcoin-30" => bitcoin(30),
        "bitcoin-1000" => bitcoin(1000),
        "bitcoin-10000" => bitcoin(10_000),
        BITCOIN_FULL => {
            let peers = FULL_REACHABLE + FULL_UNREACHABLE;
            let mut topology = Topology::bitcoin(peers);
            if let Topology::Bitcoin {
                unreachable_share,
                bitcoin_core,
                ..
            } = &mut topology
            {
                *unreachable_share = f64::from(FULL_UNREACHABLE) / f64::from(peers);
                *bitcoin_core = true;
            }
            generated(
                topology,
                internet_latency(),
                RelayPolicy::Bitcoin(BitcoinParams::default()),
                seed,
            )
        }
        "tutorial-6" => generated(
            Topology::Tutorial { peers: 6, tries: 3 },
            LatencyModel::Constant { ms: 100.0 },
            RelayPolicy::Flood,
            seed,
        ),
        "star-20" => generated(
            Topology::Star { clients: 20 },
            LatencyModel::Constant { ms: 100.0 },
            RelayPolicy::ClientServer(ClientServerParams::default()),
            seed,
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::Limits;

    #[test]
    fn every_preset_builds_a_network_of_its_size() {
        for preset in PRESETS {
            let scenario = scenario(preset.id, 1).expect("the preset exists");
            let built = scenario.build().expect("the preset builds");
            let expected = match preset.id {
                "bitcoin-30" => 30,
                "tutorial-6" => 6,
                "star-20" => 21,
                "bitcoin-1000" => 1000,
                "bitcoin-10000" => 10_000,
                BITCOIN_FULL => 110_000,
                other => panic!("a preset without an expected size: {other}"),
            };
            assert_eq!(built.network.n_peers(), expected, "{}", preset.id);
        }
        assert!(scenario("no-such-preset", 1).is_none());
    }

    #[test]
    fn the_whole_network_has_bitcoins_split_and_bitcoin_cores_limits_and_relay() {
        let scenario = scenario(BITCOIN_FULL, 1).expect("the preset exists");
        assert!(matches!(scenario.relay, RelayPolicy::Bitcoin(_)));
        let net = scenario.build().expect("the preset builds").network;
        let unreachable = net.peers().filter(|p| !p.reachable).count();
        assert_eq!((net.n_peers(), unreachable), (110_000, 100_000));
        // Core's limits today: 8 full-relay + 2 block-relay-only outbound, a feeler, 114 inbound.
        assert_eq!(net.limits(), Limits::BITCOIN_CORE);
        assert_eq!(
            (net.limits().max_inbound, net.limits().max_total),
            (114, 125)
        );
        // Every peer opened its ten outbound links, and only reachable peers accept them.
        let mut outbound = vec![0u32; net.n_peers()];
        let mut inbound = vec![0u32; net.n_peers()];
        for link in net.links() {
            outbound[link.from.index()] += 1;
            inbound[link.to.index()] += 1;
        }
        for peer in net.peers() {
            assert_eq!(outbound[peer.id.index()], 10, "{}", peer.id);
            if !peer.reachable {
                assert_eq!(inbound[peer.id.index()], 0, "{} is unreachable", peer.id);
            }
            assert!(inbound[peer.id.index()] <= 114, "{}", peer.id);
        }
    }
}
