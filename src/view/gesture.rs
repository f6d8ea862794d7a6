//! The pointer's gestures on the canvas, as a state machine: events in, commands and hints out.
//!
//! A press starts a gesture according to what lies under it and the modifier keys held:
//!
//! | press | on a peer | on empty space |
//! | --- | --- | --- |
//! | plain | drag the peer (a click selects it) | pan (a click selects a link or clears) |
//! | Shift | drag out a link (rubber band) | select a region |
//! | Alt | drag the peer | cut the links a line crosses |
//! | Ctrl or Command | drag the peer (a click adds it to the selection) | pan |
//!
//! Any movement between press and release makes a drag: there is no distance threshold. A peer
//! dropped onto another is linked to it and goes back where it was. One finger drags a peer or
//! pans, two pinch to zoom; the wheel zooms about the pointer; a double click on empty space adds
//! a peer there.

use crate::sim::network::PeerId;
use crate::view::hit::{distance, Scene};
use crate::view::state::{AppState, Command};
use crate::view::viewport::Viewport;

/// A point on the canvas, in pixels.
pub type Point = (f64, f64);

/// How fast the wheel zooms: the scale changes by `exp(-delta_y * WHEEL_ZOOM)`.
pub const WHEEL_ZOOM: f64 = 0.0015;

/// The modifier keys held. `ctrl` is Ctrl or the Mac's Command key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// Shift.
    pub shift: bool,
    /// Ctrl or Command.
    pub ctrl: bool,
    /// Alt (Option).
    pub alt: bool,
}

/// What the pointer did on the canvas, positions in canvas pixels.
#[derive(Clone, Debug, PartialEq)]
pub enum Pointer {
    /// A mouse button went down.
    Down { at: Point, modifiers: Modifiers },
    /// The mouse moved.
    Move { at: Point },
    /// The button came up (where, if the canvas could say).
    Up {
        at: Option<Point>,
        modifiers: Modifiers,
    },
    /// The mouse left the canvas: whatever was under way is dropped.
    Leave,
    /// A double click.
    DoubleClick { at: Point },
    /// The wheel turned by `delta_y` (pixels; positive scrolls down, which zooms out).
    Wheel { at: Point, delta_y: f64 },
    /// Fingers touched: where every finger on the canvas is now.
    TouchStart(Vec<Point>),
    /// Fingers moved: where every finger on the canvas is now.
    TouchMove(Vec<Point>),
    /// A finger lifted.
    TouchEnd,
}

/// What the app is to do about a pointer event.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A user's command: carried out, saved and shown, as any button's.
    Dispatch(Command),
    /// A command for the state alone, not saved nor re-rendered on its own (a peer following
    /// the pointer, every frame of a drag).
    Quiet(Command),
    /// Nothing changed but the panels should be drawn again.
    Refresh,
}

/// What to draw over the network while a gesture is under way, in canvas pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hint {
    /// A link being dragged out from a peer.
    RubberBand { from: Point, to: Point },
    /// The rectangle of a region being selected.
    Region { a: Point, b: Point },
    /// The line along which links are about to be cut.
    CutLine { a: Point, b: Point },
}

/// What a press on the canvas started.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Gesture {
    #[default]
    None,
    /// Dragging the background: the view follows.
    Pan { last: Point, moved: bool },
    /// Dragging a peer; dropped onto another peer, it links the two.
    MovePeer {
        peer: PeerId,
        moved: bool,
        additive: bool,
        /// Where it started (layout units), to go back to if the drop makes a link.
        origin: (f64, f64),
    },
    /// Shift-dragging from a peer: a link to wherever it is dropped.
    Link { from: PeerId, to: Point },
    /// Alt-dragging the background: a line; the links it crosses are cut.
    CutLine { start: Point, to: Point },
    /// Shift-dragging the background: a rectangle that selects the peers inside it.
    Region { start: Point, to: Point },
    /// Two fingers: zooming.
    Pinch { distance: f64 },
}

/// The gesture under way on the canvas, if any.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gestures {
    gesture: Gesture,
}

impl Gestures {
    /// No gesture under way.
    pub fn new() -> Gestures {
        Gestures::default()
    }

    /// Whether a gesture is under way.
    pub fn is_active(&self) -> bool {
        self.gesture != Gesture::None
    }

