//! Rings around the source: peers placed by how far the transaction must travel to reach them, so the wave is seen moving outward.
//!
//! [`ring_layout`] builds a radial tree. The source sits at the centre; each
//! peer that can be reached (over relaying peers, as the gossip goes) sits on
//! the ring of its distance from the source, by hops or by the fastest arrival
//! time; peers that cannot be reached sit on one ring outside the rest. Each
//! ring's peers are spaced evenly round it in the depth-first order of a
//! breadth-first tree from the source, so a branch of the spread stays together.

use crate::sim::graph::ArrivalSearch;
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
    let mut search = RingSearch::new(net, source, arrangement);
    search.advance(net, usize::MAX);
    search.finish(net)
}

/// [`ring_layout`] a slice at a time, so that a page can place a large network's rings
/// between frames: [`RingSearch::advance`] until it says the search is done, then
/// [`RingSearch::finish`]. The network must not change in between.
#[derive(Clone, Debug)]
pub struct RingSearch {
    source: PeerId,
    arrangement: Arrangement,
    tree: BfsTree,
    /// The fastest arrival times, searched for once the tree is whole (by time only).
    times: Option<ArrivalSearch>,
}

impl RingSearch {
    /// The search around `source`, nothing searched yet.
    pub fn new(net: &Network, source: PeerId, arrangement: Arrangement) -> RingSearch {
        let searches = arrangement != Arrangement::Force && net.contains(source);
        let by_time = searches && arrangement == Arrangement::RingsByTime;
        RingSearch {
            source,
            arrangement,
            tree: BfsTree::start(net, source, searches),
            times: by_time.then(|| ArrivalSearch::new(net, source)),
        }
    }

    /// Searches on until about `steps` more links have been followed (a step follows one
    /// end of a link; a peer's links are followed all together): the tree first, then (by
    /// time) the fastest arrivals; true once the search is done.
    pub fn advance(&mut self, net: &Network, steps: usize) -> bool {
        if !self.tree.advance(net, self.source, steps) {
            return false;
        }
        self.times
            .as_mut()
            .is_none_or(|times| times.advance(net, steps))
    }

    /// How many peers the search for the tree has searched from, of how many it has found so
    /// far (the search for arrival times, which comes after it, is not counted).
    pub fn progress(&self) -> (usize, usize) {
        (self.tree.next, self.tree.order.len())
    }

    /// Each peer slot's place, as [`ring_layout`] gives it; finishes the search first if
    /// [`RingSearch::advance`] has not.
    pub fn finish(mut self, net: &Network) -> Vec<Option<(f64, f64)>> {
        self.advance(net, usize::MAX);
        let slots = net.peer_slots();
        let mut places = vec![None; slots];
        if self.arrangement == Arrangement::Force || !net.contains(self.source) {
            return places;
        }
        let times = self.times.map(|times| times.finish(net));
        place(net, self.source, &self.tree, times.as_deref(), &mut places);
        places
    }
}

/// Puts every peer on its ring, given the finished tree, and the fastest arrival times when
/// the rings go by time.
fn place(
    net: &Network,
    source: PeerId,
    tree: &BfsTree,
    times: Option<&[Option<Time>]>,
    places: &mut [Option<(f64, f64)>],
) {
    let slots = net.peer_slots();
    let max_hops = tree.depth.iter().flatten().copied().max().unwrap_or(0);
    let radius: Vec<Option<f64>> = match times {
        Some(times) => {
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
        None => tree
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
}

/// A breadth-first tree from the source over relaying peers, as gossip spreads.
#[derive(Clone, Debug)]
struct BfsTree {
    /// Hops from the source, by slot; `None` where the gossip cannot reach.
    depth: Vec<Option<u32>>,
    /// The peers in the order the search found them. A peer's children were found together,
    /// so they sit side by side here.
    order: Vec<PeerId>,
    /// Where each peer's children start in `order`, and how many there are, by slot.
    children: Vec<(u32, u32)>,
    /// How many peers of `order` have been searched from.
    next: usize,
}

impl BfsTree {
    /// The tree with only the source found (nothing at all when `searches` is false).
    fn start(net: &Network, source: PeerId, searches: bool) -> BfsTree {
        let slots = net.peer_slots();
        let mut depth = vec![None; slots];
        let mut order = Vec::new();
        if searches {
            depth[source.index()] = Some(0);
            order.push(source);
        }
        BfsTree {
            depth,
            order,
            children: vec![(0, 0); slots],
            next: 0,
        }
    }

    /// Finds the children of more peers, breadth first, until about `steps` links have been
    /// followed; true once every peer found has been searched from.
    fn advance(&mut self, net: &Network, source: PeerId, steps: usize) -> bool {
        let mut adjacent: Vec<PeerId> = Vec::new();
        let mut followed = 0;
        while self.next < self.order.len() && followed < steps {
            let p = self.order[self.next];
            self.next += 1;
            // Only the source and relaying peers pass the transaction on.
            if p != source && !net.peer(p).is_some_and(|x| x.relays()) {
                continue;
            }
            adjacent.clear();
            followed += net.adjacent(p).len();
            adjacent.extend(
                net.adjacent(p)
                    .iter()
                    .filter(|a| a.carries_transactions())
                    .map(|a| a.peer),
            );
            adjacent.sort_unstable();
            let first = self.order.len() as u32;
            for &q in &adjacent {
                if self.depth[q.index()].is_none()
                    && net.peer(q).is_some_and(|x| x.state != PeerState::Offline)
                {
                    self.depth[q.index()] = self.depth[p.index()].map(|d| d + 1);
                    self.order.push(q);
                }
            }
            self.children[p.index()] = (first, self.order.len() as u32 - first);
        }
        self.next >= self.order.len()
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
    use crate::sim::graph;
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
    fn the_search_in_slices_places_every_peer_as_in_one_go() {
        let mut net = network("bitcoin-1000");
        net.set_state(PeerId(5), PeerState::Offline).unwrap();
        net.set_state(PeerId(11), PeerState::Censoring).unwrap();
        let links_followed: usize = net.peer_ids().map(|p| net.adjacent(p).len()).sum();
        for arrangement in [Arrangement::RingsByHops, Arrangement::RingsByTime] {
            let whole = ring_layout(&net, PeerId(3), arrangement);
            let mut counts: Vec<(usize, usize)> = Vec::new();
            for steps in [1, 7, 100, 3_000, links_followed] {
                let mut search = RingSearch::new(&net, PeerId(3), arrangement);
                let mut slices = 1;
                while !search.advance(&net, steps) {
                    slices += 1;
                    let (searched, found) = search.progress();
                    assert!(searched <= found && found <= net.n_peers());
                }
                // A slice stops once it has followed `steps` links (all of a peer's
                // together), so a smaller budget takes more slices and the whole budget
                // one; a budget of one link searches from a peer per slice.
                if let Some(&(_, more)) = counts.last() {
                    assert!(slices <= more, "{steps}: {slices} after {more}");
                }
                counts.push((steps, slices));
                assert_eq!(
                    search.finish(&net),
                    whole,
                    "{arrangement:?} in slices of {steps}"
                );
            }
            assert!(counts[0].1 > 500, "{counts:?}");
            assert_eq!(counts.last().unwrap().1, 1, "{counts:?}");
        }
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
