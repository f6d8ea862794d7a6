//! The app component: owns the [`AppState`], runs the animation loop, turns input into commands.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlElement, KeyboardEvent, MouseEvent, TouchEvent, WheelEvent};
use yew::prelude::*;

use crate::sim::network::PeerId;
use crate::sim::scenario::Scenario;
use crate::ui::canvas::Renderer;
use crate::ui::{controls, crash, inspector, lesson_panel, peer_list, save_panel, stats, storage};
use crate::view::lessons::{self, Lesson, Tour};
use crate::view::saves::{self, Arrival};
use crate::view::share;
use crate::view::state::{AppState, Command};
use crate::view::viewport::Viewport;

/// How often the panels refresh while the clock runs (the canvas redraws every frame):
/// often for classroom networks, less for large ones whose statistics cost more.
fn panel_refresh_ms(n_peers: usize) -> f64 {
    if n_peers > 2000 {
        600.0
    } else {
        150.0
    }
}

/// Milliseconds of each frame the layout may use while it settles.
const LAYOUT_BUDGET_MS: f64 = 9.0;

/// The browser's clock, for frame budgets only (the simulation never reads it).
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// What a press on the canvas started.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gesture {
    None,
    /// Dragging the background: the view follows.
    Pan {
        last: (f64, f64),
        moved: bool,
    },
    /// Dragging a peer; dropped onto another peer, it links the two.
    MovePeer {
        peer: PeerId,
        moved: bool,
        additive: bool,
        /// Where it started, to go back to if the drop makes a link.
        origin: (f64, f64),
    },
    /// Shift-dragging from a peer: a link to wherever it is dropped.
    Link {
        from: PeerId,
        to: (f64, f64),
    },
    /// Alt-dragging the background: a line; the links it crosses are cut.
    CutLine {
        start: (f64, f64),
        to: (f64, f64),
    },
    /// Shift-dragging the background: a rectangle that selects the peers inside it.
    Region {
        start: (f64, f64),
        to: (f64, f64),
    },
    /// Two fingers: zooming.
    Pinch {
        distance: f64,
    },
}

/// Everything the animation loop and the event handlers share.
struct Shared {
    state: Rc<RefCell<AppState>>,
    viewport: RefCell<Viewport>,
    renderer: RefCell<Option<Renderer>>,
    canvas: NodeRef,
    /// Whether the keyboard-shortcut overlay is open.
    shortcuts: Cell<bool>,
    /// The lesson being followed, if any, and how far the class has got.
    lesson: RefCell<Option<Tour>>,
    /// Whether the open lesson's teacher's guide is shown.
    guide_open: Cell<bool>,
    /// Whether the peer list is open (closed, it renders no entries).
    peer_list_open: Cell<Option<bool>>,
    gesture: Cell<Gesture>,
    last_frame: Cell<Option<f64>>,
    last_panels: Cell<f64>,
    was_busy: Cell<bool>,
    /// What the last render showed of the layout: settled or not.
    shown_settled: Cell<bool>,
    frame: RefCell<Option<AnimationFrame>>,
    refresh: Callback<()>,
    /// The fragment of the last share link made here (so it is not reopened).
    shared_fragment: RefCell<Option<String>>,
    /// That link as a QR code (an SVG), or why it cannot be one; made when shared.
    shared_qr: RefCell<Option<Result<String, String>>>,
    /// The network a link replaced (as a share link's fragment): one click brings it back.
    previous: RefCell<Option<String>>,
    /// A link that arrived while there was work on screen, waiting for the user's answer.
    pending_link: RefCell<Option<Box<AppState>>>,
    /// Whether the browser refused the last autosave (said once, not on every edit).
    autosave_failed: Cell<bool>,
}

/// The state the app opens with: a shared link's scenario, else the autosave,
/// else the default preset (see [`crate::view::saves`]); problems are said so.
fn opening_state() -> (AppState, Option<String>) {
    if storage::fragment() == saves::CRASH_TEST_FRAGMENT {
        // The crash handler's own test: a link that makes the app panic.
        storage::clear_fragment();
        panic!(
            "the crash test link (#{}) asked for a panic",
            saves::CRASH_TEST_FRAGMENT
        );
    }
    crash::opening(true);
    let (mut state, effects) = storage::open_page();
    crash::opening(false);
    if !effects.notices.is_empty() {
        state.dispatch(Command::Notice(effects.notices.join(" ")));
    }
    (state, effects.previous)
}