    /// Takes in one pointer event on a canvas showing `state` through `view`. Pans and zooms
    /// move `view` at once; everything else comes back as effects, to carry out in order.
    pub fn handle(&mut self, event: Pointer, state: &AppState, view: &mut Viewport) -> Vec<Effect> {
        match event {
            Pointer::Down { at, modifiers } => {
                self.gesture = press(state, view, at, modifiers);
                Vec::new()
            }
            Pointer::Move { at } => self.mouse_move(view, at),
            Pointer::Up { at, modifiers } => self.release(state, view, at, modifiers),
            Pointer::Leave => {
                self.gesture = Gesture::None;
                Vec::new()
            }
            Pointer::DoubleClick { at } => match Scene::of(state, view).peer_at(at) {
                Some(_) => Vec::new(),
                None => vec![Effect::Dispatch(Command::AddPeer {
                    at: Some(view.to_layout(at)),
                })],
            },
            Pointer::Wheel { at, delta_y } => {
                view.zoom_at(libm::exp(-delta_y * WHEEL_ZOOM), at);
                Vec::new()
            }
            Pointer::TouchStart(points) => {
                self.gesture = match points.as_slice() {
                    [a, b] => Gesture::Pinch {
                        distance: distance(*a, *b),
                    },
                    [p] => press(state, view, *p, Modifiers::default()),
                    _ => Gesture::None,
                };
                Vec::new()
            }
            Pointer::TouchMove(points) => self.touch_move(view, &points),
            Pointer::TouchEnd => match std::mem::take(&mut self.gesture) {
                Gesture::MovePeer {
                    peer, moved: false, ..
                } => vec![Effect::Dispatch(Command::SelectPeer {
                    peer,
                    additive: false,
                })],
                _ => Vec::new(),
            },
        }
    }

    fn mouse_move(&mut self, view: &mut Viewport, at: Point) -> Vec<Effect> {
        match self.gesture {
            Gesture::Pan { .. } => self.pan(view, at),
            Gesture::MovePeer {
                peer,
                additive,
                origin,
                ..
            } => return self.drag_peer(view, peer, additive, origin, at),
            Gesture::Link { from, .. } => self.gesture = Gesture::Link { from, to: at },
            Gesture::Region { start, .. } => self.gesture = Gesture::Region { start, to: at },
            Gesture::CutLine { start, .. } => self.gesture = Gesture::CutLine { start, to: at },
            Gesture::None | Gesture::Pinch { .. } => {}
        }
        Vec::new()
    }

    fn touch_move(&mut self, view: &mut Viewport, points: &[Point]) -> Vec<Effect> {
        match (self.gesture, points) {
            (Gesture::Pinch { distance: before }, [a, b]) => {
                let now = distance(*a, *b);
                if before > 0.0 {
                    let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                    view.zoom_at(now / before, mid);
                }
                self.gesture = Gesture::Pinch { distance: now };
            }
            (Gesture::Pan { .. }, [p]) => self.pan(view, *p),
            (Gesture::MovePeer { peer, origin, .. }, [p]) => {
                return self.drag_peer(view, peer, false, origin, *p)
            }
            _ => {}
        }
        Vec::new()
    }

    /// The view follows a pan to `at`.
    fn pan(&mut self, view: &mut Viewport, at: Point) {
        if let Gesture::Pan { last, .. } = self.gesture {
            view.pan_by((at.0 - last.0, at.1 - last.1));
            self.gesture = Gesture::Pan {
                last: at,
                moved: true,
            };
        }
    }

    /// A dragged peer follows the pointer.
    fn drag_peer(
        &mut self,
        view: &Viewport,
        peer: PeerId,
        additive: bool,
        origin: (f64, f64),
        at: Point,
    ) -> Vec<Effect> {
        let (x, y) = view.to_layout(at);
        self.gesture = Gesture::MovePeer {
            peer,
            moved: true,
            additive,
            origin,
        };
        vec![Effect::Quiet(Command::MovePeer { peer, x, y })]
    }

