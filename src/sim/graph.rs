//! Graph facts about a network: components, cut vertices, bridges, degrees and distances.
//!
//! Every algorithm here is iterative and runs in time linear in the number of
//! peers and links (Dijkstra adds a logarithmic factor), so it copes with
//! networks of a hundred thousand peers and a million links without
//! recursing. Results are deterministic: lists of ids come out ascending and
//! per-peer vectors are indexed by peer id, sized [`Network::peer_slots`].
//!
//! The structural facts ([`components`], [`cut_vertices`], [`bridges`],
//! [`degree_histogram`]) look at every live peer, whatever its state or role,
//! and at every link, whatever its kind. The distance functions
//! ([`hop_distances`], [`shortest_arrival_times`]) follow transactions
//! instead: they use only links that carry transactions and expand only peers
//! that pass them on.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::Serialize;

use crate::sim::network::{LinkId, Network, Peer, PeerId, PeerState};
use crate::sim::time::Time;

/// Marks a peer that a search has not reached yet.
const UNSEEN: u32 = u32::MAX;

/// Marks the missing parent link of a depth-first search root.
const NO_LINK: u32 = u32::MAX;

/// A summary of a network's shape, ready to serialize into a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GraphFacts {
    /// The number of connected components (an isolated peer is one).
    pub components: usize,
    /// The number of peers in the largest component (0 for an empty network).
    pub largest_component: usize,
    /// Peers whose removal would split their component, ascending.
    pub cut_vertices: Vec<PeerId>,
    /// Links whose removal would split their component, ascending.
    pub bridges: Vec<LinkId>,
    /// How many peers have each degree: index is the degree, value the count.
    pub degree_histogram: Vec<usize>,
}

/// Computes every structural fact about the network in a few linear passes.
pub fn facts(net: &Network) -> GraphFacts {
    let sizes = component_sizes(net);
    let (cut_vertices, bridges) = cut_vertices_and_bridges(net);
    GraphFacts {
        components: sizes.len(),
        largest_component: sizes.iter().copied().max().unwrap_or(0),
        cut_vertices,
        bridges,
        degree_histogram: degree_histogram(net),
    }
}

/// Labels every live peer with its component, numbered in order of each component's
/// smallest id, and returns the labels (indexed by peer id) and the number of components.
///
/// Removed peers keep the label [`UNSEEN`].
fn component_labels(net: &Network) -> (Vec<u32>, usize) {
    // Union-find over the list of links, read in order: at Bitcoin's size a third of the
    // time of a breadth-first search, which jumps between peers' adjacency lists. A
    // group's root is always its smallest id (the higher root joins the lower).
    let mut root: Vec<u32> = (0..net.peer_slots() as u32).collect();
    fn find(root: &mut [u32], mut peer: u32) -> u32 {
        while root[peer as usize] != peer {
            let up = root[root[peer as usize] as usize];
            root[peer as usize] = up;
            peer = up;
        }
        peer
    }
    for link in net.links() {
        let (a, b) = (find(&mut root, link.from.0), find(&mut root, link.to.0));
        root[a.max(b) as usize] = a.min(b);
    }
    let mut label = vec![UNSEEN; net.peer_slots()];
    let mut count = 0u32;
    // Ids ascend, so each group's root (its smallest id) comes before the rest of it.
    for peer in net.peer_ids() {
        let r = find(&mut root, peer.0);
        if r == peer.0 {
            label[peer.index()] = count;
            count += 1;
        } else {
            label[peer.index()] = label[r as usize];
        }
    }
    (label, count as usize)
}

/// The peers of the largest connected group, ascending (of two as large, the one with the
/// smaller least id).
pub fn largest_component(net: &Network) -> Vec<PeerId> {
    let (label, count) = component_labels(net);
    let mut sizes = vec![0usize; count];
    for peer in net.peer_ids() {
        sizes[label[peer.index()] as usize] += 1;
    }
    // The first of the largest: `max_by_key` would take the last.
    let Some(largest) = (0..count).rev().max_by_key(|&c| sizes[c]) else {
        return Vec::new();
    };
    net.peer_ids()
        .filter(|p| label[p.index()] as usize == largest)
        .collect()
}

/// Returns the size of each component, in order of each component's smallest id.
fn component_sizes(net: &Network) -> Vec<usize> {
    let (label, count) = component_labels(net);
    let mut sizes = vec![0; count];
    for &l in label.iter().filter(|&&l| l != UNSEEN) {
        sizes[l as usize] += 1;
    }
    sizes
}

