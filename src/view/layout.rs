//! A seeded, incremental force-directed layout of the network, with Barnes-Hut repulsion.
//!
//! The layout knows nothing of the screen: it places every live peer of a
//! [`Network`] in its own units (a link's ideal length is
//! [`LayoutParams::link_length`], 40 by default) around the origin, and a
//! renderer fits [`Layout::bounds`] to its canvas.
//!
//! It runs a little at a time so the page stays responsive: [`Layout::sync`]
//! brings it in line with the network after an edit, and each
//! [`Layout::tick`] moves the peers one step. The forces are those of
//! d3-force: every pair of peers repels (summed with a Barnes-Hut quadtree,
//! so a tick costs `O(n log n)`), every link pulls its two ends towards the
//! ideal length, and a gentle pull keeps everything near the centre. Speeds
//! are damped and the forces scaled by a "temperature" (`alpha`) that cools
//! each tick. When no peer moved further than a small share of the layout's
//! size in a tick, or the temperature has run out, the layout is settled: it
//! holds still and `tick` does nothing until an edit or a drag wakes it.
//!
//! Where peers start matters as much as the forces: a ring started at random
//! usually settles twisted. So the first sync places the largest connected
//! group by pivot MDS (distances on the page follow hop counts), and the
//! forces only even it out; later syncs place each new peer next to the
//! peers it links to. Peers outside the largest group (strays) are held
//! near it by a firmer pull, so they do not drift off and shrink the picture.
//!
//! The layout is deterministic: its only randomness is a [`SimRng`] seeded at
//! [`Layout::new`] and drawn from only when peers are placed, it never reads
//! a clock, and it visits peers in id order. So the same network, seed and
//! sequence of calls give bit-identical positions on one platform. Positions
//! live in vectors indexed by [`PeerId::index`], and the quadtree is rebuilt
//! each tick in an arena that keeps its memory, so ticking allocates nothing.

use std::f64::consts::TAU;

use serde::{Deserialize, Serialize};

use crate::sim::graph;
use crate::sim::network::{Network, PeerId};
use crate::sim::rng::SimRng;

/// The random stream the layout draws from, apart from the generator's and the engine's.
const LAYOUT_STREAM: u64 = 11;

/// Marks "no body" and "no children" in the quadtree.
const NONE: u32 = u32::MAX;

/// Cells stop splitting at this depth; bodies that still share a cell are summed exactly.
const MAX_DEPTH: usize = 40;

/// Room for the cells waiting on the traversal stack: each level adds at most three.
const STACK_SIZE: usize = 4 * MAX_DEPTH + 8;

/// Coordinates are kept inside this range, so sums of squares stay finite.
const MAX_COORDINATE: f64 = 1e9;

/// Above this many peers the layout trades exactness for speed: a tick sums the repulsion
/// with [`LayoutParams::wide_theta`], and the first placement by pivot MDS searches from
/// fewer pivots (12 instead of 32).
pub const LARGE_LAYOUT_PEERS: usize = 5_000;

/// The knobs of the layout; the defaults suit networks of 5 to 10,000 peers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayoutParams {
    /// The length a link would like to have, in layout units.
    pub link_length: f64,
    /// How strongly every pair of peers repels, in squared layout units per tick.
    pub repulsion: f64,
    /// The Barnes-Hut opening angle: a cell seen under a smaller angle counts as one body.
    pub theta: f64,
    /// The opening angle above [`LARGE_LAYOUT_PEERS`] peers: wider, so that a tick at 10,000
    /// peers takes about 40 % less time (the repulsion is summed less exactly, which the
    /// eye cannot tell among so many peers).
    pub wide_theta: f64,
    /// Repulsion is computed as if no two peers were closer than this.
    pub min_distance: f64,
    /// The share of its distance from the centre by which each peer of the
    /// largest connected group is pulled back each tick (at full temperature).
    pub center_pull: f64,
    /// The same for peers outside the largest group, towards that group's
    /// centre, so they stay near it.
    pub stray_pull: f64,
    /// The share of the way back to the origin the middle of the free peers
    /// is shifted each tick (no shift while a peer is pinned).
    pub centering: f64,
    /// The share of its speed a peer loses each tick.
    pub velocity_decay: f64,
    /// The share of the temperature lost each tick.
    pub alpha_decay: f64,
    /// Below this temperature the layout is settled.
    pub alpha_min: f64,
    /// The layout is settled when no peer moved further than this share of its size in a tick.
    pub settle_tolerance: f64,
    /// The temperature of the first placement.
    pub start_alpha: f64,
    /// The temperature an edit of the network reheats the layout to, at least.
    pub wake_alpha: f64,
    /// The temperature a drag reheats the layout to, at least.
    pub drag_alpha: f64,
    /// No peer moves further than this many link lengths in one tick.
    pub max_step: f64,
}

impl Default for LayoutParams {
    fn default() -> LayoutParams {
        LayoutParams {
            link_length: 40.0,
            repulsion: 55.0,
            theta: 0.85,
            wide_theta: 1.2,
            min_distance: 1.0,
            center_pull: 0.02,
            stray_pull: 0.15,
            centering: 0.1,
            velocity_decay: 0.4,
            // About 300 ticks from a temperature of 1 down to `alpha_min`.
            alpha_decay: 0.0228,
            alpha_min: 0.001,
            settle_tolerance: 0.0005,
            start_alpha: 1.0,
            wake_alpha: 0.3,
            drag_alpha: 0.1,
            max_step: 2.0,
        }
    }
}

/// A link as the layout uses it: its ends, its stiffness and how a correction is shared.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Spring {
    source: u32,
    target: u32,
    /// One over the smaller degree of the two ends, so hubs are not pulled apart.
    strength: f64,
    /// The share of a correction the target takes: the better-linked end moves less.
    bias: f64,
}

/// A square cell of the quadtree, with the total mass and centre of mass of the bodies in it.
#[derive(Clone, Copy, Debug)]
struct Cell {
    center_x: f64,
    center_y: f64,
    half: f64,
    mass: f64,
    mass_x: f64,
    mass_y: f64,
    /// The first of four consecutive child cells, or `NONE` for a leaf.
    children: u32,
    /// The first body of a leaf's chain (see [`QuadTree::next`]), or `NONE`.
    first_body: u32,
}

impl Cell {
    /// An empty leaf with the given centre and half-width.
    fn new(center_x: f64, center_y: f64, half: f64) -> Cell {
        Cell {
            center_x,
            center_y,
            half,
            mass: 0.0,
            mass_x: 0.0,
            mass_y: 0.0,
            children: NONE,
            first_body: NONE,
        }
    }

    /// Which child quadrant a point falls in: bit 0 for east, bit 1 for south.
    fn quadrant(&self, x: f64, y: f64) -> u32 {
        u32::from(x >= self.center_x) | (u32::from(y >= self.center_y) << 1)
    }

    /// Whether the point lies in the cell, its edges included.
    fn contains(&self, x: f64, y: f64) -> bool {
        (x - self.center_x).abs() <= self.half && (y - self.center_y).abs() <= self.half
    }
}

/// A Barnes-Hut quadtree over the placed peers, rebuilt each tick in a reused arena.
#[derive(Clone, Debug, Default)]
struct QuadTree {
    cells: Vec<Cell>,
    /// Indexed by peer slot: the next body in the same leaf, or `NONE`.
    ///
    /// A leaf holds more than one body only when they sit at the same point
    /// or the leaf is at [`MAX_DEPTH`].
    next: Vec<u32>,
}

impl QuadTree {
    /// Rebuilds the tree over the bodies in `order`, each of mass one.
    fn build(&mut self, order: &[u32], x: &[f64], y: &[f64]) {
        self.cells.clear();
        if self.next.len() < x.len() {
            self.next.resize(x.len(), NONE);
        }
        let Some(&first) = order.first() else {
            return;
        };
        let (mut min_x, mut min_y) = (x[first as usize], y[first as usize]);
        let (mut max_x, mut max_y) = (min_x, min_y);
        for &i in order {
            let i = i as usize;
            min_x = min_x.min(x[i]);
            max_x = max_x.max(x[i]);
            min_y = min_y.min(y[i]);
            max_y = max_y.max(y[i]);
        }
        // A little slack keeps every body strictly inside the root.
        let half = 0.5 * (max_x - min_x).max(max_y - min_y) + 1.0;
        self.cells.push(Cell::new(
            0.5 * (min_x + max_x),
            0.5 * (min_y + max_y),
            half,
        ));
        for &i in order {
            self.insert(i, x, y);
        }
        // Children always come after their parent, so one backward pass sums the masses.
        for c in (0..self.cells.len()).rev() {
            let cell = self.cells[c];
            let (mut mass, mut mass_x, mut mass_y) = (0.0, 0.0, 0.0);
            if cell.children == NONE {
                let mut body = cell.first_body;
                while body != NONE {
                    let b = body as usize;
                    mass += 1.0;
                    mass_x += x[b];
                    mass_y += y[b];
                    body = self.next[b];
                }
            } else {
                for child in &self.cells[cell.children as usize..cell.children as usize + 4] {
                    mass += child.mass;
                    mass_x += child.mass_x;
                    mass_y += child.mass_y;
                }
            }
            let cell = &mut self.cells[c];
            cell.mass = mass;
            cell.mass_x = mass_x;
            cell.mass_y = mass_y;
        }
        // Turn the weighted sums into centres of mass.
        for cell in &mut self.cells {
            if cell.mass > 0.0 {
                cell.mass_x /= cell.mass;
                cell.mass_y /= cell.mass;
            }
        }
    }

