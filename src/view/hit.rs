//! Hit-testing: which peer, link or peers lie under a point or a rectangle on the screen.
//!
//! Points are screen pixels, as the pointer gives them; the [`Viewport`] says where each
//! peer is drawn, and how large.

use crate::sim::network::{LinkId, Network, PeerId};
use crate::view::layout::Layout;
use crate::view::state::AppState;
use crate::view::viewport::Viewport;

/// Pixels around a peer's circle that still count as on the peer.
pub const PEER_SLACK: f64 = 4.0;

/// How near (in pixels) a link must pass to count as under the pointer.
pub const LINK_REACH: f64 = 6.0;

/// A network as drawn: its peers where the layout puts them, through a viewport.
#[derive(Clone, Copy)]
pub struct Scene<'a> {
    network: &'a Network,
    layout: &'a Layout,
    view: &'a Viewport,
}

impl<'a> Scene<'a> {
    /// The network and layout seen through `view`.
    pub fn new(network: &'a Network, layout: &'a Layout, view: &'a Viewport) -> Scene<'a> {
        Scene {
            network,
            layout,
            view,
        }
    }

    /// The app's network and layout seen through `view`.
    pub fn of(state: &'a AppState, view: &'a Viewport) -> Scene<'a> {
        Scene::new(state.network(), state.layout(), view)
    }

    /// How far from a peer's centre (in pixels) a point is still on it.
    fn reach(&self) -> f64 {
        self.view.peer_radius(self.network.n_peers()) + PEER_SLACK
    }

    /// Where a peer is drawn, if it has been placed.
    pub fn screen(&self, peer: PeerId) -> Option<(f64, f64)> {
        self.layout.position(peer).map(|at| self.view.to_screen(at))
    }

    /// The peer under a screen point: the nearest within reach.
    pub fn peer_at(&self, point: (f64, f64)) -> Option<PeerId> {
        let (x, y) = self.view.to_layout(point);
        self.layout.nearest(x, y, self.reach() / self.view.scale)
    }

    /// The peer under a screen point other than `except` (the one being dragged).
    pub fn peer_at_except(&self, point: (f64, f64), except: PeerId) -> Option<PeerId> {
        let reach = self.reach();
        self.network
            .peer_ids()
            .filter(|&p| p != except)
            .filter_map(|p| self.screen(p).map(|at| (p, distance(at, point))))
            .filter(|&(_, d)| d <= reach)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(p, _)| p)
    }

    /// The link under a screen point: the nearest that passes within [`LINK_REACH`].
    pub fn link_at(&self, point: (f64, f64)) -> Option<LinkId> {
        let mut best = None;
        let mut best_distance = LINK_REACH;
        for link in self.network.links() {
            let (Some(a), Some(b)) = (self.screen(link.from), self.screen(link.to)) else {
                continue;
            };
            let d = segment_distance(point, a, b);
            if d < best_distance {
                best_distance = d;
                best = Some(link.id);
            }
        }
        best
    }

    /// The peers drawn inside the screen rectangle with corners `a` and `b` (edges included).
    pub fn peers_in(&self, a: (f64, f64), b: (f64, f64)) -> Vec<PeerId> {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        self.network
            .peer_ids()
            .filter(|&p| {
                self.screen(p)
                    .is_some_and(|(x, y)| (x0..=x1).contains(&x) && (y0..=y1).contains(&y))
            })
            .collect()
    }
}