/// Returns the connected components of the network over all live peers and all links.
///
/// Each component lists its peers in ascending id order, and the components
/// are ordered by their smallest id. Offline peers and block-relay-only links
/// count like any others: this is the shape of the network, not of relay.
pub fn components(net: &Network) -> Vec<Vec<PeerId>> {
    let (label, count) = component_labels(net);
    let mut components = vec![Vec::new(); count];
    // Peer ids ascend, so every component comes out sorted.
    for peer in net.peer_ids() {
        components[label[peer.index()] as usize].push(peer);
    }
    components
}

/// Returns the cut vertices (articulation points): peers whose removal would
/// leave their component in more than one piece, in ascending id order.
///
/// Like [`components`], this looks at all live peers and all links.
pub fn cut_vertices(net: &Network) -> Vec<PeerId> {
    cut_vertices_and_bridges(net).0
}

/// Returns the bridges: links whose removal would leave their component in
/// two pieces, in ascending id order.
///
/// Like [`components`], this looks at all live peers and all links.
pub fn bridges(net: &Network) -> Vec<LinkId> {
    cut_vertices_and_bridges(net).1
}

/// One peer on the explicit depth-first search stack.
#[derive(Clone, Debug)]
struct Frame {
    /// The peer being explored.
    peer: PeerId,
    /// The link the search arrived by, or [`NO_LINK`] at a root.
    parent_link: u32,
    /// The position in the peer's adjacency list to look at next.
    next: usize,
}

/// Finds cut vertices and bridges together with one iterative Hopcroft–Tarjan search.
pub fn cut_vertices_and_bridges(net: &Network) -> (Vec<PeerId>, Vec<LinkId>) {
    let mut search = CriticalSearch::new(net);
    search.advance(net, usize::MAX);
    search.finish(net)
}

/// The cut vertices and bridges of a network found a slice at a time (one iterative
/// Hopcroft–Tarjan search), so that a page can find them in Bitcoin's whole network without
/// holding up its frames: [`CriticalSearch::advance`] until it says it is done, then
/// [`CriticalSearch::finish`]. The network must not change in between.
///
/// The search skips the link it arrived by (not the peer it came from), so
/// it would stay correct even if two peers were joined by parallel links.
#[derive(Clone, Debug)]
pub struct CriticalSearch {
    /// Discovery order of each peer.
    disc: Vec<u32>,
    /// The lowest discovery order reachable from each peer's subtree through at most one
    /// back link.
    low: Vec<u32>,
    is_cut: Vec<bool>,
    bridges: Vec<LinkId>,
    stack: Vec<Frame>,
    clock: u32,
    /// The next slot to try as a root.
    next_root: usize,
    /// The root of the search under way, and how many children it has in the search tree.
    root: PeerId,
    root_children: usize,
}

impl CriticalSearch {
    /// A search of `net` that has not started.
    pub fn new(net: &Network) -> CriticalSearch {
        let slots = net.peer_slots();
        CriticalSearch {
            disc: vec![UNSEEN; slots],
            low: vec![UNSEEN; slots],
            is_cut: vec![false; slots],
            bridges: Vec::new(),
            stack: Vec::new(),
            clock: 0,
            next_root: 0,
            root: PeerId(0),
            root_children: 0,
        }
    }

    /// Follows up to `steps` more adjacency entries; returns whether the search has ended.
    pub fn advance(&mut self, net: &Network, steps: usize) -> bool {
        let mut steps = steps;
        loop {
            if self.stack.is_empty() && !self.next_search(net) {
                return true;
            }
            while let Some(top) = self.stack.last_mut() {
                if steps == 0 {
                    return false;
                }
                steps -= 1;
                let u = top.peer;
                if let Some(adj) = net.adjacent(u).get(top.next) {
                    top.next += 1;
                    if adj.link.0 == top.parent_link {
                        continue;
                    }
                    let v = adj.peer;
                    if self.disc[v.index()] == UNSEEN {
                        self.discover(v);
                        if u == self.root {
                            self.root_children += 1;
                        }
                        self.stack.push(Frame {
                            peer: v,
                            parent_link: adj.link.0,
                            next: 0,
                        });
                    } else {
                        self.low[u.index()] = self.low[u.index()].min(self.disc[v.index()]);
                    }
                } else {
                    let done = self.stack.pop().expect("the stack has a top frame");
                    if let Some(parent) = self.stack.last() {
                        let (p, c) = (parent.peer.index(), done.peer.index());
                        self.low[p] = self.low[p].min(self.low[c]);
                        if self.low[c] > self.disc[p] {
                            self.bridges.push(LinkId(done.parent_link));
                        }
                        if parent.peer != self.root && self.low[c] >= self.disc[p] {
                            self.is_cut[p] = true;
                        }
                    } else if self.root_children >= 2 {
                        self.is_cut[self.root.index()] = true;
                    }
                }
            }
        }
    }