    fn release(
        &mut self,
        state: &AppState,
        view: &Viewport,
        at: Option<Point>,
        modifiers: Modifiers,
    ) -> Vec<Effect> {
        let scene = Scene::of(state, view);
        let dispatch = |command| vec![Effect::Dispatch(command)];
        match std::mem::take(&mut self.gesture) {
            Gesture::MovePeer {
                peer,
                moved: false,
                additive,
                ..
            } => dispatch(Command::SelectPeer {
                peer,
                additive: additive || modifiers.shift,
            }),
            // Dropped onto another peer: the two get linked, and the peer goes back.
            Gesture::MovePeer { peer, origin, .. } => {
                match at.and_then(|at| scene.peer_at_except(at, peer)) {
                    Some(to) => vec![
                        Effect::Quiet(Command::MovePeer {
                            peer,
                            x: origin.0,
                            y: origin.1,
                        }),
                        Effect::Dispatch(Command::AddLink { from: peer, to }),
                    ],
                    None => vec![Effect::Refresh],
                }
            }
            Gesture::Link { from, .. } => match at.and_then(|at| scene.peer_at(at)) {
                Some(to) if to != from => dispatch(Command::AddLink { from, to }),
                _ => dispatch(Command::SelectPeer {
                    peer: from,
                    additive: true,
                }),
            },
            Gesture::Region { start, to } => {
                dispatch(Command::SelectPeers(scene.peers_in(start, to)))
            }
            Gesture::CutLine { start, to } => dispatch(Command::CutAlong {
                from: view.to_layout(start),
                to: view.to_layout(to),
            }),
            Gesture::Pan { moved: false, .. } => match at.and_then(|at| scene.link_at(at)) {
                Some(link) => dispatch(Command::SelectLink(link)),
                None => dispatch(Command::ClearSelection),
            },
            Gesture::Pan { .. } | Gesture::Pinch { .. } | Gesture::None => Vec::new(),
        }
    }

    /// What to draw over the network for the gesture under way.
    pub fn hint(&self, state: &AppState, view: &Viewport) -> Option<Hint> {
        match self.gesture {
            Gesture::Link { from, to } => Scene::of(state, view)
                .screen(from)
                .map(|from| Hint::RubberBand { from, to }),
            Gesture::Region { start, to } => Some(Hint::Region { a: start, b: to }),
            Gesture::CutLine { start, to } => Some(Hint::CutLine { a: start, b: to }),
            _ => None,
        }
    }
}

