//! Rings around the source: peers placed by how far the transaction must travel to reach them, so the wave is seen moving outward.
//!
//! [`ring_layout`] builds a radial tree. The source sits at the centre; each
//! peer that can be reached (over relaying peers, as the gossip goes) sits on
//! the ring of its distance from the source, by hops or by the fastest arrival
//! time; peers that cannot be reached sit on one ring outside the rest. Each
//! ring's peers are spaced evenly round it in the depth-first order of a
//! breadth-first tree from the source, so a branch of the spread stays together.

use crate::sim::graph;
use crate::sim::network::{Network, PeerId, PeerState};
use crate::sim::time::Time;

/// What the distance from the centre stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Arrangement {
    /// The force-directed picture.
    #[default]
    Force,
    /// Rings by hop count from the source.
    RingsByHops,
    /// Distance from the centre in proportion to the fastest arrival time.
    RingsByTime,
}

/// The gap between two rings, in layout units (the force layout's typical link is about 60).
pub const RING_GAP: f64 = 60.0;

/// Each peer slot's place in the rings around `source` (`None` for a slot without a peer).
///
/// With [`Arrangement::RingsByHops`] a peer `h` hops away sits at `h * RING_GAP`;
/// with [`Arrangement::RingsByTime`] at its fastest arrival time scaled so that
/// the latest sits where the hops' last ring would. Unreachable peers share a
/// ring one gap outside the rest. [`Arrangement::Force`] gives no places.
pub fn ring_layout(
    net: &Network,
    source: PeerId,
    arrangement: Arrangement,
) -> Vec<Option<(f64, f64)>> {
    let slots = net.peer_slots();
    let mut places = vec![None; slots];
    if arrangement == Arrangement::Force || !net.contains(source) {
        return places;
    }
    let tree = BfsTree::new(net, source);
    let max_hops = tree.depth.iter().flatten().copied().max().unwrap_or(0);
    let radius: Vec<Option<f64>> = match arrangement {
        Arrangement::RingsByTime => {
            let times = graph::shortest_arrival_times(net, source);
            let latest = times
                .iter()
                .zip(&tree.depth)
                .filter(|(_, d)| d.is_some())
                .filter_map(|(t, _)| *t)
                .max()
                .unwrap_or(Time::ZERO);
            let scale = if latest > Time::ZERO {
                max_hops.max(1) as f64 * RING_GAP / latest.as_ms_f64()
            } else {
                0.0
            };
            (0..slots)
                .map(|i| {
                    tree.depth[i]?;
                    times
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|t| t.as_ms_f64() * scale)
                })
                .collect()
        }
        _ => tree
            .depth
            .iter()
            .map(|d| d.map(|h| f64::from(h) * RING_GAP))
            .collect(),
    };
    // Each ring's peers evenly round it, in the tree's depth-first order, so a branch
    // of the spread keeps together and no ring crowds one side.
    let mut rings: Vec<Vec<PeerId>> = vec![Vec::new(); max_hops as usize + 1];
    let mut stack = vec![source];
    while let Some(p) = stack.pop() {
        if let Some(h) = tree.depth[p.index()] {
            rings[h as usize].push(p);
        }
        stack.extend(tree.children(p).iter().rev());
    }
    for ring in &rings {
        for (k, p) in ring.iter().enumerate() {
            let r = radius[p.index()].unwrap_or(0.0);
            let angle = std::f64::consts::TAU * (k as f64 + 0.5) / ring.len() as f64;
            places[p.index()] = Some((r * libm::cos(angle), r * libm::sin(angle)));
        }
    }
    // The unreachable, evenly round one outer ring.
    let outer: Vec<PeerId> = net
        .peer_ids()
        .filter(|p| tree.depth[p.index()].is_none())
        .collect();
    let r = f64::from(max_hops + 1) * RING_GAP;
    for (k, p) in outer.iter().enumerate() {
        let angle = std::f64::consts::TAU * k as f64 / outer.len() as f64;
        places[p.index()] = Some((r * libm::cos(angle), r * libm::sin(angle)));
    }
    places
}

/// A breadth-first tree from the source over relaying peers, as gossip spreads.
struct BfsTree {
    /// Hops from the source, by slot; `None` where the gossip cannot reach.
    depth: Vec<Option<u32>>,
    /// The peers in the order the search found them. A peer's children were found together,
    /// so they sit side by side here.
    order: Vec<PeerId>,
    /// Where each peer's children start in `order`, and how many there are, by slot.
    children: Vec<(u32, u32)>,
}