    /// How far the search has got: peers discovered, of all the slots.
    pub fn progress(&self) -> (usize, usize) {
        (self.clock as usize, self.disc.len())
    }

    /// Starts a search from the next live peer not yet discovered; `false` if there is none.
    fn next_search(&mut self, net: &Network) -> bool {
        while self.next_root < self.disc.len() {
            let root = PeerId(self.next_root as u32);
            self.next_root += 1;
            if net.contains(root) && self.disc[root.index()] == UNSEEN {
                self.root = root;
                self.root_children = 0;
                self.discover(root);
                self.stack.push(Frame {
                    peer: root,
                    parent_link: NO_LINK,
                    next: 0,
                });
                return true;
            }
        }
        false
    }

    fn discover(&mut self, peer: PeerId) {
        self.disc[peer.index()] = self.clock;
        self.low[peer.index()] = self.clock;
        self.clock += 1;
    }

    /// The cut vertices and the bridges, each in ascending id order (the rest of the search
    /// is done first if it has not ended).
    pub fn finish(mut self, net: &Network) -> (Vec<PeerId>, Vec<LinkId>) {
        self.advance(net, usize::MAX);
        let cut = net.peer_ids().filter(|p| self.is_cut[p.index()]).collect();
        self.bridges.sort_unstable();
        (cut, self.bridges)
    }
}

/// Returns how many live peers have each degree: index is the number of
/// links (of any kind), value the number of peers with that many.
///
/// The vector ends at the highest degree present, and is empty for a network
/// without peers.
pub fn degree_histogram(net: &Network) -> Vec<usize> {
    let mut histogram = Vec::new();
    for peer in net.peer_ids() {
        let degree = net.degree(peer);
        if histogram.len() <= degree {
            histogram.resize(degree + 1, 0);
        }
        histogram[degree] += 1;
    }
    histogram
}

/// Returns each peer's distance in hops from `source` by breadth-first search,
/// indexed by peer id (length [`Network::peer_slots`]).
///
/// Only links that carry transactions are followed. A peer for which
/// `passable` returns false is reached (it gets a distance) but not expanded,
/// so nothing is reached through it; the source is always expanded. The
/// source has distance 0, unreached and removed peers have `None`, and every
/// entry is `None` when the source is not a live peer.
pub fn hop_distances(
    net: &Network,
    source: PeerId,
    passable: impl Fn(&Peer) -> bool,
) -> Vec<Option<u32>> {
    HopSearch::new(net, source).finish(net, passable)
}

/// [`hop_distances`] a slice at a time, so that a page can search a large network between
/// frames: [`HopSearch::advance`] until it says the search is done, then
/// [`HopSearch::finish`], with the same `passable` each time. The network must not change
/// in between.
#[derive(Clone, Debug)]
pub struct HopSearch {
    source: PeerId,
    dist: Vec<Option<u32>>,
    /// The peers found, in the order found; those before `next` have been expanded.
    found: Vec<PeerId>,
    next: usize,
}

impl HopSearch {
    /// The search from `source`, nothing searched yet.
    pub fn new(net: &Network, source: PeerId) -> HopSearch {
        let mut dist = vec![None; net.peer_slots()];
        let mut found = Vec::new();
        if net.contains(source) {
            dist[source.index()] = Some(0);
            found.push(source);
        }
        HopSearch {
            source,
            dist,
            found,
            next: 0,
        }
    }