    /// Adds one body, splitting the leaf it lands in until it has one of its own.
    fn insert(&mut self, body: u32, x: &[f64], y: &[f64]) {
        let (bx, by) = (x[body as usize], y[body as usize]);
        let mut c = 0usize;
        let mut depth = 0;
        loop {
            let cell = self.cells[c];
            if cell.children != NONE {
                c = (cell.children + cell.quadrant(bx, by)) as usize;
                depth += 1;
                continue;
            }
            let resident = cell.first_body;
            if resident == NONE {
                self.cells[c].first_body = body;
                self.next[body as usize] = NONE;
                return;
            }
            let (rx, ry) = (x[resident as usize], y[resident as usize]);
            if depth >= MAX_DEPTH || (rx == bx && ry == by) {
                self.next[body as usize] = resident;
                self.cells[c].first_body = body;
                return;
            }
            // Split the leaf and move its chain (all at one point) into the right child.
            let children = self.cells.len() as u32;
            let quarter = 0.5 * cell.half;
            for q in 0..4 {
                let cx = cell.center_x + if q & 1 == 0 { -quarter } else { quarter };
                let cy = cell.center_y + if q & 2 == 0 { -quarter } else { quarter };
                self.cells.push(Cell::new(cx, cy, quarter));
            }
            self.cells[c].children = children;
            self.cells[c].first_body = NONE;
            self.cells[(children + cell.quadrant(rx, ry)) as usize].first_body = resident;
        }
    }

    /// The sum over all other bodies of `d / |d|^2`, with `d` from `body` towards each.
    ///
    /// Cells seen under an angle below `theta` count as one body at their
    /// centre of mass; a cell holding `body` itself is always opened.
    fn pull_towards_others(
        &self,
        body: u32,
        x: &[f64],
        y: &[f64],
        theta2: f64,
        min_d2: f64,
    ) -> (f64, f64) {
        let (bx, by) = (x[body as usize], y[body as usize]);
        let (mut sum_x, mut sum_y) = (0.0, 0.0);
        let mut stack = [0u32; STACK_SIZE];
        let mut top = 0;
        if !self.cells.is_empty() {
            stack[0] = 0;
            top = 1;
        }
        while top > 0 {
            top -= 1;
            let cell = &self.cells[stack[top] as usize];
            if cell.mass == 0.0 {
                continue;
            }
            if cell.children != NONE {
                let dx = cell.mass_x - bx;
                let dy = cell.mass_y - by;
                let d2 = dx * dx + dy * dy;
                let width = 2.0 * cell.half;
                if width * width < theta2 * d2 && !cell.contains(bx, by) {
                    let w = cell.mass / d2.max(min_d2);
                    sum_x += dx * w;
                    sum_y += dy * w;
                } else {
                    for q in 0..4 {
                        stack[top] = cell.children + q;
                        top += 1;
                    }
                }
                continue;
            }
            let mut other = cell.first_body;
            while other != NONE {
                if other != body {
                    let (mut dx, mut dy) = (x[other as usize] - bx, y[other as usize] - by);
                    let mut d2 = dx * dx + dy * dy;
                    if d2 == 0.0 {
                        (dx, dy) = jiggle(body, other, min_d2.sqrt());
                        d2 = min_d2;
                    }
                    let w = 1.0 / d2.max(min_d2);
                    sum_x += dx * w;
                    sum_y += dy * w;
                }
                other = self.next[other as usize];
            }
        }
        (sum_x, sum_y)
    }
}

/// A fixed direction of length `len` from `a` to `b`, for two peers at the very same point.
///
/// It depends only on the pair, and points opposite ways for `(a, b)` and
/// `(b, a)`, so the two are pushed apart the same way every run.
/// The largest group pivot MDS places; above it the first placement is a
/// [`sunflower`] disc (pivot MDS over 110,000 peers and a million links takes
/// seconds, and forces cannot settle that many anyway).
pub const PIVOT_MDS_PEERS: usize = 20_000;

/// The most peers the force layout runs on; larger networks are shown in rings, and their
/// layout keeps no springs (a million links' worth at Bitcoin's size) and never ticks.
pub const FORCE_LAYOUT_PEERS: usize = 20_000;

/// Whether the forces run on a network of `peers` (and so whether its layout keeps springs).
fn forces_run(peers: usize) -> bool {
    peers <= FORCE_LAYOUT_PEERS
}

/// The `k`-th point of a sunflower (Vogel's spiral): points `spacing` apart on
/// average, filling a disc evenly around the origin.
///
/// Trig, `exp` and `pow` in the view go through `libm`, as in the core: in wasm std's are the
/// same code compiled a second time (4 KB of the browser build), natively `libm` keeps the
/// places the same on every platform.
pub fn sunflower(k: usize, spacing: f64) -> (f64, f64) {
    const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;
    let r = spacing * (k as f64 + 0.5).sqrt();
    let angle = k as f64 * GOLDEN_ANGLE;
    (r * libm::cos(angle), r * libm::sin(angle))
}