impl BfsTree {
    fn new(net: &Network, source: PeerId) -> BfsTree {
        let slots = net.peer_slots();
        let mut depth = vec![None; slots];
        let mut children = vec![(0, 0); slots];
        let mut order = vec![source];
        let mut adjacent: Vec<PeerId> = Vec::new();
        depth[source.index()] = Some(0);
        let mut next = 0;
        while next < order.len() {
            let p = order[next];
            next += 1;
            // Only the source and relaying peers pass the transaction on.
            if p != source && !net.peer(p).is_some_and(|x| x.relays()) {
                continue;
            }
            adjacent.clear();
            adjacent.extend(
                net.adjacent(p)
                    .iter()
                    .filter(|a| a.carries_transactions())
                    .map(|a| a.peer),
            );
            adjacent.sort_unstable();
            let first = order.len() as u32;
            for &q in &adjacent {
                if depth[q.index()].is_none()
                    && net.peer(q).is_some_and(|x| x.state != PeerState::Offline)
                {
                    depth[q.index()] = depth[p.index()].map(|d| d + 1);
                    order.push(q);
                }
            }
            children[p.index()] = (first, order.len() as u32 - first);
        }
        BfsTree {
            depth,
            order,
            children,
        }
    }

    /// A peer's children in the tree, in the order they were found.
    fn children(&self, p: PeerId) -> &[PeerId] {
        let (first, n) = self.children[p.index()];
        &self.order[first as usize..(first + n) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::presets;

    fn distance(p: (f64, f64)) -> f64 {
        (p.0 * p.0 + p.1 * p.1).sqrt()
    }

    fn network(id: &str) -> Network {
        presets::scenario(id, 1).unwrap().build().unwrap().network
    }

    #[test]
    fn each_peer_sits_on_the_ring_of_its_hop_distance() {
        let mut net = network("bitcoin-1000");
        net.set_state(PeerId(7), PeerState::Censoring).unwrap();
        net.set_state(PeerId(9), PeerState::Offline).unwrap();
        let source = PeerId(0);
        let places = ring_layout(&net, source, Arrangement::RingsByHops);
        // The distances the gossip can cover, found by the graph module's own search.
        let hops = graph::hop_distances(&net, source, |p| p.relays());
        let max = hops.iter().flatten().copied().max().unwrap();
        for p in net.peer_ids() {
            let r = distance(places[p.index()].unwrap());
            let expected = match hops[p.index()] {
                Some(h) if net.peer(p).unwrap().state != PeerState::Offline => f64::from(h),
                _ => f64::from(max + 1),
            };
            assert!((r - expected * RING_GAP).abs() < 1e-6, "{p}: {r}");
        }
    }

    #[test]
    fn by_time_the_distance_grows_with_the_fastest_arrival() {
        let net = network("bitcoin-30");
        let source = PeerId(3);
        let places = ring_layout(&net, source, Arrangement::RingsByTime);
        let times = graph::shortest_arrival_times(&net, source);
        let mut pairs: Vec<(Time, f64)> = net
            .peer_ids()
            .map(|p| {
                (
                    times[p.index()].unwrap(),
                    distance(places[p.index()].unwrap()),
                )
            })
            .collect();
        pairs.sort_by_key(|pair| pair.0);
        assert_eq!(pairs[0], (Time::ZERO, 0.0), "the source at the centre");
        for w in pairs.windows(2) {
            assert!(w[0].1 <= w[1].1 + 1e-9, "{w:?}");
        }
        // The latest arrival on the last hop ring.
        let hops = graph::hop_distances(&net, source, |p| p.relays());
        let max = hops.iter().flatten().copied().max().unwrap();
        assert!((pairs.last().unwrap().1 - f64::from(max) * RING_GAP).abs() < 1e-6);
    }

    #[test]
    fn every_peer_has_a_place_of_its_own_and_force_gives_none() {
        let net = network("bitcoin-1000");
        let places = ring_layout(&net, PeerId(0), Arrangement::RingsByHops);
        let mut seen: Vec<(i64, i64)> = places
            .iter()
            .flatten()
            .map(|p| ((p.0 * 1e6) as i64, (p.1 * 1e6) as i64))
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(
            seen.len(),
            net.n_peers(),
            "every peer has a place of its own"
        );
        assert!(ring_layout(&net, PeerId(0), Arrangement::Force)
            .iter()
            .all(Option::is_none));
    }
}