    /// Searches on until about `steps` more links have been followed (a step follows one
    /// end of a link; a peer's links are followed all together); true once the search is
    /// done.
    pub fn advance(
        &mut self,
        net: &Network,
        passable: impl Fn(&Peer) -> bool,
        steps: usize,
    ) -> bool {
        let mut followed = 0;
        while self.next < self.found.len() && followed < steps {
            let peer = self.found[self.next];
            self.next += 1;
            if peer != self.source && !net.peer(peer).is_some_and(&passable) {
                continue;
            }
            let d = self.dist[peer.index()].map(|d| d + 1);
            followed += net.adjacent(peer).len();
            for adj in net.adjacent(peer) {
                if adj.carries_transactions() && self.dist[adj.peer.index()].is_none() {
                    self.dist[adj.peer.index()] = d;
                    self.found.push(adj.peer);
                }
            }
        }
        self.next >= self.found.len()
    }

    /// The hops to each peer slot, as [`hop_distances`] gives them; finishes the search
    /// first if [`HopSearch::advance`] has not.
    pub fn finish(mut self, net: &Network, passable: impl Fn(&Peer) -> bool) -> Vec<Option<u32>> {
        self.advance(net, passable, usize::MAX);
        self.dist
    }
}

/// Returns how many peers lie at each hop distance: index is the number of
/// hops, value the number of peers that far away; unreached peers are not counted.
///
/// The vector ends at the largest distance present, and is empty when no
/// peer was reached.
pub fn hop_histogram(distances: &[Option<u32>]) -> Vec<usize> {
    let mut histogram = Vec::new();
    for &d in distances.iter().flatten() {
        let d = d as usize;
        if histogram.len() <= d {
            histogram.resize(d + 1, 0);
        }
        histogram[d] += 1;
    }
    histogram
}

/// Returns the earliest time a transaction broadcast by `source` at time zero
/// can reach each peer, indexed by peer id (length [`Network::peer_slots`]).
///
/// This is Dijkstra's algorithm over link latencies, and the oracle for flood
/// relay: only links that carry transactions are used, only peers that relay
/// ([`Peer::relays`]) pass the transaction on, and offline peers are never
/// reached. The source passes on its own transaction whatever its role or
/// state, unless it is offline, in which case nothing (not even the source)
/// is reached. Validation delays and link loss are ignored. Unreached and
/// removed peers have `None`, as does every peer when the source is not live.
pub fn shortest_arrival_times(net: &Network, source: PeerId) -> Vec<Option<Time>> {
    let mut search = ArrivalSearch::new(net, source);
    search.advance(net, usize::MAX);
    search.finish(net)
}

/// [`shortest_arrival_times`] a slice at a time, so that a page can search a large network
/// between frames: [`ArrivalSearch::advance`] until it says the search is done, then
/// [`ArrivalSearch::finish`]. The network must not change in between.
#[derive(Clone, Debug)]
pub struct ArrivalSearch {
    source: PeerId,
    best: Vec<Option<Time>>,
    settled: Vec<bool>,
    heap: BinaryHeap<Reverse<(Time, PeerId)>>,
}

impl ArrivalSearch {
    /// The search from `source`, nothing searched yet.
    pub fn new(net: &Network, source: PeerId) -> ArrivalSearch {
        let mut best: Vec<Option<Time>> = vec![None; net.peer_slots()];
        let mut heap = BinaryHeap::new();
        if net
            .peer(source)
            .is_some_and(|p| p.state != PeerState::Offline)
        {
            best[source.index()] = Some(Time::ZERO);
            heap.push(Reverse((Time::ZERO, source)));
        }
        ArrivalSearch {
            source,
            best,
            settled: vec![false; net.peer_slots()],
            heap,
        }
    }

    /// Searches on until about `steps` more links have been followed (a step follows one
    /// end of a link; a peer's links are followed all together); true once the search is
    /// done.
    pub fn advance(&mut self, net: &Network, steps: usize) -> bool {
        let mut followed = 0;
        // Ties pop in ascending id order, so the search order is deterministic.
        while followed < steps {
            let Some(Reverse((at, peer))) = self.heap.pop() else {
                return true;
            };
            if std::mem::replace(&mut self.settled[peer.index()], true) {
                continue;
            }
            let expands = peer == self.source || net.peer(peer).is_some_and(Peer::relays);
            if !expands {
                continue;
            }
            followed += net.adjacent(peer).len();
            for adj in net.adjacent(peer) {
                if !adj.carries_transactions() || self.settled[adj.peer.index()] {
                    continue;
                }
                let reachable = net
                    .peer(adj.peer)
                    .is_some_and(|p| p.state != PeerState::Offline);
                if !reachable {
                    continue;
                }
                let arrival = at + adj.latency();
                if self.best[adj.peer.index()].is_none_or(|b| arrival < b) {
                    self.best[adj.peer.index()] = Some(arrival);
                    self.heap.push(Reverse((arrival, adj.peer)));
                }
            }
        }
        self.heap.is_empty()
    }