fn jiggle(a: u32, b: u32, len: f64) -> (f64, f64) {
    let (low, high) = (a.min(b), a.max(b));
    let mut h = (u64::from(low) << 32 | u64::from(high)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    let angle = (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64) * TAU;
    let sign = if a < b { 1.0 } else { -1.0 };
    (sign * len * libm::cos(angle), sign * len * libm::sin(angle))
}

/// Keeps a coordinate finite and inside the layout's range.
fn clamp_coordinate(v: f64) -> f64 {
    v.clamp(-MAX_COORDINATE, MAX_COORDINATE)
}

/// A breadth-first search over live peers, its buffers kept for the next run.
struct Bfs {
    /// Peers in the order they were reached.
    order: Vec<u32>,
    /// Indexed by peer slot: hops from the start, `u32::MAX` where not reached.
    depth: Vec<u32>,
}

impl Bfs {
    /// A search over networks of up to `slots` peer slots.
    fn new(slots: usize) -> Bfs {
        Bfs {
            order: Vec::new(),
            depth: vec![u32::MAX; slots],
        }
    }

    /// Searches from `start`, reaching its whole connected group.
    fn run(&mut self, net: &Network, start: PeerId) {
        for &i in &self.order {
            self.depth[i as usize] = u32::MAX;
        }
        self.order.clear();
        self.order.push(start.0);
        self.depth[start.index()] = 0;
        let mut head = 0;
        while head < self.order.len() {
            let i = self.order[head];
            head += 1;
            let d = self.depth[i as usize] + 1;
            for adj in net.adjacent(PeerId(i)) {
                let j = adj.peer.index();
                if self.depth[j] == u32::MAX {
                    self.depth[j] = d;
                    self.order.push(adj.peer.0);
                }
            }
        }
    }
}

/// The peers' slots of the largest connected group, ascending (the lowest first id wins a tie).
fn largest_group(net: &Network) -> Vec<u32> {
    graph::largest_component(net)
        .into_iter()
        .map(|p| p.0)
        .collect()
}

/// How many pivots pivot MDS searches from, at most.
const MDS_PIVOTS: usize = 32;

/// How many above [`LARGE_LAYOUT_PEERS`] peers: the searches are most of the first
/// placement's time (at 10,000 peers 28 ms natively with 32 pivots, 11 ms with 12), which
/// the page spends in one task.
const LARGE_MDS_PIVOTS: usize = 12;

/// Power-iteration rounds for each of pivot MDS's two axes.
const MDS_ROUNDS: usize = 200;

/// Pivot MDS coordinates of `group` (ascending peer slots of one connected group), in hops.
///
/// The first pivot is drawn from `rng`, each next one is the peer furthest
/// from all pivots so far. The squared hop counts to the pivots, centred,
/// form an `n x k` matrix `C`; the two leading eigenvectors of `C^T C` (by
/// power iteration, also started from `rng`) give the two axes.
fn pivot_mds(
    net: &Network,
    group: &[u32],
    bfs: &mut Bfs,
    rng: &mut SimRng,
) -> (Vec<f64>, Vec<f64>) {
    let n = group.len();
    let pivots = if n > LARGE_LAYOUT_PEERS {
        LARGE_MDS_PIVOTS
    } else {
        MDS_PIVOTS
    };
    let k_max = pivots.min(n);
    let mut c = vec![0.0f64; n * k_max];
    let mut nearest_pivot = vec![u32::MAX; n];
    let mut pivot = PeerId(group[rng.below(n)]);
    let mut k = 0;
    while k < k_max {
        bfs.run(net, pivot);
        let mut furthest = (0, 0usize);
        for (j, &i) in group.iter().enumerate() {
            let d = bfs.depth[i as usize];
            c[j * k_max + k] = f64::from(d) * f64::from(d);
            nearest_pivot[j] = nearest_pivot[j].min(d);
            if nearest_pivot[j] > furthest.0 {
                furthest = (nearest_pivot[j], j);
            }
        }
        k += 1;
        if furthest.0 == 0 {
            break;
        }
        pivot = PeerId(group[furthest.1]);
    }

    // Double centring: -1/2 (d^2 - row mean - column mean + grand mean).
    let mut col_mean = vec![0.0f64; k];
    for row in c.chunks_exact(k_max) {
        for (m, v) in col_mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    for m in &mut col_mean {
        *m /= n as f64;
    }
    let grand = col_mean.iter().sum::<f64>() / k as f64;
    for row in c.chunks_exact_mut(k_max) {
        let row = &mut row[..k];
        let row_mean = row.iter().sum::<f64>() / k as f64;
        for (v, m) in row.iter_mut().zip(&col_mean) {
            *v = -0.5 * (*v - row_mean - m + grand);
        }
    }

    // M = C^T C, k x k.
    let mut m = vec![0.0f64; k * k];
    for row in c.chunks_exact(k_max) {
        for a in 0..k {
            let ra = row[a];
            for b in 0..k {
                m[a * k + b] += ra * row[b];
            }
        }
    }
    let first = leading_eigenvector(&m, k, None, rng);
    let second = leading_eigenvector(&m, k, Some(&first.0), rng);

    let project = |(v, lambda): &(Vec<f64>, f64)| -> Vec<f64> {
        // Coordinates are the left singular vectors times the root of the singular values.
        let norm = if *lambda > 0.0 {
            libm::pow(*lambda, -0.25)
        } else {
            1.0
        };
        c.chunks_exact(k_max)
            .map(|row| row[..k].iter().zip(v).map(|(a, b)| a * b).sum::<f64>() * norm)
            .collect()
    };
    (project(&first), project(&second))
}

/// The leading eigenvector of the symmetric `k x k` matrix `m` (orthogonal
/// to `against` if given) and its eigenvalue, by power iteration.
fn leading_eigenvector(
    m: &[f64],
    k: usize,
    against: Option<&[f64]>,
    rng: &mut SimRng,
) -> (Vec<f64>, f64) {
    let mut v: Vec<f64> = (0..k).map(|_| rng.unit() - 0.5).collect();
    let mut w = vec![0.0f64; k];
    let mut lambda = 0.0;
    for _ in 0..MDS_ROUNDS {
        if let Some(u) = against {
            let dot = v.iter().zip(u).map(|(a, b)| a * b).sum::<f64>();
            for (a, b) in v.iter_mut().zip(u) {
                *a -= dot * b;
            }
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm == 0.0 || !norm.is_finite() {
            break;
        }
        for a in &mut v {
            *a /= norm;
        }
        for (row, out) in m.chunks_exact(k).zip(&mut w) {
            *out = row.iter().zip(&v).map(|(a, b)| a * b).sum();
        }
        lambda = w.iter().zip(&v).map(|(a, b)| a * b).sum();
        std::mem::swap(&mut v, &mut w);
    }
    // v holds M v of the last round; w the unit vector it came from.
    (w, lambda)
}

/// Positions of the network's peers, moved a tick at a time towards a calm force-directed picture.
#[derive(Clone, Debug)]
pub struct Layout {
    params: LayoutParams,
    rng: SimRng,
    /// Indexed by peer slot; meaningful only where `placed` is set.
    x: Vec<f64>,
    y: Vec<f64>,
    vx: Vec<f64>,
    vy: Vec<f64>,
    placed: Vec<bool>,
    pinned: Vec<bool>,
    /// The placed peers' slots, ascending.
    order: Vec<u32>,
    /// Indexed by peer slot: whether the peer is outside the largest connected group.
    stray: Vec<bool>,
    /// How many live peers are strays.
    n_strays: usize,
    /// The network's links as of the last sync, in link id order.
    springs: Vec<Spring>,
    /// Where the next sync builds its springs before comparing them with the old.
    springs_scratch: Vec<Spring>,
    tree: QuadTree,
    alpha: f64,
    settled: bool,
    ticks: usize,
}

impl Layout {
    /// An empty layout whose placements are drawn from `seed`.
    pub fn new(seed: u64) -> Layout {
        Layout::with_params(seed, LayoutParams::default())
    }

    /// An empty layout with its own knobs.
    pub fn with_params(seed: u64, params: LayoutParams) -> Layout {
        Layout {
            params,
            rng: SimRng::for_stream(seed, LAYOUT_STREAM),
            x: Vec::new(),
            y: Vec::new(),
            vx: Vec::new(),
            vy: Vec::new(),
            placed: Vec::new(),
            pinned: Vec::new(),
            order: Vec::new(),
            stray: Vec::new(),
            n_strays: 0,
            springs: Vec::new(),
            springs_scratch: Vec::new(),
            tree: QuadTree::default(),
            alpha: 1.0,
            settled: true,
            ticks: 0,
        }
    }

    /// The knobs this layout runs with.
    pub fn params(&self) -> &LayoutParams {
        &self.params
    }

    /// The current temperature: 1 just after the first placement, cooling towards 0.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// How many peers have a position.
    pub fn n_placed(&self) -> usize {
        self.order.len()
    }

    /// Brings the layout in line with the network.
    ///
    /// New peers get seeded positions: a short step from the peers they link
    /// to that are placed, breadth first, else on a seeded circle just
    /// outside the layout. The first sync (nothing placed yet) instead lays
    /// out the largest connected group by seeded pivot MDS around the centre
    /// and starts hot. Removed peers are dropped. The layout wakes up (is no
    /// longer settled) when any peer or link changed; a sync that finds
    /// nothing changed does nothing and leaves a settled layout settled.
    pub fn sync(&mut self, net: &Network) {
        let slots = net.peer_slots();
        let mut peers_changed = false;
        if self.x.len() > slots {
            peers_changed |= self.placed[slots..].iter().any(|&p| p);
            for v in [&mut self.x, &mut self.y, &mut self.vx, &mut self.vy] {
                v.truncate(slots);
            }
            self.placed.truncate(slots);
            self.pinned.truncate(slots);
        }
        for v in [&mut self.x, &mut self.y, &mut self.vx, &mut self.vy] {
            v.resize(slots, 0.0);
        }
        self.placed.resize(slots, false);
        self.pinned.resize(slots, false);

        let mut n_new = 0;
        for i in 0..slots {
            let live = net.contains(PeerId(i as u32));
            if self.placed[i] && !live {
                self.placed[i] = false;
                self.pinned[i] = false;
                self.vx[i] = 0.0;
                self.vy[i] = 0.0;
                peers_changed = true;
            } else if live && !self.placed[i] {
                n_new += 1;
            }
        }
        // The largest connected group, found once for the first placing and the strays.
        let mut largest = None;
        if n_new > 0 {
            peers_changed = true;
            let n_before = self.placed.iter().filter(|&&p| p).count();
            if n_before == 0 {
                self.place_first(net, largest.get_or_insert_with(|| largest_group(net)));
            } else {
                self.place_near_neighbours(net);
            }
        }
        if peers_changed {
            self.order.clear();
            self.order
                .extend((0..slots as u32).filter(|&i| self.placed[i as usize]));
        }

        let mut springs = std::mem::take(&mut self.springs_scratch);
        springs.clear();
        let forces = forces_run(net.n_peers());
        for link in net.links().filter(|_| forces) {
            let (s, t) = (link.from, link.to);
            if !self.is_placed(s) || !self.is_placed(t) {
                continue;
            }
            let (deg_s, deg_t) = (net.degree(s).max(1) as f64, net.degree(t).max(1) as f64);
            springs.push(Spring {
                source: s.0,
                target: t.0,
                strength: 1.0 / deg_s.min(deg_t),
                bias: deg_s / (deg_s + deg_t),
            });
        }
        let links_changed = springs != self.springs;
        self.springs_scratch = std::mem::replace(&mut self.springs, springs);

        if peers_changed || links_changed {
            let largest = largest.get_or_insert_with(|| largest_group(net));
            self.update_strays(net, largest);
        }
        if n_new > 0 && self.order.len() == n_new {
            // Everything is new: start hot.
            self.alpha = self.params.start_alpha;
            self.settled = false;
        } else if peers_changed || links_changed {
            self.wake(self.params.wake_alpha);
        }
    }

    /// Places the largest connected group of peers by pivot MDS, then the
    /// rest as [`Layout::place_near_neighbours`] does.
    ///
    /// Pivot MDS (Brandes and Pich, 2006) lays the group out so that
    /// distances on the page follow hop counts in the network, from
    /// breadth-first searches out of a few seeded pivots. Starting there,
    /// rings come out round and untwisted, grids flat and regions apart, and
    /// the forces only have to even things out.
    fn place_first(&mut self, net: &Network, largest: &[u32]) {
        let slots = net.peer_slots();
        let mut bfs = Bfs::new(slots);

        let n = largest.len();
        let length = self.params.link_length;
        if n > PIVOT_MDS_PEERS {
            // Too many for pivot MDS to be quick: a sunflower disc, in id order, that the
            // app's rings then rearrange.
            for (k, &i) in largest.iter().enumerate() {
                let (x, y) = sunflower(k, 0.5 * length);
                self.put(i as usize, x, y);
            }
        } else if n < 3 {
            let angle = self.rng.unit() * TAU;
            for (k, &i) in largest.iter().enumerate() {
                let r = 0.5 * length * k as f64;
                self.put(i as usize, r * libm::cos(angle), r * libm::sin(angle));
            }
        } else {
            let (xs, ys) = pivot_mds(net, largest, &mut bfs, &mut self.rng);
            // Scale so the links average the ideal length, then centre.
            let mut member = vec![NONE; slots];
            for (k, &i) in largest.iter().enumerate() {
                member[i as usize] = k as u32;
            }
            let (mut total, mut n_links) = (0.0, 0.0);
            for link in net.links() {
                let (a, b) = (member[link.from.index()], member[link.to.index()]);
                if a != NONE && b != NONE {
                    total +=
                        (xs[a as usize] - xs[b as usize]).hypot(ys[a as usize] - ys[b as usize]);
                    n_links += 1.0;
                }
            }
            let scale = if total > 0.0 {
                length * n_links / total
            } else {
                length
            };
            let mean_x = xs.iter().sum::<f64>() / n as f64;
            let mean_y = ys.iter().sum::<f64>() / n as f64;
            for (k, &i) in largest.iter().enumerate() {
                // A little seeded jitter parts peers that pivot MDS put on one point.
                let jitter_x = 0.2 * length * (self.rng.unit() - 0.5);
                let jitter_y = 0.2 * length * (self.rng.unit() - 0.5);
                self.put(
                    i as usize,
                    (xs[k] - mean_x) * scale + jitter_x,
                    (ys[k] - mean_y) * scale + jitter_y,
                );
            }
        }
        if largest.len() < net.n_peers() {
            self.place_near_neighbours(net);
        }
    }

    /// Places new peers next to placed neighbours, breadth first; peers with
    /// no path to a placed peer start a group of their own just outside the layout.
    fn place_near_neighbours(&mut self, net: &Network) {
        // The rim: a circle round the middle of the bounds that clears every placed peer.
        let (min_x, min_y, max_x, max_y) = self.bounds().unwrap_or((0.0, 0.0, 0.0, 0.0));
        let (mid_x, mid_y) = (0.5 * (min_x + max_x), 0.5 * (min_y + max_y));
        let rim = (0..self.placed.len())
            .filter(|&i| self.placed[i])
            .map(|i| (self.x[i] - mid_x).hypot(self.y[i] - mid_y))
            .fold(0.0, f64::max)
            + 0.5 * self.params.link_length;

        let mut queue: Vec<u32> = Vec::new();
        for id in net.peer_ids() {
            if !self.placed[id.index()] && net.adjacent(id).iter().any(|a| self.is_placed(a.peer)) {
                queue.push(id.0);
            }
        }
        let mut head = 0;
        loop {
            while head < queue.len() {
                let i = queue[head] as usize;
                head += 1;
                if self.placed[i] {
                    continue;
                }
                self.place_near(net, PeerId(i as u32));
                for adj in net.adjacent(PeerId(i as u32)) {
                    if !self.is_placed(adj.peer) {
                        queue.push(adj.peer.0);
                    }
                }
            }
            // Seed the next group not yet reached, if any, on the rim.
            let Some(id) = net.peer_ids().find(|id| !self.placed[id.index()]) else {
                break;
            };
            let angle = self.rng.unit() * TAU;
            self.put(
                id.index(),
                mid_x + rim * libm::cos(angle),
                mid_y + rim * libm::sin(angle),
            );
            for adj in net.adjacent(id) {
                if !self.is_placed(adj.peer) {
                    queue.push(adj.peer.0);
                }
            }
        }
    }

    /// Marks the strays: peers outside the largest connected group.
    ///
    /// The largest group is pulled gently to the centre, strays firmly to the
    /// largest group's centre. Without that, the repulsion of the main group
    /// would drive strays far out and a renderer fitting the bounds would
    /// shrink the network to a dot; with it, they float just outside. A
    /// network without links has no strays.
    fn update_strays(&mut self, net: &Network, largest: &[u32]) {
        let any_links = largest.len() > 1;
        self.stray.clear();
        self.stray.resize(self.placed.len(), any_links);
        for &i in largest {
            self.stray[i as usize] = false;
        }
        self.n_strays = if any_links {
            net.n_peers() - largest.len()
        } else {
            0
        };
    }

    /// Places one peer a seeded short step from the middle of its placed neighbours.
    fn place_near(&mut self, net: &Network, id: PeerId) {
        let (mut sum_x, mut sum_y, mut n) = (0.0, 0.0, 0.0);
        for adj in net.adjacent(id) {
            if self.is_placed(adj.peer) {
                sum_x += self.x[adj.peer.index()];
                sum_y += self.y[adj.peer.index()];
                n += 1.0;
            }
        }
        let angle = self.rng.unit() * TAU;
        let step = self.params.link_length * (0.4 + 0.4 * self.rng.unit());
        self.put(
            id.index(),
            sum_x / n + step * libm::cos(angle),
            sum_y / n + step * libm::sin(angle),
        );
    }

    /// Places the peer in slot `i` at `(x, y)`, at rest and free.
    fn put(&mut self, i: usize, x: f64, y: f64) {
        self.x[i] = clamp_coordinate(x);
        self.y[i] = clamp_coordinate(y);
        self.vx[i] = 0.0;
        self.vy[i] = 0.0;
        self.placed[i] = true;
        self.pinned[i] = false;
    }

    /// Whether the peer has a position.
    fn is_placed(&self, peer: PeerId) -> bool {
        self.placed.get(peer.index()).copied().unwrap_or(false)
    }

    /// Un-settles the layout and raises its temperature to at least `alpha`.
    /// Moves every placed peer `fraction` of the way to its place in `targets`
    /// (by slot; peers without a target stay), with no forces; returns whether
    /// any is still more than half a unit from its place. The layout counts as
    /// moving until they all arrive, and holds still after.
    pub fn glide(&mut self, targets: &[Option<(f64, f64)>], fraction: f64) -> bool {
        let fraction = fraction.clamp(0.0, 1.0);
        let mut moving = false;
        for &slot in &self.order {
            let i = slot as usize;
            let Some(&Some((tx, ty))) = targets.get(i) else {
                continue;
            };
            let (dx, dy) = (tx - self.x[i], ty - self.y[i]);
            if dx * dx + dy * dy > 0.25 {
                self.x[i] = clamp_coordinate(self.x[i] + dx * fraction);
                self.y[i] = clamp_coordinate(self.y[i] + dy * fraction);
                moving = true;
            } else {
                self.x[i] = clamp_coordinate(tx);
                self.y[i] = clamp_coordinate(ty);
            }
            self.vx[i] = 0.0;
            self.vy[i] = 0.0;
        }
        if moving {
            // Views cache what they drew by this count: a glide is movement too.
            self.ticks += 1;
        }
        self.settled = !moving;
        moving
    }

    /// Counts the layout as moving again, with no heat: the peers are about to glide.
    pub fn unsettle(&mut self) {
        self.settled = false;
    }

    /// Lets the forces move the peers again from where they are (after [`Layout::glide`]).
    pub fn reheat(&mut self) {
        let alpha = self.params.drag_alpha;
        self.wake(alpha.max(0.3));
    }

    fn wake(&mut self, alpha: f64) {
        self.alpha = self.alpha.max(alpha);
        self.settled = false;
    }

    /// Syncs if the network's peer or link counts no longer match the layout.
    ///
    /// This catches most forgotten syncs cheaply; an edit that keeps both
    /// counts (one link swapped for another) needs an explicit [`Layout::sync`].
    fn sync_if_counts_differ(&mut self, net: &Network) {
        let forces = forces_run(net.n_peers());
        if self.x.len() != net.peer_slots()
            || self.order.len() != net.n_peers()
            || self.springs.len() != if forces { net.n_links() } else { 0 }
        {
            self.sync(net);
        }
    }

    /// Runs one step of the simulation; returns true while the layout is still moving.
    ///
    /// The step adds to every free peer's speed the Barnes-Hut repulsion of
    /// all other peers and its pull (to the centre, or for a stray to the
    /// main group), then the springs of the links; then it damps the speeds,
    /// moves the peers and shifts the picture a little back towards the
    /// origin. The tick that finds the layout settled returns false, and a
    /// settled layout does nothing and returns false. Links are those of the last
    /// [`Layout::sync`] (a changed number of peers or links syncs first).
    pub fn tick(&mut self, net: &Network) -> bool {
        self.sync_if_counts_differ(net);
        if self.settled {
            return false;
        }
        if self.order.is_empty() || !forces_run(self.order.len()) {
            self.settled = true;
            return false;
        }
        let p = self.params;
        self.alpha += -self.alpha * p.alpha_decay;
        let alpha = self.alpha;

        // Repulsion and the pull to the centre.
        self.tree.build(&self.order, &self.x, &self.y);
        let theta = if self.order.len() > LARGE_LAYOUT_PEERS {
            p.wide_theta
        } else {
            p.theta
        };
        let theta2 = theta * theta;
        let min_d2 = p.min_distance * p.min_distance;
        let push = p.repulsion * alpha;
        let main_pull = p.center_pull * alpha;
        let stray_pull = p.stray_pull * alpha;
        let (mut main_x, mut main_y, mut n_main) = (0.0, 0.0, 0.0);
        if self.n_strays > 0 {
            for &i in &self.order {
                if !self.stray[i as usize] {
                    main_x += self.x[i as usize];
                    main_y += self.y[i as usize];
                    n_main += 1.0;
                }
            }
            if n_main > 0.0 {
                main_x /= n_main;
                main_y /= n_main;
            }
        }
        let (mut recoil_x, mut recoil_y) = (0.0, 0.0);
        for &i in &self.order {
            let i = i as usize;
            if self.pinned[i] {
                continue;
            }
            let (sx, sy) = self
                .tree
                .pull_towards_others(i as u32, &self.x, &self.y, theta2, min_d2);
            let (pull_x, pull_y) = if self.stray[i] {
                let pull_x = (self.x[i] - main_x) * stray_pull;
                let pull_y = (self.y[i] - main_y) * stray_pull;
                recoil_x += pull_x;
                recoil_y += pull_y;
                (pull_x, pull_y)
            } else {
                (self.x[i] * main_pull, self.y[i] * main_pull)
            };
            self.vx[i] -= sx * push + pull_x;
            self.vy[i] -= sy * push + pull_y;
        }
        // The main group takes the strays' pull back in equal shares, so the
        // two pulling on each other cannot push the whole picture off centre.
        if n_main > 0.0 {
            let (share_x, share_y) = (recoil_x / n_main, recoil_y / n_main);
            for &i in &self.order {
                let i = i as usize;
                if !self.stray[i] && !self.pinned[i] {
                    self.vx[i] += share_x;
                    self.vy[i] += share_y;
                }
            }
        }

        // Springs, in link order, each seeing the speeds the ones before it left.
        let length = p.link_length;
        for spring in &self.springs {
            let (s, t) = (spring.source as usize, spring.target as usize);
            let mut dx = self.x[t] + self.vx[t] - self.x[s] - self.vx[s];
            let mut dy = self.y[t] + self.vy[t] - self.y[s] - self.vy[s];
            let mut d = (dx * dx + dy * dy).sqrt();
            if d == 0.0 {
                (dx, dy) = jiggle(spring.source, spring.target, p.min_distance);
                d = p.min_distance;
            }
            let l = (d - length) / d * alpha * spring.strength;
            dx *= l;
            dy *= l;
            self.vx[t] -= dx * spring.bias;
            self.vy[t] -= dy * spring.bias;
            self.vx[s] += dx * (1.0 - spring.bias);
            self.vy[s] += dy * (1.0 - spring.bias);
        }

        // Damp, and find where the free peers' middle is heading.
        let keep = 1.0 - p.velocity_decay;
        let max_step = p.max_step * length;
        let (mut sum_x, mut sum_y, mut n_free) = (0.0, 0.0, 0.0);
        let mut any_pinned = false;
        for &i in &self.order {
            let i = i as usize;
            if self.pinned[i] {
                self.vx[i] = 0.0;
                self.vy[i] = 0.0;
                any_pinned = true;
                continue;
            }
            let (mut vx, mut vy) = (self.vx[i] * keep, self.vy[i] * keep);
            let speed2 = vx * vx + vy * vy;
            if speed2 > max_step * max_step {
                let scale = max_step / speed2.sqrt();
                vx *= scale;
                vy *= scale;
            }
            self.vx[i] = vx;
            self.vy[i] = vy;
            sum_x += self.x[i] + vx;
            sum_y += self.y[i] + vy;
            n_free += 1.0;
        }
        // Links pull their ends unevenly (the better-linked end moves less),
        // which lets the whole picture drift; shifting it back towards the
        // origin undoes that. A pinned peer must stay put, so not while one is.
        let (shift_x, shift_y) = if any_pinned || n_free == 0.0 {
            (0.0, 0.0)
        } else {
            (p.centering * sum_x / n_free, p.centering * sum_y / n_free)
        };

        // Move, and measure the largest step and the bounds.
        let mut largest_step2: f64 = 0.0;
        let (mut min_x, mut min_y) = (f64::INFINITY, f64::INFINITY);
        let (mut max_x, mut max_y) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &i in &self.order {
            let i = i as usize;
            if !self.pinned[i] {
                let (step_x, step_y) = (self.vx[i] - shift_x, self.vy[i] - shift_y);
                self.x[i] = clamp_coordinate(self.x[i] + step_x);
                self.y[i] = clamp_coordinate(self.y[i] + step_y);
                largest_step2 = largest_step2.max(step_x * step_x + step_y * step_y);
            }
            min_x = min_x.min(self.x[i]);
            max_x = max_x.max(self.x[i]);
            min_y = min_y.min(self.y[i]);
            max_y = max_y.max(self.y[i]);
        }
        self.ticks += 1;

        let size = (max_x - min_x).max(max_y - min_y).max(length);
        let tolerance = p.settle_tolerance * size;
        if largest_step2 <= tolerance * tolerance || self.alpha < p.alpha_min {
            self.settled = true;
            for &i in &self.order {
                self.vx[i as usize] = 0.0;
                self.vy[i as usize] = 0.0;
            }
        }
        !self.settled
    }

    /// Ticks until the layout is settled or `max_ticks` ticks have run; returns the ticks run.
    pub fn settle(&mut self, net: &Network, max_ticks: usize) -> usize {
        self.sync_if_counts_differ(net);
        let mut n = 0;
        while n < max_ticks && !self.settled {
            self.tick(net);
            n += 1;
        }
        n
    }

    /// Whether the layout holds still: no tick will move anything until a sync or a drag.
    pub fn is_settled(&self) -> bool {
        self.settled
    }

    /// How many ticks have moved the layout since it was made.
    pub fn ticks(&self) -> usize {
        self.ticks
    }

    /// Where the peer is, if it has been placed.
    pub fn position(&self, peer: PeerId) -> Option<(f64, f64)> {
        self.is_placed(peer)
            .then(|| (self.x[peer.index()], self.y[peer.index()]))
    }

    /// Moves a placed peer to `(x, y)` and pins it there; the others relax around it.
    ///
    /// This is dragging: the layout wakes up and warms a little. A peer that
    /// is not placed, or a coordinate that is not finite, is ignored.
    pub fn set_position(&mut self, peer: PeerId, x: f64, y: f64) {
        if !self.is_placed(peer) || !x.is_finite() || !y.is_finite() {
            return;
        }
        let i = peer.index();
        self.x[i] = clamp_coordinate(x);
        self.y[i] = clamp_coordinate(y);
        self.vx[i] = 0.0;
        self.vy[i] = 0.0;
        self.pinned[i] = true;
        self.wake(self.params.drag_alpha);
    }

    /// Lets a pinned peer move with the forces again.
    pub fn unpin(&mut self, peer: PeerId) {
        if let Some(pinned) = self.pinned.get_mut(peer.index()) {
            if *pinned {
                *pinned = false;
                self.wake(self.params.drag_alpha);
            }
        }
    }

    /// Whether the peer is pinned where [`Layout::set_position`] put it.
    pub fn is_pinned(&self, peer: PeerId) -> bool {
        self.pinned.get(peer.index()).copied().unwrap_or(false)
    }

    /// The smallest box holding every placed peer: `(min_x, min_y, max_x, max_y)`.
    pub fn bounds(&self) -> Option<(f64, f64, f64, f64)> {
        let mut placed = (0..self.placed.len()).filter(|&i| self.placed[i]);
        let first = placed.next()?;
        let mut b = (self.x[first], self.y[first], self.x[first], self.y[first]);
        for i in placed {
            b.0 = b.0.min(self.x[i]);
            b.1 = b.1.min(self.y[i]);
            b.2 = b.2.max(self.x[i]);
            b.3 = b.3.max(self.y[i]);
        }
        Some(b)
    }

    /// The placed peer nearest to `(x, y)` no further than `max_distance`, for hit-testing.
    ///
    /// Of peers at the same distance the lowest id wins. This scans every
    /// placed peer; at 10,000 peers that takes some microseconds.
    pub fn nearest(&self, x: f64, y: f64, max_distance: f64) -> Option<PeerId> {
        if max_distance.is_nan() || max_distance < 0.0 {
            return None;
        }
        let mut best = None;
        let mut best_d2 = max_distance * max_distance;
        for &i in &self.order {
            let (dx, dy) = (self.x[i as usize] - x, self.y[i as usize] - y);
            let d2 = dx * dx + dy * dy;
            if d2 < best_d2 || (best.is_none() && d2 == best_d2) {
                best = Some(PeerId(i));
                best_d2 = d2;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::generate::{generate, GeneratorSpec, Topology};
    use crate::sim::network::{Limits, LinkKind, Role};
    use crate::sim::time::Time;
    use proptest::prelude::*;

    const LENGTH: f64 = 40.0;

    /// The network `topology` generates from `seed`.
    fn network(topology: Topology, seed: u64) -> Network {
        generate(&GeneratorSpec::new(topology), seed)
            .expect("the test network generates")
            .network
    }

    /// A layout of `net` run until it settles, which must happen within 400 ticks.
    fn settled(net: &Network, seed: u64) -> Layout {
        let mut layout = Layout::new(seed);
        layout.sync(net);
        let ticks = layout.settle(net, 400);
        assert!(layout.is_settled(), "not settled after {ticks} ticks");
        layout
    }

    /// Every live peer's position, in id order.
    fn positions(layout: &Layout, net: &Network) -> Vec<(f64, f64)> {
        net.peer_ids()
            .map(|id| layout.position(id).expect("every live peer is placed"))
            .collect()
    }

    /// The positions' exact bits, for comparisons that allow no rounding.
    fn bits(positions: &[(f64, f64)]) -> Vec<(u64, u64)> {
        positions
            .iter()
            .map(|(x, y)| (x.to_bits(), y.to_bits()))
            .collect()
    }

    /// The distance between two points.
    fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
        (a.0 - b.0).hypot(a.1 - b.1)
    }

    /// The smallest distance between two of the points.
    fn min_pair_distance(points: &[(f64, f64)]) -> f64 {
        let mut min = f64::INFINITY;
        for (k, &a) in points.iter().enumerate() {
            for &b in &points[k + 1..] {
                min = min.min(distance(a, b));
            }
        }
        min
    }

    /// A network of `n_peers` reachable full peers and no links.
    fn plain_network(n_peers: u32) -> Network {
        let mut net = Network::new(Limits::TUTORIAL);
        for _ in 0..n_peers {
            net.add_peer(Role::Full, true).unwrap();
        }
        net
    }

    /// Links peers `a` and `b`.
    fn link(net: &mut Network, a: u32, b: u32) {
        net.add_link(PeerId(a), PeerId(b), Time::ZERO, LinkKind::FullRelay)
            .unwrap();
    }

    /// The shapes a classroom meets, named.
    fn typical_networks() -> Vec<(&'static str, Topology)> {
        vec![
            ("tutorial 6", Topology::Tutorial { peers: 6, tries: 3 }),
            (
                "tutorial 20",
                Topology::Tutorial {
                    peers: 20,
                    tries: 3,
                },
            ),
            ("bitcoin 30", Topology::bitcoin(30)),
            ("star 20", Topology::Star { clients: 20 }),
            ("ring 12", Topology::Ring { peers: 12 }),
            ("ring 40", Topology::Ring { peers: 40 }),
            ("grid 8x8", Topology::Grid { rows: 8, cols: 8 }),
            ("bitcoin 200", Topology::bitcoin(200)),
        ]
    }

    #[test]
    fn a_sunflower_fills_its_disc_evenly_without_two_points_close() {
        let (n, spacing) = (2000, 10.0);
        let points: Vec<_> = (0..n).map(|k| sunflower(k, spacing)).collect();
        // Every point lies within the disc of area n * pi * spacing^2 / ...: radius spacing * sqrt(n).
        let radius = spacing * (n as f64).sqrt();
        assert!(points
            .iter()
            .all(|&p| distance(p, (0.0, 0.0)) <= radius + 1e-9));
        // No two points nearer than half the spacing (brute force over all pairs).
        assert!(min_pair_distance(&points) > 0.5 * spacing);
        // Evenly: the inner half of the disc's area holds half the points (within 1%).
        let inner = points
            .iter()
            .filter(|&&p| distance(p, (0.0, 0.0)) <= radius / 2f64.sqrt())
            .count();
        assert!(
            (inner as f64 - n as f64 / 2.0).abs() <= 0.01 * n as f64,
            "{inner}"
        );
    }

    #[test]
    fn a_group_above_the_pivot_mds_size_is_placed_at_once_on_a_disc() {
        let n = PIVOT_MDS_PEERS as u32 + 1;
        let mut net = plain_network(n);
        for i in 1..n {
            link(&mut net, i - 1, i);
        }
        let mut layout = Layout::new(1);
        layout.sync(&net);
        assert_eq!(layout.n_placed(), PIVOT_MDS_PEERS + 1);
        let spacing = 0.5 * LayoutParams::default().link_length;
        let last = layout.position(PeerId(PIVOT_MDS_PEERS as u32)).unwrap();
        let expected = spacing * (PIVOT_MDS_PEERS as f64 + 0.5).sqrt();
        assert!((distance(last, (0.0, 0.0)) - expected).abs() < 1e-6);
    }

    #[test]
    fn jiggle_is_a_fixed_length_opposite_for_the_two_peers_and_spread_over_pairs() {
        let mut quadrants = [0; 4];
        for a in 0..40u32 {
            for b in (a + 1)..40 {
                let (x, y) = jiggle(a, b, 3.0);
                assert!(
                    (x.hypot(y) - 3.0).abs() < 1e-9,
                    "({a}, {b}): length {}",
                    x.hypot(y)
                );
                assert_eq!(jiggle(b, a, 3.0), (-x, -y));
                quadrants[usize::from(x > 0.0) + 2 * usize::from(y > 0.0)] += 1;
            }
        }
        // 780 pairs: a hash spreads them over the circle, about 195 a quadrant.
        assert!(quadrants.iter().all(|&q| q > 150), "{quadrants:?}");
    }

    #[test]
    fn of_two_equal_groups_the_one_with_the_lowest_id_is_placed_first() {
        let mut net = plain_network(4);
        link(&mut net, 2, 3);
        link(&mut net, 0, 1);
        let mut group = largest_group(&net);
        group.sort_unstable();
        assert_eq!(group, [0, 1]);
    }

    #[test]
    fn the_first_placement_is_centred_hot_and_scaled_to_the_link_length() {
        let net = network(Topology::bitcoin(200), 3);
        let mut layout = Layout::new(5);
        layout.sync(&net);
        assert_eq!(layout.alpha(), 1.0, "1 just after the first placement");
        let length = layout.params().link_length;
        let points = positions(&layout, &net);
        let n = points.len() as f64;
        let (cx, cy) = points
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.0, y + p.1));
        // The seeded jitter has mean 0: the centroid stays within a twentieth of a link.
        assert!(
            (cx / n).hypot(cy / n) < 0.05 * length,
            "centroid ({cx}, {cy}) / {n}"
        );
        let mean_link = net
            .links()
            .map(|l| distance(points[l.from.index()], points[l.to.index()]))
            .sum::<f64>()
            / net.n_links() as f64;
        assert!(
            (mean_link - length).abs() < 0.1 * length,
            "{mean_link} vs {length}"
        );
        layout.settle(&net, 400);
        assert!(layout.alpha() < 1.0 && layout.alpha() >= 0.0);
    }

    #[test]
    fn a_tick_places_a_peer_that_replaced_another_without_a_sync() {
        // Same number of peers and links as at the last sync, but a new id: tick syncs.
        let mut net = plain_network(4);
        link(&mut net, 0, 1);
        link(&mut net, 1, 2);
        let mut layout = Layout::new(1);
        layout.sync(&net);
        net.remove_peer(PeerId(3)).unwrap();
        let new = net.add_peer(Role::Full, true).unwrap();
        assert_eq!((net.n_peers(), net.n_links()), (4, 2));
        layout.tick(&net);
        assert!(layout.position(new).is_some(), "{new} has no place");
        assert!(layout.position(PeerId(3)).is_none(), "N3 is gone");
    }

    #[test]
    fn a_layout_settles_only_once_its_steps_are_small_against_its_size() {
        let net = network(Topology::bitcoin(200), 2);
        let mut layout = Layout::new(2);
        layout.sync(&net);
        let p = *layout.params();
        loop {
            let before = positions(&layout, &net);
            let moving = layout.tick(&net);
            if moving {
                assert!(layout.ticks() < 2000, "never settled");
                continue;
            }
            // The settling tick: every peer moved at most the tolerance times the picture's size
            // (three times that, allowing for the shift back towards the origin), unless the
            // layout simply cooled down.
            let after = positions(&layout, &net);
            let step = before
                .iter()
                .zip(&after)
                .map(|(&a, &b)| distance(a, b))
                .fold(0.0, f64::max);
            let (x0, y0, x1, y1) = layout.bounds().unwrap();
            let size = (x1 - x0).max(y1 - y0).max(p.link_length);
            assert!(
                step <= 3.0 * p.settle_tolerance * size || layout.alpha() < p.alpha_min,
                "settled after a step of {step} in a picture {size} wide"
            );
            assert!(layout.ticks() > 1);
            break;
        }
    }

    #[test]
    fn a_peer_exactly_at_the_point_is_found_within_a_distance_of_zero() {
        let net = network(Topology::Ring { peers: 5 }, 1);
        let layout = settled(&net, 1);
        let (x, y) = layout.position(PeerId(3)).unwrap();
        assert_eq!(layout.nearest(x, y, 0.0), Some(PeerId(3)));
        assert_eq!(layout.nearest(x + 1.0, y, 0.5), None);
        assert_eq!(layout.nearest(x, y, -1.0), None);
    }

    #[test]
    fn barnes_hut_comes_within_a_few_percent_of_the_exact_sum() {
        // 400 bodies in three clusters; the exact pull is the plain sum over all pairs.
        let mut rng = SimRng::new(11);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for i in 0..400 {
            let (cx, cy) = [(0.0, 0.0), (900.0, 100.0), (300.0, 800.0)][i % 3];
            x.push(cx + 200.0 * rng.unit());
            y.push(cy + 200.0 * rng.unit());
        }
        let order: Vec<u32> = (0..400).collect();
        let mut tree = QuadTree::default();
        tree.build(&order, &x, &y);
        let min_d2 = 1e-6;
        for body in [0u32, 57, 199, 398] {
            let b = body as usize;
            let (mut ex, mut ey) = (0.0, 0.0);
            for o in 0..400 {
                if o != b {
                    let (dx, dy) = (x[o] - x[b], y[o] - y[b]);
                    let d2 = dx * dx + dy * dy;
                    ex += dx / d2;
                    ey += dy / d2;
                }
            }
            let (ax, ay) = tree.pull_towards_others(body, &x, &y, 0.5 * 0.5, min_d2);
            let error = ((ax - ex).powi(2) + (ay - ey).powi(2)).sqrt();
            let size = (ex * ex + ey * ey).sqrt();
            assert!(
                error < 0.03 * size,
                "body {body}: {error} off a pull of {size}"
            );
            // The wide angle of large networks sums less exactly, within a tenth.
            let wide = LayoutParams::default().wide_theta;
            let (wx, wy) = tree.pull_towards_others(body, &x, &y, wide * wide, min_d2);
            let error = ((wx - ex).powi(2) + (wy - ey).powi(2)).sqrt();
            assert!(
                error < 0.1 * size,
                "body {body}: {error} off a pull of {size}"
            );
            // Opening every cell (theta 0) gives the exact sum.
            let (zx, zy) = tree.pull_towards_others(body, &x, &y, 0.0, min_d2);
            assert!((zx - ex).abs() < 1e-9 * size && (zy - ey).abs() < 1e-9 * size);
        }
    }

    #[test]
    fn the_wide_angle_sums_the_repulsion_above_its_size_and_only_there() {
        let ticked = |net: &Network, theta: f64, wide_theta: f64| {
            let params = LayoutParams {
                theta,
                wide_theta,
                ..LayoutParams::default()
            };
            let mut layout = Layout::with_params(3, params);
            layout.sync(net);
            for _ in 0..3 {
                layout.tick(net);
            }
            bits(&positions(&layout, net))
        };
        let defaults = LayoutParams::default();
        let (narrow, wide) = (defaults.theta, defaults.wide_theta);
        for (peers, used) in [(LARGE_LAYOUT_PEERS, narrow), (LARGE_LAYOUT_PEERS + 1, wide)] {
            let net = network(Topology::bitcoin(peers as u32), 1);
            let by_default = ticked(&net, narrow, wide);
            assert_eq!(by_default, ticked(&net, used, used), "{peers} peers");
            let other = if used == wide { narrow } else { wide };
            assert_ne!(by_default, ticked(&net, other, other), "{peers} peers");
        }
    }

    #[test]
    fn same_seed_gives_identical_positions_and_another_seed_others() {
        let net = network(Topology::bitcoin(30), 1);
        let a = settled(&net, 7);
        let b = settled(&net, 7);
        assert_eq!(bits(&positions(&a, &net)), bits(&positions(&b, &net)));
        assert_eq!(a.ticks(), b.ticks());
        let c = settled(&net, 8);
        assert_ne!(bits(&positions(&a, &net)), bits(&positions(&c, &net)));
    }

    #[test]
    fn a_clone_continues_exactly_like_the_original() {
        let net = network(
            Topology::Tutorial {
                peers: 20,
                tries: 3,
            },
            2,
        );
        let mut a = Layout::new(3);
        a.sync(&net);
        for _ in 0..10 {
            a.tick(&net);
        }
        let mut b = a.clone();
        a.settle(&net, 400);
        b.settle(&net, 400);
        assert_eq!(bits(&positions(&a, &net)), bits(&positions(&b, &net)));
    }

    #[test]
    fn typical_networks_settle_within_a_bounded_number_of_ticks() {
        for (name, topology) in typical_networks() {
            for seed in 1..=2 {
                let net = network(topology.clone(), seed);
                let layout = settled(&net, seed);
                assert!(
                    layout.ticks() <= 320,
                    "{name}, seed {seed}: {} ticks",
                    layout.ticks()
                );
            }
        }
    }

    #[test]
    fn a_settled_layout_holds_still() {
        let net = network(Topology::bitcoin(30), 4);
        let mut layout = settled(&net, 4);
        let before = bits(&positions(&layout, &net));
        let ticks = layout.ticks();
        for _ in 0..5 {
            assert!(!layout.tick(&net));
        }
        layout.sync(&net);
        assert!(layout.is_settled(), "a sync with nothing new wakes nothing");
        assert!(!layout.tick(&net));
        assert_eq!(layout.settle(&net, 100), 0);
        assert_eq!(bits(&positions(&layout, &net)), before);
        assert_eq!(layout.ticks(), ticks);
    }

    #[test]
    fn no_two_peers_overlap_in_small_layouts() {
        for seed in 1..=4 {
            for topology in [
                Topology::bitcoin(30),
                Topology::Tutorial { peers: 6, tries: 3 },
                Topology::Star { clients: 20 },
            ] {
                let net = network(topology.clone(), seed);
                let layout = settled(&net, seed);
                let min = min_pair_distance(&positions(&layout, &net));
                assert!(
                    min >= 0.25 * LENGTH,
                    "{}, seed {seed}: two peers {min} apart",
                    topology.name()
                );
            }
        }
    }

    #[test]
    fn linked_peers_end_up_closer_than_unlinked_ones() {
        for topology in [
            Topology::bitcoin(30),
            Topology::Tutorial {
                peers: 20,
                tries: 3,
            },
            Topology::Ring { peers: 20 },
        ] {
            let net = network(topology.clone(), 5);
            let layout = settled(&net, 5);
            let ids: Vec<PeerId> = net.peer_ids().collect();
            let (mut linked, mut n_linked, mut unlinked, mut n_unlinked) = (0.0, 0.0, 0.0, 0.0);
            for (k, &a) in ids.iter().enumerate() {
                for &b in &ids[k + 1..] {
                    let d = distance(layout.position(a).unwrap(), layout.position(b).unwrap());
                    if net.link_between(a, b).is_some() {
                        linked += d;
                        n_linked += 1.0;
                    } else {
                        unlinked += d;
                        n_unlinked += 1.0;
                    }
                }
            }
            let (linked, unlinked) = (linked / n_linked, unlinked / n_unlinked);
            assert!(
                linked < unlinked,
                "{}: linked {linked}, unlinked {unlinked}",
                topology.name()
            );
        }
    }

    #[test]
    fn a_ring_comes_out_round_and_untwisted() {
        for seed in 1..=3 {
            let net = network(Topology::Ring { peers: 24 }, seed);
            let layout = settled(&net, seed);
            let points = positions(&layout, &net);
            let n = points.len() as f64;
            let centre = (
                points.iter().map(|p| p.0).sum::<f64>() / n,
                points.iter().map(|p| p.1).sum::<f64>() / n,
            );
            let radii: Vec<f64> = points.iter().map(|&p| distance(p, centre)).collect();
            let mean = radii.iter().sum::<f64>() / n;
            assert!(
                radii.iter().all(|r| (r - mean).abs() < 0.1 * mean),
                "seed {seed}: radii {radii:?}"
            );
            // Round and untwisted: neighbours on the ring are neighbours in angle.
            for link in net.links() {
                let d = distance(
                    layout.position(link.from).unwrap(),
                    layout.position(link.to).unwrap(),
                );
                assert!(
                    d < 1.5 * std::f64::consts::TAU * mean / n,
                    "seed {seed}: link {d}"
                );
            }
        }
    }

    #[test]
    fn a_larger_network_is_round_and_centred() {
        let net = network(Topology::bitcoin(300), 6);
        let layout = settled(&net, 6);
        let (min_x, min_y, max_x, max_y) = layout.bounds().unwrap();
        let (width, height) = (max_x - min_x, max_y - min_y);
        assert!(
            width / height < 1.25 && height / width < 1.25,
            "{width} x {height}"
        );
        let points = positions(&layout, &net);
        let n = points.len() as f64;
        let centre_x = points.iter().map(|p| p.0).sum::<f64>() / n;
        let centre_y = points.iter().map(|p| p.1).sum::<f64>() / n;
        assert!(
            centre_x.hypot(centre_y) < 0.05 * width,
            "centre ({centre_x}, {centre_y})"
        );
    }

    #[test]
    fn an_added_peer_starts_near_a_neighbour_and_wakes_the_layout() {
        let mut net = network(Topology::bitcoin(30), 7);
        let mut layout = settled(&net, 7);
        let before = bits(&positions(&layout, &net));
        let neighbour = net.peers().find(|p| p.reachable).unwrap().id;
        let new = net.add_peer(Role::Full, false).unwrap();
        net.add_link(new, neighbour, Time::ZERO, LinkKind::FullRelay)
            .unwrap();
        layout.sync(&net);
        assert!(!layout.is_settled());
        let start = layout.position(new).expect("the new peer is placed");
        assert!(distance(start, layout.position(neighbour).unwrap()) <= LENGTH);
        let old: Vec<(f64, f64)> = net
            .peer_ids()
            .filter(|&id| id != new)
            .map(|id| layout.position(id).unwrap())
            .collect();
        assert_eq!(bits(&old), before, "placing moves no other peer");
        layout.settle(&net, 400);
        assert!(layout.is_settled());
    }

    #[test]
    fn a_new_lone_peer_starts_just_outside_the_layout() {
        let mut net = network(Topology::Ring { peers: 12 }, 8);
        let mut layout = settled(&net, 8);
        let (min_x, min_y, max_x, max_y) = layout.bounds().unwrap();
        let lone = net.add_peer(Role::Full, true).unwrap();
        layout.sync(&net);
        let (x, y) = layout.position(lone).unwrap();
        let radius = 0.5 * (max_x - min_x).max(max_y - min_y);
        let from_middle = (x - 0.5 * (min_x + max_x)).hypot(y - 0.5 * (min_y + max_y));
        assert!(
            from_middle > radius && from_middle < radius + LENGTH,
            "{from_middle}"
        );
    }

    #[test]
    fn a_removed_peer_loses_its_position() {
        let mut net = network(Topology::Tutorial { peers: 6, tries: 3 }, 9);
        let mut layout = settled(&net, 9);
        net.remove_peer(PeerId(3)).unwrap();
        layout.sync(&net);
        assert_eq!(layout.position(PeerId(3)), None);
        assert_eq!(layout.n_placed(), 5);
        assert!(!layout.is_settled());
        assert_eq!(
            layout
                .nearest(0.0, 0.0, f64::INFINITY)
                .map(|p| p == PeerId(3)),
            Some(false)
        );
        layout.settle(&net, 400);
        assert!(layout.is_settled());
    }

    #[test]
    fn tick_catches_up_with_a_network_that_grew_without_a_sync() {
        let mut net = plain_network(3);
        link(&mut net, 0, 1);
        let mut layout = Layout::new(1);
        layout.sync(&net);
        layout.settle(&net, 400);
        net.add_peer(Role::Full, true).unwrap();
        link(&mut net, 3, 2);
        assert!(layout.tick(&net));
        assert!(layout.position(PeerId(3)).is_some());
    }

    #[test]
    fn set_position_pins_the_peer_and_unpin_frees_it() {
        let net = network(Topology::bitcoin(30), 10);
        let mut layout = settled(&net, 10);
        let peer = PeerId(4);
        let (x, y) = layout.position(peer).unwrap();
        let (to_x, to_y) = (x + 5.0 * LENGTH, y - 2.0 * LENGTH);
        layout.set_position(peer, to_x, to_y);
        assert!(layout.is_pinned(peer));
        assert!(!layout.is_settled());
        assert_eq!(layout.position(peer), Some((to_x, to_y)));
        layout.settle(&net, 400);
        assert!(layout.is_settled());
        assert_eq!(
            layout.position(peer),
            Some((to_x, to_y)),
            "a pinned peer stays put"
        );

        layout.unpin(peer);
        assert!(!layout.is_pinned(peer));
        assert!(!layout.is_settled());
        layout.settle(&net, 400);
        let (x, y) = layout.position(peer).unwrap();
        assert!(
            distance((x, y), (to_x, to_y)) > LENGTH,
            "freed, it goes back among its neighbours"
        );
    }

    #[test]
    fn set_position_ignores_unknown_peers_and_bad_coordinates() {
        let net = network(Topology::Ring { peers: 5 }, 11);
        let mut layout = settled(&net, 11);
        let before = bits(&positions(&layout, &net));
        layout.set_position(PeerId(99), 1.0, 2.0);
        layout.set_position(PeerId(1), f64::NAN, 2.0);
        layout.set_position(PeerId(1), 0.0, f64::INFINITY);
        assert!(layout.is_settled());
        assert_eq!(bits(&positions(&layout, &net)), before);
        assert_eq!(layout.position(PeerId(99)), None);
        layout.unpin(PeerId(99));
    }

    #[test]
    fn nearest_finds_the_peer_under_a_point_and_nothing_far_away() {
        let net = network(Topology::bitcoin(30), 12);
        let layout = settled(&net, 12);
        for id in net.peer_ids() {
            let (x, y) = layout.position(id).unwrap();
            assert_eq!(layout.nearest(x + 2.0, y - 2.0, 5.0), Some(id));
        }
        let (_, _, max_x, max_y) = layout.bounds().unwrap();
        assert_eq!(layout.nearest(max_x + 100.0, max_y + 100.0, 50.0), None);
        assert!(layout
            .nearest(max_x + 100.0, max_y + 100.0, f64::INFINITY)
            .is_some());
        assert_eq!(layout.nearest(0.0, 0.0, -1.0), None);
        assert_eq!(layout.nearest(0.0, 0.0, f64::NAN), None);
        assert_eq!(Layout::new(1).nearest(0.0, 0.0, 10.0), None);
    }

    #[test]
    fn bounds_cover_every_peer() {
        let net = network(Topology::Star { clients: 20 }, 13);
        let layout = settled(&net, 13);
        let (min_x, min_y, max_x, max_y) = layout.bounds().unwrap();
        for (x, y) in positions(&layout, &net) {
            assert!(min_x <= x && x <= max_x && min_y <= y && y <= max_y);
        }
        assert_eq!(Layout::new(1).bounds(), None);
    }

    #[test]
    fn strays_stay_close_to_the_main_group() {
        let mut net = network(Topology::bitcoin(30), 14);
        let mut strays = Vec::new();
        for _ in 0..5 {
            strays.push(net.add_peer(Role::Full, true).unwrap());
        }
        let a = net.add_peer(Role::Full, true).unwrap();
        let b = net.add_peer(Role::Full, true).unwrap();
        net.add_link(a, b, Time::ZERO, LinkKind::FullRelay).unwrap();
        strays.extend([a, b]);
        let layout = settled(&net, 14);
        let main: Vec<(f64, f64)> = net
            .peer_ids()
            .filter(|id| !strays.contains(id))
            .map(|id| layout.position(id).unwrap())
            .collect();
        let n = main.len() as f64;
        let centre = (
            main.iter().map(|p| p.0).sum::<f64>() / n,
            main.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let radius = main
            .iter()
            .map(|&p| distance(p, centre))
            .fold(0.0, f64::max);
        for &stray in &strays {
            let d = distance(layout.position(stray).unwrap(), centre);
            assert!(
                d < 2.5 * radius,
                "{stray} is {d} from the middle; the group's radius is {radius}"
            );
        }
        assert!(
            centre.0.hypot(centre.1) < radius,
            "the main group stays near the centre"
        );
    }

    #[test]
    fn empty_and_tiny_networks_are_handled() {
        let mut layout = Layout::new(1);
        let empty = plain_network(0);
        layout.sync(&empty);
        assert!(!layout.tick(&empty));
        assert!(layout.is_settled());
        assert_eq!(layout.bounds(), None);

        for n in 1..=3 {
            let net = plain_network(n);
            let layout = settled(&net, u64::from(n));
            assert_eq!(layout.n_placed(), n as usize);
            if n > 1 {
                assert!(min_pair_distance(&positions(&layout, &net)) > 0.25 * LENGTH);
            }
        }
    }

    #[test]
    fn peers_dropped_on_one_point_are_pushed_apart() {
        let mut net = plain_network(6);
        link(&mut net, 0, 1);
        link(&mut net, 1, 2);
        let mut layout = Layout::new(15);
        layout.sync(&net);
        for id in 0..6 {
            layout.set_position(PeerId(id), 10.0, -10.0);
        }
        for id in 0..6 {
            layout.unpin(PeerId(id));
        }
        layout.settle(&net, 400);
        let points = positions(&layout, &net);
        assert!(points.iter().all(|(x, y)| x.is_finite() && y.is_finite()));
        assert!(min_pair_distance(&points) > 0.25 * LENGTH, "{points:?}");
    }

    #[test]
    fn the_params_survive_json() {
        let params = LayoutParams::default();
        let json = serde_json::to_string(&params).unwrap();
        assert_eq!(serde_json::from_str::<LayoutParams>(&json).unwrap(), params);
    }

    /// One step of a random session: an edit of the network or a call on the layout.
    #[derive(Clone, Debug)]
    enum Step {
        AddPeer,
        AddLink(u8, u8),
        RemovePeer(u8),
        Drag(u8, i16, i16),
        DropAllOnOnePoint,
        Unpin(u8),
        Ticks(u8),
    }

    /// Random steps, edits and ticks more often than the rest.
    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            2 => Just(Step::AddPeer),
            4 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Step::AddLink(a, b)),
            1 => any::<u8>().prop_map(Step::RemovePeer),
            2 => (any::<u8>(), any::<i16>(), any::<i16>()).prop_map(|(p, x, y)| Step::Drag(p, x, y)),
            1 => Just(Step::DropAllOnOnePoint),
            1 => any::<u8>().prop_map(Step::Unpin),
            3 => any::<u8>().prop_map(Step::Ticks),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn random_sessions_never_produce_nan_or_panic(
            n_peers in 0u32..10,
            steps in proptest::collection::vec(step(), 0..40),
            seed in any::<u64>(),
        ) {
            let mut net = plain_network(n_peers);
            let mut layout = Layout::new(seed);
            layout.sync(&net);
            let pick = |net: &Network, k: u8| -> Option<PeerId> {
                let ids: Vec<PeerId> = net.peer_ids().collect();
                (!ids.is_empty()).then(|| ids[k as usize % ids.len()])
            };
            for step in steps {
                match step {
                    Step::AddPeer => {
                        net.add_peer(Role::Full, true).unwrap();
                        layout.sync(&net);
                    }
                    Step::AddLink(a, b) => {
                        if let (Some(a), Some(b)) = (pick(&net, a), pick(&net, b)) {
                            let _ = net.add_link(a, b, Time::ZERO, LinkKind::FullRelay);
                            layout.sync(&net);
                        }
                    }
                    Step::RemovePeer(k) => {
                        if let Some(p) = pick(&net, k) {
                            net.remove_peer(p).unwrap();
                            layout.sync(&net);
                        }
                    }
                    Step::Drag(k, x, y) => {
                        if let Some(p) = pick(&net, k) {
                            layout.set_position(p, f64::from(x), f64::from(y));
                        }
                    }
                    Step::DropAllOnOnePoint => {
                        let ids: Vec<PeerId> = net.peer_ids().collect();
                        for &p in &ids {
                            layout.set_position(p, 3.0, 3.0);
                        }
                        for &p in &ids {
                            layout.unpin(p);
                        }
                    }
                    Step::Unpin(k) => {
                        if let Some(p) = pick(&net, k) {
                            layout.unpin(p);
                        }
                    }
                    Step::Ticks(n) => {
                        for _ in 0..n % 50 {
                            layout.tick(&net);
                        }
                    }
                }
                for id in net.peer_ids() {
                    let (x, y) = layout.position(id).expect("every live peer is placed");
                    prop_assert!(x.is_finite() && y.is_finite(), "{id} at ({x}, {y})");
                }
            }
            layout.settle(&net, 400);
            prop_assert!(layout.is_settled());
            if let Some((min_x, min_y, max_x, max_y)) = layout.bounds() {
                prop_assert!(min_x.is_finite() && min_y.is_finite() && max_x.is_finite() && max_y.is_finite());
            }
        }
    }
}