impl Shared {
    fn canvas(&self) -> Option<HtmlCanvasElement> {
        self.canvas.cast::<HtmlCanvasElement>()
    }

    /// The pointer's position on the canvas, in canvas pixels.
    fn point(&self, client_x: i32, client_y: i32) -> Option<(f64, f64)> {
        let canvas = self.canvas()?;
        let rect = canvas.get_bounding_client_rect();
        Some((client_x as f64 - rect.left(), client_y as f64 - rect.top()))
    }

    /// The peer under a canvas point.
    fn peer_at(&self, point: (f64, f64)) -> Option<PeerId> {
        let state = self.state.borrow();
        let view = self.viewport.borrow();
        let radius = view.peer_radius(state.network().n_peers()) + 4.0;
        let (x, y) = view.to_layout(point);
        state.layout().nearest(x, y, radius / view.scale)
    }

    /// Moves a dragged peer under the pointer.
    fn drag_peer(&self, peer: PeerId, additive: bool, origin: (f64, f64), point: (f64, f64)) {
        let (x, y) = self.viewport.borrow().to_layout(point);
        self.state
            .borrow_mut()
            .dispatch(Command::MovePeer { peer, x, y });
        let moved = true;
        self.gesture.set(Gesture::MovePeer {
            peer,
            moved,
            additive,
            origin,
        });
    }

    /// The peers inside the screen rectangle with corners `a` and `b`.
    fn peers_in(&self, a: (f64, f64), b: (f64, f64)) -> Vec<PeerId> {
        let state = self.state.borrow();
        let view = self.viewport.borrow();
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        state
            .network()
            .peer_ids()
            .filter(|&p| {
                state
                    .layout()
                    .position(p)
                    .map(|at| view.to_screen(at))
                    .is_some_and(|(x, y)| (x0..=x1).contains(&x) && (y0..=y1).contains(&y))
            })
            .collect()
    }

    /// A peer's layout position (the origin if it has none yet).
    fn position(&self, peer: PeerId) -> (f64, f64) {
        self.state
            .borrow()
            .layout()
            .position(peer)
            .unwrap_or((0.0, 0.0))
    }