    /// The fastest arrival at each peer slot, as [`shortest_arrival_times`] gives it;
    /// finishes the search first if [`ArrivalSearch::advance`] has not.
    pub fn finish(mut self, net: &Network) -> Vec<Option<Time>> {
        self.advance(net, usize::MAX);
        self.best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::{Limits, LinkKind, Role};
    use proptest::prelude::*;

    /// A network of `n` online, reachable full peers and no links.
    fn peers(n: u32) -> Network {
        let mut net = Network::new(Limits::TUTORIAL);
        for _ in 0..n {
            net.add_peer(Role::Full, true).unwrap();
        }
        net
    }

    /// Adds a full-relay link with a latency in milliseconds.
    fn link(net: &mut Network, a: u32, b: u32, ms: u64) -> LinkId {
        net.add_link(PeerId(a), PeerId(b), Time::from_ms(ms), LinkKind::FullRelay)
            .unwrap()
    }

    fn ids(raw: &[u32]) -> Vec<PeerId> {
        raw.iter().copied().map(PeerId).collect()
    }

    #[test]
    fn a_path_has_its_middle_as_cut_vertex_and_both_links_as_bridges() {
        let mut net = peers(3);
        let ab = link(&mut net, 0, 1, 1);
        let bc = link(&mut net, 1, 2, 1);
        assert_eq!(cut_vertices(&net), ids(&[1]));
        assert_eq!(bridges(&net), vec![ab, bc]);
        assert_eq!(components(&net), vec![ids(&[0, 1, 2])]);
        assert_eq!(degree_histogram(&net), vec![0, 2, 1]);
    }

    #[test]
    fn a_cycle_has_no_cut_vertices_or_bridges() {
        let mut net = peers(5);
        for i in 0..5 {
            link(&mut net, i, (i + 1) % 5, 1);
        }
        assert!(cut_vertices(&net).is_empty());
        assert!(bridges(&net).is_empty());
        assert_eq!(degree_histogram(&net), vec![0, 0, 5]);
    }

    #[test]
    fn two_triangles_joined_by_a_link_have_two_cut_vertices_and_one_bridge() {
        let mut net = peers(6);
        for (a, b) in [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)] {
            link(&mut net, a, b, 1);
        }
        let joint = link(&mut net, 2, 3, 1);
        let f = facts(&net);
        assert_eq!(f.cut_vertices, ids(&[2, 3]));
        assert_eq!(f.bridges, vec![joint]);
        assert_eq!(f.components, 1);
        assert_eq!(f.largest_component, 6);
        assert_eq!(f.degree_histogram, vec![0, 0, 4, 2]);
    }

    #[test]
    fn removing_the_middle_of_a_path_splits_it() {
        let mut net = peers(4);
        link(&mut net, 0, 1, 1);
        link(&mut net, 1, 2, 1);
        assert_eq!(components(&net), vec![ids(&[0, 1, 2]), ids(&[3])]);
        net.remove_peer(PeerId(1)).unwrap();
        assert_eq!(components(&net), vec![ids(&[0]), ids(&[2]), ids(&[3])]);
        let f = facts(&net);
        assert_eq!((f.components, f.largest_component), (3, 1));
        assert!(f.cut_vertices.is_empty() && f.bridges.is_empty());
    }

    #[test]
    fn facts_serialize_ids_as_plain_numbers() {
        let mut net = peers(3);
        link(&mut net, 0, 1, 1);
        link(&mut net, 1, 2, 1);
        let json = serde_json::to_string(&facts(&net)).unwrap();
        assert_eq!(
            json,
            r#"{"components":1,"largest_component":3,"cut_vertices":[1],"bridges":[0,1],"degree_histogram":[0,2,1]}"#
        );
        assert_eq!(
            facts(&Network::new(Limits::TUTORIAL)),
            GraphFacts::default()
        );
    }