/// The gesture a press at `at` starts (a touch is a press without modifiers).
fn press(state: &AppState, view: &Viewport, at: Point, modifiers: Modifiers) -> Gesture {
    match Scene::of(state, view).peer_at(at) {
        Some(peer) if modifiers.shift => Gesture::Link { from: peer, to: at },
        Some(peer) => Gesture::MovePeer {
            peer,
            moved: false,
            additive: modifiers.ctrl,
            origin: state.layout().position(peer).unwrap_or((0.0, 0.0)),
        },
        None if modifiers.alt => Gesture::CutLine { start: at, to: at },
        None if modifiers.shift => Gesture::Region { start: at, to: at },
        None => Gesture::Pan {
            last: at,
            moved: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The angles (radians) at which the tutorial's peers are placed, 200 units from the origin.
    const ANGLES: [f64; 6] = [0.0, 0.9, 2.1, 3.0, 4.2, 5.1];

    /// The tutorial network with its six peers placed by hand, seen at scale 1 with the layout's
    /// origin at (400, 300).
    fn placed() -> (AppState, Viewport, Vec<PeerId>) {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        let peers: Vec<PeerId> = state.network().peer_ids().collect();
        assert_eq!(peers.len(), ANGLES.len());
        for (&peer, angle) in peers.iter().zip(ANGLES) {
            let (x, y) = (200.0 * angle.cos(), 200.0 * angle.sin());
            state.dispatch(Command::MovePeer { peer, x, y });
        }
        let view = Viewport {
            scale: 1.0,
            offset: (400.0, 300.0),
            ..Viewport::default()
        };
        (state, view, peers)
    }

    /// Where the test put peer `i` on the screen.
    fn on_screen(i: usize) -> Point {
        (
            400.0 + 200.0 * ANGLES[i].cos(),
            300.0 + 200.0 * ANGLES[i].sin(),
        )
    }

    /// Far from every peer and link.
    const EMPTY: Point = (5.0, 5.0);

    const SHIFT: Modifiers = Modifiers {
        shift: true,
        ctrl: false,
        alt: false,
    };

    fn down(at: Point) -> Pointer {
        Pointer::Down {
            at,
            modifiers: Modifiers::default(),
        }
    }

    fn up(at: Point) -> Pointer {
        Pointer::Up {
            at: Some(at),
            modifiers: Modifiers::default(),
        }
    }

    /// Runs `events` through a fresh machine; returns every effect and the machine.
    fn run(state: &AppState, view: &mut Viewport, events: Vec<Pointer>) -> (Vec<Effect>, Gestures) {
        let mut gestures = Gestures::new();
        let effects = events
            .into_iter()
            .flat_map(|e| gestures.handle(e, state, view))
            .collect();
        (effects, gestures)
    }

    #[test]
    fn a_click_on_a_peer_selects_it_and_ctrl_or_shift_add_it() {
        let (state, mut view, peers) = placed();
        let select = |additive| {
            vec![Effect::Dispatch(Command::SelectPeer {
                peer: peers[2],
                additive,
            })]
        };
        let p = on_screen(2);
        let (effects, gestures) = run(&state, &mut view, vec![down(p), up(p)]);
        assert_eq!(effects, select(false));
        assert!(!gestures.is_active());
        // Ctrl held as it is pressed.
        let ctrl = Modifiers {
            ctrl: true,
            ..Modifiers::default()
        };
        let (effects, _) = run(
            &state,
            &mut view,
            vec![
                Pointer::Down {
                    at: p,
                    modifiers: ctrl,
                },
                up(p),
            ],
        );
        assert_eq!(effects, select(true));
        // Shift held as it is released.
        let shift_up = Pointer::Up {
            at: Some(p),
            modifiers: SHIFT,
        };
        let (effects, _) = run(&state, &mut view, vec![down(p), shift_up.clone()]);
        assert_eq!(effects, select(true));
        // Shift held all along (a rubber band that ends where it began).
        let shift_down = Pointer::Down {
            at: p,
            modifiers: SHIFT,
        };
        let (effects, _) = run(&state, &mut view, vec![shift_down, shift_up]);
        assert_eq!(effects, select(true));
        assert_eq!(view.offset, (400.0, 300.0), "clicks do not pan");
    }

    #[test]
    fn dragging_a_peer_moves_it_under_the_pointer_without_saving_each_step() {
        let (mut state, mut view, peers) = placed();
        let (effects, gestures) = run(
            &state,
            &mut view,
            vec![down(on_screen(0)), Pointer::Move { at: (700.0, 50.0) }],
        );
        // (700, 50) on screen is (300, -250) in the layout.
        assert_eq!(
            effects,
            vec![Effect::Quiet(Command::MovePeer {
                peer: peers[0],
                x: 300.0,
                y: -250.0
            })]
        );
        for effect in effects {
            if let Effect::Quiet(command) = effect {
                state.dispatch(command);
            }
        }
        assert_eq!(state.layout().position(peers[0]), Some((300.0, -250.0)));
        // Let go over empty space: it stays, nothing is selected, the panels catch up.
        let mut gestures = gestures;
        let effects = gestures.handle(up((700.0, 50.0)), &state, &mut view);
        assert_eq!(effects, vec![Effect::Refresh]);
    }

    #[test]
    fn a_peer_dropped_onto_another_links_them_and_goes_back() {
        let (state, mut view, peers) = placed();
        let target = (on_screen(1).0 + 3.0, on_screen(1).1);
        let (effects, _) = run(
            &state,
            &mut view,
            vec![down(on_screen(0)), Pointer::Move { at: target }, up(target)],
        );
        assert_eq!(
            effects[1..],
            [
                Effect::Quiet(Command::MovePeer {
                    peer: peers[0],
                    x: 200.0,
                    y: 0.0
                }),
                Effect::Dispatch(Command::AddLink {
                    from: peers[0],
                    to: peers[1]
                }),
            ]
        );
    }

    #[test]
    fn shift_dragging_from_a_peer_draws_a_rubber_band_and_links_where_dropped() {
        let (state, mut view, peers) = placed();
        let mut gestures = Gestures::new();
        let start = Pointer::Down {
            at: on_screen(2),
            modifiers: SHIFT,
        };
        assert!(gestures.handle(start, &state, &mut view).is_empty());
        let to = on_screen(3);
        assert!(gestures
            .handle(Pointer::Move { at: to }, &state, &mut view)
            .is_empty());
        let from = on_screen(2);
        match gestures.hint(&state, &view) {
            Some(Hint::RubberBand { from: f, to: t }) => {
                assert!((f.0 - from.0).abs() < 1e-9 && (f.1 - from.1).abs() < 1e-9);
                assert_eq!(t, to);
            }
            other => panic!("expected a rubber band, got {other:?}"),
        }
        assert_eq!(
            gestures.handle(up(to), &state, &mut view),
            vec![Effect::Dispatch(Command::AddLink {
                from: peers[2],
                to: peers[3]
            })]
        );
        assert_eq!(gestures.hint(&state, &view), None);
        // Dropped on empty space: the peer joins the selection instead.
        let (effects, _) = run(
            &state,
            &mut view,
            vec![
                Pointer::Down {
                    at: on_screen(2),
                    modifiers: SHIFT,
                },
                up(EMPTY),
            ],
        );
        assert_eq!(
            effects,
            vec![Effect::Dispatch(Command::SelectPeer {
                peer: peers[2],
                additive: true
            })]
        );
    }

    #[test]
    fn dragging_the_background_pans_and_a_click_there_picks_a_link_or_clears() {
        let (state, mut view, _) = placed();
        let (effects, _) = run(
            &state,
            &mut view,
            vec![
                down(EMPTY),
                Pointer::Move { at: (15.0, 8.0) },
                Pointer::Move { at: (25.0, 15.0) },
                up((25.0, 15.0)),
            ],
        );
        assert!(effects.is_empty(), "a pan selects nothing: {effects:?}");
        assert_eq!(view.offset, (420.0, 310.0));
        assert!(view.user_moved);

        let (state, mut view, _) = placed();
        let (effects, _) = run(&state, &mut view, vec![down(EMPTY), up(EMPTY)]);
        assert_eq!(effects, vec![Effect::Dispatch(Command::ClearSelection)]);
        // Two pixels beside a link, 40 % of the way along it.
        let link = state.network().links().next().unwrap();
        let index = |p: PeerId| state.network().peer_ids().position(|q| q == p).unwrap();
        let (a, b) = (on_screen(index(link.from)), on_screen(index(link.to)));
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let length = (dx * dx + dy * dy).sqrt();
        let near = (
            a.0 + 0.4 * dx - 2.0 * dy / length,
            a.1 + 0.4 * dy + 2.0 * dx / length,
        );
        let (effects, _) = run(&state, &mut view, vec![down(near), up(near)]);
        assert_eq!(
            effects,
            vec![Effect::Dispatch(Command::SelectLink(link.id))]
        );
    }

    #[test]
    fn shift_dragging_the_background_selects_the_peers_in_the_rectangle() {
        let (state, mut view, peers) = placed();
        let corner = (420.0, 320.0);
        let mut gestures = Gestures::new();
        let start = Pointer::Down {
            at: EMPTY,
            modifiers: SHIFT,
        };
        gestures.handle(start, &state, &mut view);
        gestures.handle(Pointer::Move { at: corner }, &state, &mut view);
        assert_eq!(
            gestures.hint(&state, &view),
            Some(Hint::Region {
                a: EMPTY,
                b: corner
            })
        );
        let inside: Vec<PeerId> = (0..peers.len())
            .filter(|&i| {
                let (x, y) = on_screen(i);
                (5.0..=420.0).contains(&x) && (5.0..=320.0).contains(&y)
            })
            .map(|i| peers[i])
            .collect();
        assert!(!inside.is_empty() && inside.len() < peers.len());
        assert_eq!(
            gestures.handle(up(corner), &state, &mut view),
            vec![Effect::Dispatch(Command::SelectPeers(inside))]
        );
    }

    #[test]
    fn alt_dragging_the_background_cuts_along_the_line_in_layout_units() {
        let (state, mut view, _) = placed();
        let mut gestures = Gestures::new();
        let alt = Modifiers {
            alt: true,
            ..Modifiers::default()
        };
        gestures.handle(
            Pointer::Down {
                at: EMPTY,
                modifiers: alt,
            },
            &state,
            &mut view,
        );
        gestures.handle(Pointer::Move { at: (795.0, 595.0) }, &state, &mut view);
        assert_eq!(
            gestures.hint(&state, &view),
            Some(Hint::CutLine {
                a: EMPTY,
                b: (795.0, 595.0)
            })
        );
        assert_eq!(
            gestures.handle(up((795.0, 595.0)), &state, &mut view),
            vec![Effect::Dispatch(Command::CutAlong {
                from: (-395.0, -295.0),
                to: (395.0, 295.0)
            })]
        );
    }

    #[test]
    fn leaving_the_canvas_drops_the_gesture() {
        let (state, mut view, _) = placed();
        let (effects, gestures) = run(
            &state,
            &mut view,
            vec![down(on_screen(2)), Pointer::Leave, up(on_screen(2))],
        );
        assert!(effects.is_empty());
        assert!(!gestures.is_active());
    }

    #[test]
    fn a_double_click_on_empty_space_adds_a_peer_there_and_on_a_peer_nothing() {
        let (state, mut view, _) = placed();
        let (effects, _) = run(&state, &mut view, vec![Pointer::DoubleClick { at: EMPTY }]);
        assert_eq!(
            effects,
            vec![Effect::Dispatch(Command::AddPeer {
                at: Some((-395.0, -295.0))
            })]
        );
        let (effects, _) = run(
            &state,
            &mut view,
            vec![Pointer::DoubleClick { at: on_screen(4) }],
        );
        assert!(effects.is_empty());
    }

    #[test]
    fn the_wheel_zooms_about_the_pointer() {
        let (state, mut view, _) = placed();
        // (100, 100) shows layout point (-300, -200); scrolling up 100 pixels zooms by e^0.15.
        let (effects, _) = run(
            &state,
            &mut view,
            vec![Pointer::Wheel {
                at: (100.0, 100.0),
                delta_y: -100.0,
            }],
        );
        assert!(effects.is_empty());
        assert!((view.scale - 0.15f64.exp()).abs() < 1e-12);
        let still = view.to_screen((-300.0, -200.0));
        assert!((still.0 - 100.0).abs() < 1e-9 && (still.1 - 100.0).abs() < 1e-9);
        assert!(view.user_moved);
    }

    #[test]
    fn a_tap_selects_a_peer_a_touch_drag_moves_it_and_a_pinch_zooms() {
        let (state, mut view, peers) = placed();
        let p = on_screen(2);
        let (effects, _) = run(
            &state,
            &mut view,
            vec![Pointer::TouchStart(vec![p]), Pointer::TouchEnd],
        );
        assert_eq!(
            effects,
            vec![Effect::Dispatch(Command::SelectPeer {
                peer: peers[2],
                additive: false
            })]
        );
        let (effects, _) = run(
            &state,
            &mut view,
            vec![
                Pointer::TouchStart(vec![p]),
                Pointer::TouchMove(vec![(450.0, 350.0)]),
                Pointer::TouchEnd,
            ],
        );
        assert_eq!(
            effects,
            vec![Effect::Quiet(Command::MovePeer {
                peer: peers[2],
                x: 50.0,
                y: 50.0
            })]
        );
        // One finger on empty space pans.
        run(
            &state,
            &mut view,
            vec![
                Pointer::TouchStart(vec![EMPTY]),
                Pointer::TouchMove(vec![(10.0, 25.0)]),
            ],
        );
        assert_eq!(view.offset, (405.0, 320.0));
        // Two fingers 100 apart, then 200 apart: twice the scale, the new midpoint held still.
        let (state, mut view, _) = placed();
        let (effects, _) = run(
            &state,
            &mut view,
            vec![
                Pointer::TouchStart(vec![(100.0, 100.0), (200.0, 100.0)]),
                Pointer::TouchMove(vec![(50.0, 100.0), (250.0, 100.0)]),
                Pointer::TouchEnd,
            ],
        );
        assert!(effects.is_empty());
        assert!((view.scale - 2.0).abs() < 1e-12);
        // (150, 100) showed (-250, -200) before.
        let still = view.to_screen((-250.0, -200.0));
        assert!((still.0 - 150.0).abs() < 1e-9 && (still.1 - 100.0).abs() < 1e-9);
        // Three fingers start nothing.
        let (_, gestures) = run(
            &state,
            &mut view,
            vec![Pointer::TouchStart(vec![EMPTY, EMPTY, EMPTY])],
        );
        assert!(!gestures.is_active());
    }
}