/// Distance between two points.
pub fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Distance from point `p` to the segment `a`-`b`.
pub fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    let t = if length2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length2).clamp(0.0, 1.0)
    };
    distance(p, (a.0 + t * dx, a.1 + t * dy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::network::{Limits, LinkKind, Role};
    use crate::sim::time::Time;
    use proptest::prelude::*;

    /// A network of peers pinned at `places` (layout units), with `links` between them.
    fn placed(places: &[(f64, f64)], links: &[(u32, u32)]) -> (Network, Layout) {
        let mut net = Network::new(Limits::TUTORIAL);
        for _ in places {
            net.add_peer(Role::Full, true).unwrap();
        }
        for &(a, b) in links {
            net.add_link(PeerId(a), PeerId(b), Time::from_ms(50), LinkKind::FullRelay)
                .unwrap();
        }
        let mut layout = Layout::new(1);
        layout.sync(&net);
        for (i, &(x, y)) in places.iter().enumerate() {
            layout.set_position(PeerId(i as u32), x, y);
        }
        (net, layout)
    }

    /// Scale 2, origin at (100, 50): layout (x, y) is drawn at (2x + 100, 2y + 50).
    const VIEW: Viewport = Viewport {
        scale: 2.0,
        offset: (100.0, 50.0),
        user_moved: false,
        projector: false,
    };

    #[test]
    fn a_point_is_on_a_peer_within_its_radius_and_four_pixels() {
        // Drawn at (100, 50) and (300, 50); radius 13 * sqrt(2) for 2 peers at scale 2.
        let (net, layout) = placed(&[(0.0, 0.0), (100.0, 0.0)], &[]);
        let scene = Scene::new(&net, &layout, &VIEW);
        let reach = 13.0 * 2f64.sqrt() + 4.0;
        assert_eq!(scene.peer_at((100.0, 50.0)), Some(PeerId(0)));
        assert_eq!(scene.peer_at((300.0, 50.0 + reach - 0.01)), Some(PeerId(1)));
        assert_eq!(scene.peer_at((300.0, 50.0 + reach + 0.01)), None);
        assert_eq!(scene.peer_at((200.0, 50.0)), None, "halfway is on neither");
        // The dragged peer is passed over: the other one, or nothing.
        assert_eq!(scene.peer_at_except((110.0, 50.0), PeerId(0)), None);
        assert_eq!(
            scene.peer_at_except((300.0 - reach + 0.01, 50.0), PeerId(0)),
            Some(PeerId(1))
        );
        assert_eq!(
            scene.peer_at_except((300.0, 50.0), PeerId(1)),
            None,
            "peer 0 is 200 pixels away"
        );
    }

    #[test]
    fn of_two_peers_in_reach_the_nearer_wins() {
        // Drawn at (100, 50) and (120, 50): both cover (112, 50), peer 1 is nearer.
        let (net, layout) = placed(&[(0.0, 0.0), (10.0, 0.0)], &[]);
        let scene = Scene::new(&net, &layout, &VIEW);
        assert_eq!(scene.peer_at((112.0, 50.0)), Some(PeerId(1)));
        assert_eq!(scene.peer_at((108.0, 50.0)), Some(PeerId(0)));
        assert_eq!(
            scene.peer_at_except((112.0, 50.0), PeerId(2)),
            Some(PeerId(1))
        );
        assert_eq!(
            scene.peer_at_except((112.0, 50.0), PeerId(1)),
            Some(PeerId(0))
        );
    }

    #[test]
    fn a_link_is_hit_within_six_pixels_of_its_segment_and_the_nearest_wins() {
        // Peers drawn at (100, 50), (300, 50) and (300, 250); links 0-1 and 1-2.
        let (net, layout) = placed(
            &[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)],
            &[(0, 1), (1, 2)],
        );
        let scene = Scene::new(&net, &layout, &VIEW);
        assert_eq!(scene.link_at((200.0, 55.9)), Some(LinkId(0)));
        assert_eq!(
            scene.link_at((200.0, 56.0)),
            None,
            "exactly 6 pixels is off"
        );
        assert_eq!(scene.link_at((305.0, 150.0)), Some(LinkId(1)));
        // Beyond the end of a segment the distance is to its end point: (96, 50) is 4 away.
        assert_eq!(scene.link_at((96.0, 50.0)), Some(LinkId(0)));
        assert_eq!(scene.link_at((93.0, 50.0)), None);
        // Near the corner (300, 50): 2 pixels from link 1, 3 from link 0.
        assert_eq!(scene.link_at((298.0, 53.0)), Some(LinkId(1)));
        assert_eq!(scene.link_at((297.0, 52.0)), Some(LinkId(0)));
    }

    #[test]
    fn segment_distance_by_hand() {
        assert_eq!(segment_distance((0.0, 5.0), (-3.0, 0.0), (3.0, 0.0)), 5.0);
        assert_eq!(
            segment_distance((7.0, 4.0), (0.0, 0.0), (4.0, 0.0)),
            5.0,
            "past the end"
        );
        assert_eq!(
            segment_distance((3.0, 4.0), (0.0, 0.0), (0.0, 0.0)),
            5.0,
            "a point"
        );
    }

    fn places() -> impl Strategy<Value = Vec<(f64, f64)>> {
        prop::collection::vec((-200.0f64..200.0, -200.0f64..200.0), 1..40)
    }

    fn view() -> impl Strategy<Value = Viewport> {
        (0.1f64..4.0, -300.0f64..300.0, -300.0f64..300.0).prop_map(|(scale, x, y)| Viewport {
            scale,
            offset: (x, y),
            ..Viewport::default()
        })
    }

    proptest! {
        #[test]
        fn peers_in_is_exactly_the_peers_drawn_inside_the_rectangle(
            places in places(),
            view in view(),
            a in (-400.0f64..400.0, -400.0f64..400.0),
            b in (-400.0f64..400.0, -400.0f64..400.0),
        ) {
            let (net, layout) = placed(&places, &[]);
            let scene = Scene::new(&net, &layout, &view);
            let expected: Vec<PeerId> = places
                .iter()
                .enumerate()
                .filter(|(_, &(x, y))| {
                    let (sx, sy) = (x * view.scale + view.offset.0, y * view.scale + view.offset.1);
                    sx >= a.0.min(b.0) && sx <= a.0.max(b.0) && sy >= a.1.min(b.1) && sy <= a.1.max(b.1)
                })
                .map(|(i, _)| PeerId(i as u32))
                .collect();
            prop_assert_eq!(scene.peers_in(a, b), expected.clone());
            prop_assert_eq!(scene.peers_in(b, a), expected, "corners in any order");
        }

        #[test]
        fn the_peer_under_a_point_is_the_nearest_in_reach_by_brute_force(
            places in places(),
            view in view(),
            point in (-400.0f64..400.0, -400.0f64..400.0),
        ) {
            let (net, layout) = placed(&places, &[]);
            let scene = Scene::new(&net, &layout, &view);
            let reach = view.peer_radius(places.len()) + 4.0;
            let screen: Vec<(f64, f64)> = places
                .iter()
                .map(|&(x, y)| (x * view.scale + view.offset.0, y * view.scale + view.offset.1))
                .collect();
            let d = |i: usize| ((screen[i].0 - point.0).powi(2) + (screen[i].1 - point.1).powi(2)).sqrt();
            let mut in_reach: Vec<usize> = (0..places.len()).filter(|&i| d(i) <= reach).collect();
            in_reach.sort_by(|&i, &j| d(i).total_cmp(&d(j)));
            // Rounding may tell a near tie either way: whatever is found is within a hair of the
            // best, and a peer found or missed alone is one at the very edge of its reach.
            match (scene.peer_at(point), in_reach.first()) {
                (Some(found), Some(&best)) => prop_assert!(d(found.index()) <= d(best) + 1e-6),
                (None, None) => {}
                (Some(found), None) => prop_assert!((d(found.index()) - reach).abs() < 1e-6),
                (None, Some(&best)) => prop_assert!((d(best) - reach).abs() < 1e-6),
            }
            // Leaving out peer 0, the brute force over the rest.
            let best = in_reach.iter().copied().find(|&i| i != 0);
            let found = scene.peer_at_except(point, PeerId(0));
            prop_assert_eq!(found.map(|p| p.index()), best);
        }

        #[test]
        fn the_link_under_a_point_is_within_reach_and_none_is_nearer(
            places in prop::collection::vec((-200.0f64..200.0, -200.0f64..200.0), 4..12),
            view in view(),
            point in (-400.0f64..400.0, -400.0f64..400.0),
        ) {
            let n = places.len() as u32;
            let links: Vec<(u32, u32)> = (0..n).map(|i| (i, (i + 1) % n)).collect();
            let (net, layout) = placed(&places, &links);
            let scene = Scene::new(&net, &layout, &view);
            let screen = |i: u32| {
                let (x, y) = places[i as usize];
                (x * view.scale + view.offset.0, y * view.scale + view.offset.1)
            };
            // Distance to a segment by sampling it finely: independent of the projection formula.
            let sampled = |(a, b): (u32, u32)| {
                let (pa, pb) = (screen(a), screen(b));
                (0..=4000)
                    .map(|k| {
                        let t = f64::from(k) / 4000.0;
                        let q = (pa.0 + (pb.0 - pa.0) * t, pa.1 + (pb.1 - pa.1) * t);
                        ((q.0 - point.0).powi(2) + (q.1 - point.1).powi(2)).sqrt()
                    })
                    .fold(f64::INFINITY, f64::min)
            };
            let distances: Vec<f64> = links.iter().map(|&l| sampled(l)).collect();
            let nearest = distances.iter().copied().fold(f64::INFINITY, f64::min);
            // The sampling is within 0.5 pixel of the true distance for segments under 4,000 pixels.
            let slack = 0.5;
            match scene.link_at(point) {
                Some(link) => {
                    prop_assert!(distances[link.index()] < 6.0 + slack);
                    prop_assert!(distances[link.index()] <= nearest + slack);
                }
                None => prop_assert!(nearest >= 6.0 - 1e-9),
            }
        }
    }
}