    #[test]
    fn dijkstra_prefers_the_faster_path_and_respects_relaying() {
        // 0 -10- 1 -10- 3, and 0 -2- 2 -3- 1: the detour via 2 is faster.
        let mut net = peers(7);
        link(&mut net, 0, 1, 10);
        link(&mut net, 1, 3, 10);
        link(&mut net, 0, 2, 2);
        link(&mut net, 2, 1, 3);
        // 4 censors: it is reached but passes nothing on to 5.
        link(&mut net, 3, 4, 1);
        link(&mut net, 4, 5, 1);
        net.set_state(PeerId(4), PeerState::Censoring).unwrap();
        // 6 is offline: never reached, even though it is linked.
        link(&mut net, 3, 6, 1);
        net.set_state(PeerId(6), PeerState::Offline).unwrap();
        let ms = |t: u64| Some(Time::from_ms(t));
        let times = shortest_arrival_times(&net, PeerId(0));
        assert_eq!(times, vec![ms(0), ms(5), ms(2), ms(15), ms(16), None, None]);

        // A censoring source still broadcasts its own transaction.
        let times = shortest_arrival_times(&net, PeerId(4));
        assert_eq!(times[5], ms(1));
        assert_eq!(times[0], ms(16));

        // An offline source reaches no one.
        let times = shortest_arrival_times(&net, PeerId(6));
        assert!(times.iter().all(Option::is_none));
    }

    #[test]
    fn dijkstra_ignores_block_relay_only_links() {
        let mut net = Network::new(Limits::BITCOIN_CORE);
        for _ in 0..3 {
            net.add_peer(Role::Full, true).unwrap();
        }
        net.add_link(
            PeerId(0),
            PeerId(1),
            Time::from_ms(1),
            LinkKind::BlockRelayOnly,
        )
        .unwrap();
        link(&mut net, 0, 2, 5);
        link(&mut net, 2, 1, 5);
        let times = shortest_arrival_times(&net, PeerId(0));
        assert_eq!(times[1], Some(Time::from_ms(10)));
        assert_eq!(hop_distances(&net, PeerId(0), |_| true)[1], Some(2));
    }

    #[test]
    fn hop_distances_do_not_pass_through_impassable_peers() {
        // 0 - 1 - 2 - 3, and 0 - 4 - 5 - 6 - 3.
        let mut net = peers(7);
        for (a, b) in [(0, 1), (1, 2), (2, 3), (0, 4), (4, 5), (5, 6), (6, 3)] {
            link(&mut net, a, b, 1);
        }
        let all = hop_distances(&net, PeerId(0), |_| true);
        assert_eq!(all[3], Some(3));
        let blocked = hop_distances(&net, PeerId(0), |p| p.id != PeerId(1));
        assert_eq!(blocked[1], Some(1), "an impassable peer is still reached");
        assert_eq!(blocked[2], Some(5));
        assert_eq!(blocked[3], Some(4));
        assert_eq!(hop_histogram(&blocked), vec![1, 2, 1, 1, 1, 1]);

        // The source expands even when it is not passable itself.
        let from_1 = hop_distances(&net, PeerId(1), |p| p.id != PeerId(1));
        assert_eq!(from_1[3], Some(2));

        net.remove_peer(PeerId(5)).unwrap();
        let after = hop_distances(&net, PeerId(0), |p| p.id != PeerId(1));
        assert_eq!(after[5], None);
        assert_eq!(after[3], None);
        assert!(hop_distances(&net, PeerId(5), |_| true)
            .iter()
            .all(Option::is_none));
        assert!(hop_histogram(&[None, None]).is_empty());
    }

    #[test]
    fn a_long_path_does_not_overflow_the_stack() {
        let n = 200_000;
        let mut net = peers(n);
        for i in 0..n - 1 {
            link(&mut net, i, i + 1, 1);
        }
        assert_eq!(cut_vertices(&net).len(), n as usize - 2);
        assert_eq!(bridges(&net).len(), n as usize - 1);
        let times = shortest_arrival_times(&net, PeerId(0));
        assert_eq!(times[n as usize - 1], Some(Time::from_ms(u64::from(n) - 1)));
    }

    /// Generous limits, so random graphs never run into them.
    const ROOMY: Limits = Limits {
        max_outbound: 64,
        max_block_relay_outbound: 64,
        feeler_slots: 0,
        max_inbound: 64,
        max_total: 128,
    };