    /// The peer under a canvas point other than `except` (the one being dragged).
    fn peer_at_except(&self, point: (f64, f64), except: PeerId) -> Option<PeerId> {
        let state = self.state.borrow();
        let view = self.viewport.borrow();
        let radius = view.peer_radius(state.network().n_peers()) + 4.0;
        state
            .network()
            .peer_ids()
            .filter(|&p| p != except)
            .filter_map(|p| state.layout().position(p).map(|at| (p, view.to_screen(at))))
            .map(|(p, (x, y))| (p, ((x - point.0).powi(2) + (y - point.1).powi(2)).sqrt()))
            .filter(|&(_, d)| d <= radius)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(p, _)| p)
    }

    /// The link under a canvas point (within a few pixels).
    fn link_at(&self, point: (f64, f64)) -> Option<crate::sim::network::LinkId> {
        let state = self.state.borrow();
        let view = self.viewport.borrow();
        let layout = state.layout();
        let mut best = None;
        let mut best_distance = 6.0;
        for link in state.network().links() {
            let (Some(a), Some(b)) = (layout.position(link.from), layout.position(link.to)) else {
                continue;
            };
            let d = segment_distance(point, view.to_screen(a), view.to_screen(b));
            if d < best_distance {
                best_distance = d;
                best = Some(link.id);
            }
        }
        best
    }

    /// Carries out a user's command, saves the result in the browser, and re-renders.
    fn dispatch(&self, command: Command) {
        // A lesson's steps assume the state its earlier steps left: these may change it.
        let off_track = matches!(
            command,
            Command::LoadPreset(_)
                | Command::LoadScenario(_)
                | Command::SetSeed(_)
                | Command::Generate { .. }
                | Command::Undo
                | Command::Redo
                | Command::Cancel
                | Command::SetLimits(_)
        );
        if off_track {
            if let Some(tour) = self.lesson.borrow_mut().as_mut() {
                tour.lose_track();
            }
        }
        // Opening a scenario (a file, a lesson) keeps the network it replaces, as a link does.
        let command = match command {
            Command::LoadScenario(scenario) => return self.replace_with(scenario),
            other => other,
        };
        // Selection and playback leave the scenario as it is: nothing new to save.
        let saves = !matches!(
            command,
            Command::SelectPeer { .. }
                | Command::SelectLink(_)
                | Command::ClearSelection
                | Command::Play
                | Command::Pause
                | Command::Step
                | Command::Finish
                | Command::SetSpeed(_)
                | Command::Replay
                | Command::Notice(_)
        );
        self.state.borrow_mut().dispatch(command);
        if saves {
            self.autosave();
        }
        self.refresh.emit(());
    }

    /// Saves the state in the browser; a refusal (a full quota) is shown once, not swallowed.
    fn autosave(&self) {
        let result = storage::autosave(&self.state.borrow().to_scenario());
        match result {
            Ok(()) => self.autosave_failed.set(false),
            Err(e) if !self.autosave_failed.replace(true) => {
                self.state.borrow_mut().dispatch(Command::Notice(format!(
                    "This browser would not save the network ({e}): it will not come back after a \
                     reload. Export it as JSON to keep it."
                )));
            }
            Err(_) => {}
        }
    }

    /// Opens `scenario` in place of the network on screen, which is kept as the previous
    /// one; a scenario that cannot open is said so, and nothing changes.
    fn replace_with(&self, scenario: Box<Scenario>) {
        match AppState::from_scenario("scenario", &scenario) {
            Ok(opened) => self.replace_state(opened),
            Err(e) => {
                self.state.borrow_mut().dispatch(Command::Notice(e));
                self.refresh.emit(());
            }
        }
    }

    /// Puts an opened network on screen, keeping the one there as the previous one.
    fn replace_state(&self, opened: AppState) {
        if let Some(tour) = self.lesson.borrow_mut().as_mut() {
            tour.lose_track();
        }
        let current = share::encode_quick(&self.state.borrow().to_scenario());
        *self.state.borrow_mut() = opened;
        let _ = storage::write(saves::PREVIOUS_KEY, &current);
        *self.previous.borrow_mut() = Some(current);
        self.autosave();
        self.refresh.emit(());
    }

    /// Brings back the network a link replaced; the replacing one becomes the previous.
    fn restore_previous(&self) {
        // Kept until the swap succeeds: a failed restore loses nothing.
        let Some(previous) = self.previous.borrow().clone() else {
            return;
        };
        match share::decode(&previous) {
            Ok(scenario) => self.replace_with(Box::new(scenario)),
            Err(e) => self.state.borrow_mut().dispatch(Command::Notice(format!(
                "The previous network could not be opened: {e}"
            ))),
        }
        self.refresh.emit(());
    }

    /// Opens the scenario in the page's fragment, if it is another than the one shown.
    fn open_fragment(&self) {
        let fragment = storage::fragment();
        if fragment.is_empty()
            || self.shared_fragment.borrow().as_deref() == Some(fragment.as_str())
        {
            return;
        }
        let arrival = saves::link_arrives(&self.state.borrow(), &fragment);
        storage::clear_fragment();
        match arrival {
            Arrival::Refused(message) => self.dispatch(Command::Notice(message)),
            Arrival::Ask(opened) => {
                *self.pending_link.borrow_mut() = Some(opened);
                self.refresh.emit(());
            }
            Arrival::Open(opened) => self.replace_state(*opened),
        }
    }

    /// One animation frame: advance the clock, settle the layout, draw, refresh panels now and then.
    fn frame(&self, now_ms: f64) {
        let dt = self
            .last_frame
            .replace(Some(now_ms))
            .map_or(0.0, |last| now_ms - last);
        let busy = {
            let state = self.state.borrow();
            state.is_playing()
                || state.work().is_some()
                || !state.layout().is_settled()
                || !state.flashes().is_empty()
        };
        if busy {
            let was_working = self.state.borrow().is_busy();
            self.state.borrow_mut().dispatch(Command::Tick { ms: dt });
            // Work done on ticks (a join, a lesson's waiting commands) is saved when it ends.
            if was_working && !self.state.borrow().is_busy() {
                self.autosave();
                self.refresh.emit(());
            }
        }
        // Let the layout settle within a slice of the frame.
        let start = now();
        while now() - start < LAYOUT_BUDGET_MS && self.state.borrow_mut().relax_layout() {}
        let Some(canvas) = self.canvas() else { return };
        let (w, h) = (
            canvas.client_width().max(1) as u32,
            canvas.client_height().max(1) as u32,
        );
        if canvas.width() != w || canvas.height() != h {
            canvas.set_width(w);
            canvas.set_height(h);
        }
        {
            let state = self.state.borrow();
            let mut view = self.viewport.borrow_mut();
            if !view.user_moved {
                if let Some(bounds) = state.layout().bounds() {
                    view.fit(bounds, w as f64, h as f64);
                }
            }
            let mut renderer = self.renderer.borrow_mut();
            if renderer.is_none() {
                *renderer = Renderer::new();
            }
            if let Some(renderer) = renderer.as_mut() {
                renderer.draw(&canvas, &state, &view, state.shows_cut_vertices(), now_ms);
                match self.gesture.get() {
                    Gesture::Link { from, to } => {
                        if let Some(a) = state.layout().position(from) {
                            renderer.draw_rubber_band(&canvas, view.to_screen(a), to);
                        }
                    }
                    Gesture::Region { start, to } => renderer.draw_region(&canvas, start, to),
                    Gesture::CutLine { start, to } => renderer.draw_cut_line(&canvas, start, to),
                    _ => {}
                }
            }
        }
        let playing = {
            let state = self.state.borrow();
            state.is_playing() || state.work().is_some()
        };
        let stopped = self.was_busy.replace(playing) && !playing;
        // The page says whether the layout has settled: re-render when that changes.
        let settled_changed = self.state.borrow().layout().is_settled() != self.shown_settled.get();
        let interval = panel_refresh_ms(self.state.borrow().network().n_peers());
        if stopped || settled_changed || (playing && now_ms - self.last_panels.get() > interval) {
            self.last_panels.set(now_ms);
            self.refresh.emit(());
        }
    }
}