    /// A random small network: some peers, some links of either kind with
    /// latencies, some peers removed afterwards, and random states.
    fn arb_network() -> impl Strategy<Value = Network> {
        (1usize..12).prop_flat_map(|n| {
            let pairs = n * (n - 1) / 2;
            (
                proptest::collection::vec((0u8..4, 0u64..20), pairs),
                proptest::collection::vec((any::<bool>(), 0u8..3), n),
            )
                .prop_map(move |(edges, peers)| {
                    let mut net = Network::new(ROOMY);
                    for _ in 0..n {
                        net.add_peer(Role::Full, true).unwrap();
                    }
                    let mut k = 0;
                    for a in 0..n as u32 {
                        for b in a + 1..n as u32 {
                            let (choice, ms) = edges[k];
                            k += 1;
                            let kind = match choice {
                                0 => LinkKind::BlockRelayOnly,
                                1 => LinkKind::FullRelay,
                                _ => continue,
                            };
                            net.add_link(PeerId(a), PeerId(b), Time::from_ms(ms), kind)
                                .unwrap();
                        }
                    }
                    for (i, &(keep, state)) in peers.iter().enumerate() {
                        let id = PeerId(i as u32);
                        if !keep && i % 3 == 0 {
                            net.remove_peer(id).unwrap();
                            continue;
                        }
                        let state = [PeerState::Online, PeerState::Offline, PeerState::Censoring]
                            [state as usize];
                        net.set_state(id, state).unwrap();
                    }
                    net
                })
        })
    }

    /// Components by label propagation (each peer takes the smallest id among its
    /// neighbours' labels until nothing changes), ignoring one peer and one link if asked:
    /// independent of the union-find under test.
    fn brute_components(
        net: &Network,
        without_peer: Option<PeerId>,
        without_link: Option<LinkId>,
    ) -> Vec<Vec<PeerId>> {
        let mut label: Vec<usize> = (0..net.peer_slots()).collect();
        let mut changed = true;
        while changed {
            changed = false;
            for l in net.links() {
                let skip = Some(l.id) == without_link
                    || Some(l.from) == without_peer
                    || Some(l.to) == without_peer;
                let (a, b) = (l.from.index(), l.to.index());
                if !skip && label[a] != label[b] {
                    let least = label[a].min(label[b]);
                    (label[a], label[b]) = (least, least);
                    changed = true;
                }
            }
        }
        let mut groups: Vec<Vec<PeerId>> = Vec::new();
        let mut group_of = vec![usize::MAX; net.peer_slots()];
        for p in net.peer_ids().filter(|&p| Some(p) != without_peer) {
            if group_of[label[p.index()]] == usize::MAX {
                group_of[label[p.index()]] = groups.len();
                groups.push(Vec::new());
            }
            groups[group_of[label[p.index()]]].push(p);
        }
        groups
    }

    /// Arrival times by repeated relaxation (Bellman–Ford), independent of Dijkstra.
    fn brute_arrival_times(net: &Network, source: PeerId) -> Vec<Option<Time>> {
        let mut best = vec![None; net.peer_slots()];
        if net
            .peer(source)
            .is_none_or(|p| p.state == PeerState::Offline)
        {
            return best;
        }
        best[source.index()] = Some(Time::ZERO);
        for _ in 0..net.peer_slots() {
            for l in net.links().filter(|l| l.kind.carries_transactions()) {
                for (u, v) in [(l.from, l.to), (l.to, l.from)] {
                    let expands = u == source || net.peer(u).unwrap().relays();
                    let offline = net.peer(v).unwrap().state == PeerState::Offline;
                    if let (true, false, Some(at)) = (expands, offline, best[u.index()]) {
                        let arrival = at + l.latency;
                        if best[v.index()].is_none_or(|b| arrival < b) {
                            best[v.index()] = Some(arrival);
                        }
                    }
                }
            }
        }
        best
    }

    /// Hops through relaying peers by relaxing every transaction-carrying link as many times
    /// as there are peers (Bellman-Ford with unit weights).
    fn brute_hops(net: &Network, source: PeerId) -> Vec<Option<u32>> {
        let mut best: Vec<Option<u32>> = vec![None; net.peer_slots()];
        if !net.contains(source) {
            return best;
        }
        best[source.index()] = Some(0);
        for _ in 0..net.peer_slots() {
            for l in net.links().filter(|l| l.kind.carries_transactions()) {
                for (u, v) in [(l.from, l.to), (l.to, l.from)] {
                    let expands = u == source || net.peer(u).unwrap().relays();
                    if let (true, Some(at)) = (expands, best[u.index()]) {
                        if best[v.index()].is_none_or(|b| at + 1 < b) {
                            best[v.index()] = Some(at + 1);
                        }
                    }
                }
            }
        }
        best
    }

    /// The peers and links whose removal leaves more components than `base`, by trying each.
    fn brute_cut_vertices_and_bridges(
        net: &Network,
        base: &[Vec<PeerId>],
    ) -> (Vec<PeerId>, Vec<LinkId>) {
        let cut = net
            .peer_ids()
            .filter(|&p| brute_components(net, Some(p), None).len() > base.len())
            .collect();
        let bridges = net
            .links()
            .map(|l| l.id)
            .filter(|&l| brute_components(net, None, Some(l)).len() > base.len())
            .collect();
        (cut, bridges)
    }

    proptest! {
        #[test]
        fn structure_matches_brute_force(net in arb_network()) {
            let base = brute_components(&net, None, None);
            prop_assert_eq!(components(&net), base.clone());
            let largest = base.iter().map(Vec::len).max().unwrap_or(0);
            let first_largest = base.iter().find(|g| g.len() == largest).cloned();
            prop_assert_eq!(largest_component(&net), first_largest.unwrap_or_default());

            let (expected_cut, expected_bridges) = brute_cut_vertices_and_bridges(&net, &base);
            prop_assert_eq!(cut_vertices(&net), expected_cut.clone());
            prop_assert_eq!(bridges(&net), expected_bridges.clone());

            let f = facts(&net);
            prop_assert_eq!(f.components, base.len());
            prop_assert_eq!(f.largest_component, base.iter().map(Vec::len).max().unwrap_or(0));
            prop_assert_eq!(f.cut_vertices, expected_cut);
            prop_assert_eq!(f.bridges, expected_bridges);
            prop_assert_eq!(f.degree_histogram.iter().sum::<usize>(), net.n_peers());
        }

        #[test]
        fn a_search_in_slices_finds_what_brute_force_does(
            net in arb_network(),
            slices in proptest::collection::vec(1usize..6, 1..8),
        ) {
            let base = brute_components(&net, None, None);
            let (expected_cut, expected_bridges) = brute_cut_vertices_and_bridges(&net, &base);
            let mut search = CriticalSearch::new(&net);
            let mut discovered = 0;
            for &steps in slices.iter().cycle() {
                let done = search.advance(&net, steps);
                let (now, slots) = search.progress();
                prop_assert!(now >= discovered && now <= slots);
                discovered = now;
                if done {
                    prop_assert_eq!(now, net.n_peers());
                    break;
                }
            }
            prop_assert_eq!(search.finish(&net), (expected_cut, expected_bridges));
        }

        #[test]
        fn hops_in_slices_of_any_size_match_bellman_ford(
            net in arb_network(),
            source in 0u32..12,
            steps in 1usize..40,
        ) {
            let source = PeerId(source);
            let expected = brute_hops(&net, source);
            prop_assert_eq!(hop_distances(&net, source, Peer::relays), expected.clone());
            let mut search = HopSearch::new(&net, source);
            let mut slices = 0;
            while !search.advance(&net, Peer::relays, steps) {
                slices += 1;
                prop_assert!(slices <= net.peer_slots() + 1, "the search ends");
            }
            prop_assert_eq!(search.finish(&net, Peer::relays), expected);
        }

        #[test]
        fn arrival_times_match_bellman_ford(
            net in arb_network(),
            source in 0u32..12,
            steps in 1usize..40,
        ) {
            let source = PeerId(source);
            let expected = brute_arrival_times(&net, source);
            prop_assert_eq!(shortest_arrival_times(&net, source), expected.clone());
            // In slices of any size, the same.
            let mut search = ArrivalSearch::new(&net, source);
            let mut slices = 0;
            while !search.advance(&net, steps) {
                slices += 1;
                prop_assert!(slices <= net.peer_slots() + 1, "the search ends");
            }
            prop_assert_eq!(search.finish(&net), expected);
            // Hops through relaying peers reach the same peers, bar offline ones.
            let live_source = net.peer(source).is_some_and(|p| p.state != PeerState::Offline);
            let hops = hop_distances(&net, source, Peer::relays);
            let times = shortest_arrival_times(&net, source);
            for (i, (h, t)) in hops.iter().zip(&times).enumerate() {
                let online = net
                    .peer(PeerId(i as u32))
                    .is_some_and(|p| p.state != PeerState::Offline);
                prop_assert_eq!(t.is_some(), live_source && online && h.is_some());
            }
        }
    }
}