/// Distance from point `p` to the segment `a`-`b`.
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    let t = if length2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length2).clamp(0.0, 1.0)
    };
    let (x, y) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt()
}

fn schedule_frame(shared: Rc<Shared>) {
    let next = shared.clone();
    let handle = request_animation_frame(move |now_ms| {
        next.frame(now_ms);
        schedule_frame(next);
    });
    *shared.frame.borrow_mut() = Some(handle);
}

/// Whether a key event comes from a text field (then it is typing, not a shortcut).
fn typing(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

/// The command a shortcut stands for.
fn shortcut(event: &KeyboardEvent, playing: bool) -> Option<Command> {
    let ctrl = event.ctrl_key() || event.meta_key();
    Some(match event.key().as_str() {
        "z" | "Z" if ctrl && event.shift_key() => Command::Redo,
        "z" | "Z" if ctrl => Command::Undo,
        "y" | "Y" if ctrl => Command::Redo,
        _ if ctrl || event.alt_key() => return None,
        "b" | "B" => Command::Broadcast,
        "l" | "L" => Command::LinkSelected,
        "Delete" | "Backspace" => Command::RemoveSelection,
        "Escape" => Command::ClearSelection,
        " " if playing => Command::Pause,
        " " => Command::Play,
        "s" | "S" => Command::Step,
        "c" | "C" => Command::ToggleCensor,
        "o" | "O" => Command::ToggleOffline,
        _ => return None,
    })
}

/// The keyboard shortcuts, as (keys, what they do).
const SHORTCUTS: [(&str, &str); 11] = [
    ("B", "broadcast from the selected peer"),
    ("Space", "play or pause"),
    ("S", "step to the next delivery"),
    ("L", "link the two selected peers"),
    ("Delete, Backspace", "remove the selected peers or link"),
    ("C", "censor the selected peer, or stop"),
    ("O", "take the selected peer offline, or bring it back"),
    ("Ctrl+Z", "undo"),
    ("Ctrl+Shift+Z, Ctrl+Y", "redo"),
    ("Escape", "clear the selection (or close this list)"),
    ("?", "show or hide this list"),
];

/// The overlay listing the keyboard shortcuts.
fn shortcuts_overlay(on_close: &Callback<MouseEvent>) -> Html {
    html! {
        <div class="overlay" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts">
            <div class="overlay-card">
                <h2>{"Keyboard shortcuts"}</h2>
                <dl>
                    { for SHORTCUTS.iter().map(|(keys, what)| html! { <><dt><kbd>{ *keys }</kbd></dt><dd>{ *what }</dd></> }) }
                </dl>
                <p class="hint">{"On the canvas: click a peer to select it, shift-click to add one, shift-drag over empty space to select a region, alt-drag a line across the network to cut the links it crosses, drag a peer onto another to link them, double-click empty space to add a peer, drag the background to pan, scroll or pinch to zoom."}</p>
                <button type="button" onclick={on_close.clone()}>{"Close"}</button>
            </div>
        </div>
    }
}

/// The gossipscope app.
#[function_component(App)]
pub fn app() -> Html {
    let force = use_force_update();
    let canvas = use_node_ref();
    let shared = {
        let canvas = canvas.clone();
        let force = force.clone();
        use_mut_ref(move || {
            let (state, previous) = opening_state();
            Rc::new(Shared {
                state: Rc::new(RefCell::new(state)),
                shared_fragment: RefCell::new(None),
                shared_qr: RefCell::new(None),
                previous: RefCell::new(previous),
                pending_link: RefCell::new(None),
                autosave_failed: Cell::new(false),
                viewport: RefCell::new(Viewport::default()),
                renderer: RefCell::new(None),
                canvas,
                shortcuts: Cell::new(false),
                lesson: RefCell::new(None),
                guide_open: Cell::new(false),
                peer_list_open: Cell::new(None),
                gesture: Cell::new(Gesture::None),
                last_frame: Cell::new(None),
                last_panels: Cell::new(0.0),
                was_busy: Cell::new(false),
                shown_settled: Cell::new(false),
                frame: RefCell::new(None),
                refresh: Callback::from(move |()| force.force_update()),
            })
        })
    };
    let shared: Rc<Shared> = shared.borrow().clone();

    {
        let shared = shared.clone();
        use_effect_with((), move |_| {
            schedule_frame(shared.clone());
            let keys = {
                let shared = shared.clone();
                let document = web_sys::window().and_then(|w| w.document());
                document.map(|document| {
                    gloo_events::EventListener::new(&document, "keydown", move |event| {
                        let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                            return;
                        };
                        if typing(event) {
                            return;
                        }
                        // The teacher's guide is read, not played: Escape closes it, and no
                        // shortcut acts on the network behind it.
                        if shared.guide_open.get() {
                            if event.key() == "Escape" {
                                shared.guide_open.set(false);
                                shared.refresh.emit(());
                            }
                            return;
                        }
                        if event.key() == "?" || (event.key() == "Escape" && shared.shortcuts.get())
                        {
                            shared
                                .shortcuts
                                .set(event.key() == "?" && !shared.shortcuts.get());
                            shared.refresh.emit(());
                            return;
                        }
                        let playing = shared.state.borrow().is_playing();
                        if let Some(command) = shortcut(event, playing) {
                            event.prevent_default();
                            shared.dispatch(command);
                        }
                    })
                })
            };
            let hash = {
                let shared = shared.clone();
                web_sys::window().map(|window| {
                    gloo_events::EventListener::new(&window, "hashchange", move |_| {
                        shared.open_fragment()
                    })
                })
            };
            move || {
                drop(keys);
                drop(hash);
                shared.frame.borrow_mut().take();
            }
        });
    }

    let dispatch = {
        let shared = shared.clone();
        Callback::from(move |command: Command| shared.dispatch(command))
    };
    let on_peer_list = {
        let shared = shared.clone();
        Callback::from(move |open: bool| {
            if shared.peer_list_open.replace(Some(open)) != Some(open) {
                shared.refresh.emit(());
            }
        })
    };
    let on_share = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| {
            let fragment = share::encode(&shared.state.borrow().to_scenario());
            *shared.shared_fragment.borrow_mut() = Some(fragment.clone());
            storage::set_fragment(&fragment);
            *shared.shared_qr.borrow_mut() = Some(share::qr_svg(&storage::href()));
            shared.refresh.emit(());
        })
    };
    let on_lesson = {
        let shared = shared.clone();
        Callback::from(move |lesson: Option<Lesson>| {
            if let Some(lesson) = &lesson {
                // Opened as a file is: the network on screen is kept as the previous one.
                shared.dispatch(lesson.open.clone());
                shared.dispatch(Command::Run(lessons::display_as_opened().to_vec()));
            }
            *shared.lesson.borrow_mut() = lesson.map(Tour::new);
            shared.guide_open.set(false);
            shared.refresh.emit(());
        })
    };
    let lesson_actions = lesson_panel::LessonActions {
        go_to: {
            let shared = shared.clone();
            Callback::from(move |n: usize| {
                let command = shared.lesson.borrow_mut().as_mut().and_then(|t| t.go_to(n));
                if let Some(command) = command {
                    shared.dispatch(command);
                }
                shared.refresh.emit(());
            })
        },
        close: on_lesson.clone(),
        guide: {
            let shared = shared.clone();
            Callback::from(move |open: bool| {
                shared.guide_open.set(open);
                shared.refresh.emit(());
            })
        },
    };
    let on_projector = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| {
            let mut view = shared.viewport.borrow_mut();
            view.projector = !view.projector;
            // Large type everywhere: the whole page's root font grows.
            let root = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element());
            if let Some(root) = root {
                let _ = match view.projector {
                    true => root.set_attribute("data-projector", "on"),
                    false => root.remove_attribute("data-projector"),
                };
            }
            drop(view);
            shared.refresh.emit(());
        })
    };
    let on_fullscreen = Callback::from(|_: MouseEvent| {
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = document {
            if document.fullscreen_element().is_some() {
                document.exit_fullscreen();
            } else if let Some(root) = document.document_element() {
                let _ = root.request_fullscreen();
            }
        }
    });
    let on_shortcuts = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| {
            shared.shortcuts.set(!shared.shortcuts.get());
            shared.refresh.emit(());
        })
    };
    let on_restore = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| shared.restore_previous())
    };
    let on_open_link = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| {
            let pending = shared.pending_link.borrow_mut().take();
            if let Some(opened) = pending {
                shared.replace_state(*opened);
            }
        })
    };
    let on_keep_mine = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| {
            shared.pending_link.borrow_mut().take();
            shared.refresh.emit(());
        })
    };
    let on_cancel = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| shared.dispatch(Command::Cancel))
    };
    let on_fit = {
        let shared = shared.clone();
        Callback::from(move |_| shared.viewport.borrow_mut().user_moved = false)
    };

    let onmousedown = {
        let shared = shared.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(p) = shared.point(e.client_x(), e.client_y()) else {
                return;
            };
            let gesture = match shared.peer_at(p) {
                Some(peer) if e.shift_key() => Gesture::Link { from: peer, to: p },
                Some(peer) => Gesture::MovePeer {
                    peer,
                    moved: false,
                    additive: e.ctrl_key() || e.meta_key(),
                    origin: shared.position(peer),
                },
                None if e.alt_key() => Gesture::CutLine { start: p, to: p },
                None if e.shift_key() => Gesture::Region { start: p, to: p },
                None => Gesture::Pan {
                    last: p,
                    moved: false,
                },
            };
            shared.gesture.set(gesture);
        })
    };
    let onmousemove = {
        let shared = shared.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(p) = shared.point(e.client_x(), e.client_y()) else {
                return;
            };
            match shared.gesture.get() {
                Gesture::Pan { last, .. } => {
                    let mut view = shared.viewport.borrow_mut();
                    view.offset.0 += p.0 - last.0;
                    view.offset.1 += p.1 - last.1;
                    view.user_moved = true;
                    shared.gesture.set(Gesture::Pan {
                        last: p,
                        moved: true,
                    });
                }
                Gesture::MovePeer {
                    peer,
                    additive,
                    origin,
                    ..
                } => shared.drag_peer(peer, additive, origin, p),
                Gesture::Link { from, .. } => shared.gesture.set(Gesture::Link { from, to: p }),
                Gesture::Region { start, .. } => {
                    shared.gesture.set(Gesture::Region { start, to: p })
                }
                Gesture::CutLine { start, .. } => {
                    shared.gesture.set(Gesture::CutLine { start, to: p })
                }
                _ => {}
            }
        })
    };
    let onmouseup = {
        let shared = shared.clone();
        Callback::from(move |e: MouseEvent| {
            let p = shared.point(e.client_x(), e.client_y());
            match shared.gesture.replace(Gesture::None) {
                Gesture::MovePeer {
                    peer,
                    moved: false,
                    additive,
                    ..
                } => shared.dispatch(Command::SelectPeer {
                    peer,
                    additive: additive || e.shift_key(),
                }),
                Gesture::MovePeer { peer, origin, .. } => {
                    // Dropped onto another peer: the two get linked, and the peer goes back.
                    match p.and_then(|p| shared.peer_at_except(p, peer)) {
                        Some(to) => {
                            let (x, y) = origin;
                            shared
                                .state
                                .borrow_mut()
                                .dispatch(Command::MovePeer { peer, x, y });
                            shared.dispatch(Command::AddLink { from: peer, to });
                        }
                        None => shared.refresh.emit(()),
                    }
                }
                Gesture::Link { from, .. } => match p.and_then(|p| shared.peer_at(p)) {
                    Some(to) if to != from => shared.dispatch(Command::AddLink { from, to }),
                    _ => shared.dispatch(Command::SelectPeer {
                        peer: from,
                        additive: true,
                    }),
                },
                Gesture::Region { start, to } => {
                    let peers = shared.peers_in(start, to);
                    shared.dispatch(Command::SelectPeers(peers));
                }
                Gesture::CutLine { start, to } => {
                    let view = *shared.viewport.borrow();
                    let (from, to) = (view.to_layout(start), view.to_layout(to));
                    shared.dispatch(Command::CutAlong { from, to });
                }
                Gesture::Pan { moved: false, .. } => match p.and_then(|p| shared.link_at(p)) {
                    Some(link) => shared.dispatch(Command::SelectLink(link)),
                    None => shared.dispatch(Command::ClearSelection),
                },
                _ => {}
            }
        })
    };
    let onmouseleave = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| shared.gesture.set(Gesture::None))
    };
    let ondblclick = {
        let shared = shared.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(p) = shared.point(e.client_x(), e.client_y()) else {
                return;
            };
            if shared.peer_at(p).is_none() {
                let at = shared.viewport.borrow().to_layout(p);
                shared.dispatch(Command::AddPeer { at: Some(at) });
            }
        })
    };
    let onwheel = {
        let shared = shared.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let Some(p) = shared.point(e.client_x(), e.client_y()) else {
                return;
            };
            let factor = (-e.delta_y() * 0.0015).exp();
            shared.viewport.borrow_mut().zoom_at(factor, p);
        })
    };
    let touch_points = |e: &TouchEvent, shared: &Shared| -> Vec<(f64, f64)> {
        let touches = e.touches();
        (0..touches.length())
            .filter_map(|i| touches.get(i))
            .filter_map(|t| shared.point(t.client_x(), t.client_y()))
            .collect()
    };
    let ontouchstart = {
        let shared = shared.clone();
        Callback::from(move |e: TouchEvent| {
            let points = touch_points(&e, &shared);
            let gesture = match points.as_slice() {
                [a, b] => Gesture::Pinch {
                    distance: ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt(),
                },
                [p] => match shared.peer_at(*p) {
                    Some(peer) => Gesture::MovePeer {
                        peer,
                        moved: false,
                        additive: false,
                        origin: shared.position(peer),
                    },
                    None => Gesture::Pan {
                        last: *p,
                        moved: false,
                    },
                },
                _ => Gesture::None,
            };
            shared.gesture.set(gesture);
        })
    };
    let ontouchmove = {
        let shared = shared.clone();
        Callback::from(move |e: TouchEvent| {
            e.prevent_default();
            let points = touch_points(&e, &shared);
            match (shared.gesture.get(), points.as_slice()) {
                (Gesture::Pinch { distance }, [a, b]) => {
                    let now = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                    if distance > 0.0 {
                        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
                        shared.viewport.borrow_mut().zoom_at(now / distance, mid);
                    }
                    shared.gesture.set(Gesture::Pinch { distance: now });
                }
                (Gesture::Pan { last, .. }, [p]) => {
                    let mut view = shared.viewport.borrow_mut();
                    view.offset.0 += p.0 - last.0;
                    view.offset.1 += p.1 - last.1;
                    view.user_moved = true;
                    shared.gesture.set(Gesture::Pan {
                        last: *p,
                        moved: true,
                    });
                }
                (Gesture::MovePeer { peer, origin, .. }, [p]) => {
                    shared.drag_peer(peer, false, origin, *p)
                }
                _ => {}
            }
        })
    };
    let ontouchend = {
        let shared = shared.clone();
        Callback::from(move |_: TouchEvent| {
            if let Gesture::MovePeer {
                peer, moved: false, ..
            } = shared.gesture.replace(Gesture::None)
            {
                shared.dispatch(Command::SelectPeer {
                    peer,
                    additive: false,
                });
            }
        })
    };

    let state = shared.state.borrow();
    let save_actions = save_panel::SaveActions {
        dispatch: dispatch.clone(),
        on_share,
        link: shared
            .shared_fragment
            .borrow()
            .as_ref()
            .map(|_| storage::href()),
        qr: shared.shared_qr.borrow().clone(),
        canvas: canvas.clone(),
        state: shared.state.clone(),
    };
    let highlight = state.shows_cut_vertices();
    let projector = shared.viewport.borrow().projector;
    let tour = shared.lesson.borrow().clone();
    let lesson = tour.as_ref().map(|t| t.lesson().clone());
    shared.shown_settled.set(state.layout().is_settled());
    html! {
        <div class={classes!("app", projector.then_some("projector"))}>
            <header class="topbar">
                <h1 class="brand"><span class="logo" aria-hidden="true">{"◉"}</span>{" gossipscope"}</h1>
                { lesson_panel::lesson_menu(lesson.as_ref(), &on_lesson) }
                { controls::network_bar(&state, &dispatch) }
                <div class="view-buttons">
                    <button type="button" class="quiet" data-testid="projector" aria-pressed={projector.to_string()}
                        onclick={on_projector} title="Large type, high contrast, thick links">{"Projector"}</button>
                    <button type="button" class="quiet" data-testid="fullscreen" onclick={on_fullscreen}>{"Fullscreen"}</button>
                    <button type="button" class="quiet" data-testid="show-shortcuts" onclick={on_shortcuts.clone()}
                        title="Keyboard shortcuts (?)">{"?"}</button>
                </div>
            </header>
            if shared.shortcuts.get() {
                { shortcuts_overlay(&on_shortcuts) }
            }
            if let Some(message) = state.message() {
                <div class="message" role="alert" data-testid="message">{ message }</div>
            }
            if let Some(work) = state.work() {
                <div class="message work" role="status" data-testid="work">
                    { state.join_status().unwrap_or_else(|| work.sentence()) }
                    <button type="button" class="quiet" data-testid="cancel-work" onclick={on_cancel}>{"Stop"}</button>
                </div>
            }
            if shared.pending_link.borrow().is_some() {
                <div class="message ask" role="alertdialog" data-testid="link-waiting">
                    {"This link holds another network. Open it? The one on screen is kept: you can bring it back afterwards."}
                    <button type="button" data-testid="open-link" onclick={on_open_link}>{"Open the link"}</button>
                    <button type="button" class="quiet" data-testid="keep-mine" onclick={on_keep_mine}>{"Keep mine"}</button>
                </div>
            }
            if shared.previous.borrow().is_some() {
                <div class="restore" data-testid="restore-bar">
                    {"The network you had before this one is kept. "}
                    <button type="button" class="quiet" data-testid="restore-previous" onclick={on_restore}>{"Bring back the previous network"}</button>
                </div>
            }
            if let Some(tour) = tour.as_ref().filter(|_| shared.guide_open.get()) {
                { lesson_panel::teacher_guide(tour.lesson(), &lesson_actions.guide) }
            }
            <main class="workspace">
                <section class="stage" aria-label="Network view">
                    <canvas ref={canvas} class="graph" data-testid="graph"
                        data-layout={if state.layout().is_settled() { "settled" } else { "moving" }}
                        aria-label="The network: peers and links. The peer list below mirrors it."
                        {onmousedown} {onmousemove} {onmouseup} {onmouseleave} {ondblclick} {onwheel}
                        {ontouchstart} {ontouchmove} {ontouchend} />
                    { controls::playback_bar(&state, &dispatch, &on_fit) }
                    { controls::legend(&state, &dispatch) }
                </section>
                <aside class="sidebar">
                    if let Some(tour) = tour.as_ref() {
                        { lesson_panel::lesson_panel(tour, state.is_busy(), shared.guide_open.get(), &lesson_actions) }
                    }
                    { stats::comparison(&state) }
                    { stats::stats(&state) }
                    { controls::edit_panel(&state, &dispatch) }
                    { inspector::inspector(&state, &dispatch) }
                    { save_panel::save_panel(&save_actions) }
                    { peer_list::peer_list(&state, &dispatch, highlight, shared.peer_list_open.get(), &on_peer_list) }
                </aside>
            </main>
        </div>
    }
}
