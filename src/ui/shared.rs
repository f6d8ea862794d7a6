//! What the app's callbacks share (the state, the view, the open lesson, the links kept), and
//! the few things they all do with it: carry out a command, save, put another network on screen.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_render::AnimationFrame;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::sim::scenario::Scenario;
use crate::ui::canvas::Renderer;
use crate::ui::{crash, storage};
use crate::view::autosave::{self, Autosave};
use crate::view::gesture::Gestures;
use crate::view::guide;
use crate::view::lessons::Tour;
use crate::view::pacing::Pacing;
use crate::view::saves::{self, Arrival};
use crate::view::share;
use crate::view::state::{AppState, Command};
use crate::view::viewport::Viewport;

/// Everything the animation loop and the event handlers share.
pub struct Shared {
    pub state: Rc<RefCell<AppState>>,
    pub viewport: RefCell<Viewport>,
    pub renderer: RefCell<Option<Renderer>>,
    pub canvas: NodeRef,
    /// Whether the keyboard-shortcut overlay is open.
    pub shortcuts: Cell<bool>,
    /// The lesson being followed, if any, and how far the class has got.
    pub lesson: RefCell<Option<Tour>>,
    /// Whether the open lesson's teacher's guide is shown.
    pub guide_open: Cell<bool>,
    /// The teacher's guides, fetched when the first lesson opens.
    pub guides: RefCell<guide::Fetched>,
    /// Whether the peer list is open (closed, it renders no entries).
    pub peer_list_open: Cell<Option<bool>>,
    /// The pointer's gesture under way on the canvas.
    pub gesture: Cell<Gestures>,
    /// The frame loop's timing.
    pub pacing: Cell<Pacing>,
    /// What the last render showed of the layout: settled or not.
    pub shown_settled: Cell<bool>,
    pub frame: RefCell<Option<AnimationFrame>>,
    pub refresh: Callback<()>,
    /// The fragment of the last share link made here (so it is not reopened).
    pub shared_fragment: RefCell<Option<String>>,
    /// That link as a QR code (an SVG), or why it cannot be one; made when shared.
    pub shared_qr: RefCell<Option<Result<String, String>>>,
    /// The network a link replaced (its scenario JSON): one click brings it back.
    pub previous: RefCell<Option<String>>,
    /// A link that arrived while there was work on screen, waiting for the user's answer.
    pub pending_link: RefCell<Option<Box<AppState>>>,
    /// Whether the browser refused the last autosave.
    pub autosave: Cell<Autosave>,
}

impl Shared {
    /// The shared state of an app opening on `canvas`; `refresh` re-renders the page.
    pub fn new(canvas: NodeRef, refresh: Callback<()>) -> Shared {
        let (state, previous) = opening_state();
        Shared {
            state: Rc::new(RefCell::new(state)),
            shared_fragment: RefCell::new(None),
            shared_qr: RefCell::new(None),
            previous: RefCell::new(previous),
            pending_link: RefCell::new(None),
            autosave: Cell::new(Autosave::default()),
            viewport: RefCell::new(Viewport::default()),
            renderer: RefCell::new(None),
            canvas,
            shortcuts: Cell::new(false),
            lesson: RefCell::new(None),
            guide_open: Cell::new(false),
            guides: RefCell::new(guide::Fetched::NotAsked),
            peer_list_open: Cell::new(None),
            gesture: Cell::new(Gestures::new()),
            pacing: Cell::new(Pacing::default()),
            shown_settled: Cell::new(false),
            frame: RefCell::new(None),
            refresh,
        }
    }

    pub fn canvas(&self) -> Option<HtmlCanvasElement> {
        self.canvas.cast::<HtmlCanvasElement>()
    }

    /// Carries out a user's command, saves the result in the browser, and re-renders.
    pub fn dispatch(&self, command: Command) {
        // A lesson's steps assume the state its earlier steps left: some commands change it.
        if let Some(tour) = self.lesson.borrow_mut().as_mut() {
            tour.notice(&command);
        }
        // Opening a scenario (a file, a lesson) keeps the network it replaces, as a link does.
        let command = match command {
            Command::LoadScenario(scenario) => return self.replace_with(scenario),
            other => other,
        };
        let saves = autosave::changes_the_save(&command);
        self.state.borrow_mut().dispatch(command);
        if saves {
            self.autosave();
        }
        self.refresh.emit(());
    }

    /// Fetches the teacher's guides if they are neither here nor on their way.
    pub fn fetch_guides(self: &Rc<Self>) {
        if !self.guides.borrow().should_fetch() {
            return;
        }
        *self.guides.borrow_mut() = guide::Fetched::Loading;
        let shared = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = storage::fetch_text(guide::GUIDES_FILE).await;
            *shared.guides.borrow_mut() = guide::Fetched::arrived(text);
            shared.refresh.emit(());
        });
    }

    /// Saves the state in the browser; a refusal (a full quota) is shown once, not swallowed.
    pub fn autosave(&self) {
        let result = storage::autosave(&self.state.borrow().to_scenario());
        let mut autosave = self.autosave.get();
        let notice = autosave.answered(result);
        self.autosave.set(autosave);
        if let Some(notice) = notice {
            self.state.borrow_mut().dispatch(notice);
        }
    }

    /// Opens `scenario` in place of the network on screen, which is kept as the previous
    /// one; a scenario that cannot open is said so, and nothing changes.
    fn replace_with(&self, scenario: Box<Scenario>) {
        match AppState::opening(*scenario) {
            Ok(opened) => self.replace_state(opened),
            Err(e) => {
                self.state.borrow_mut().dispatch(Command::Notice(e));
                self.refresh.emit(());
            }
        }
    }

    /// Puts an opened network on screen, keeping the one there as the previous one.
    pub fn replace_state(&self, opened: AppState) {
        if let Some(tour) = self.lesson.borrow_mut().as_mut() {
            tour.lose_track();
        }
        let current = share::scenario_json(&self.state.borrow().to_scenario());
        *self.state.borrow_mut() = opened;
        let _ = storage::write(saves::PREVIOUS_KEY, &current);
        *self.previous.borrow_mut() = Some(current);
        self.autosave();
        self.refresh.emit(());
    }

    /// Brings back the network a link replaced; the replacing one becomes the previous.
    pub fn restore_previous(&self) {
        // Kept until the swap succeeds: a failed restore loses nothing.
        let Some(previous) = self.previous.borrow().clone() else {
            return;
        };
        match share::read_scenario(&previous) {
            Ok(scenario) => self.replace_with(Box::new(scenario)),
            Err(e) => self.state.borrow_mut().dispatch(Command::Notice(format!(
                "The previous network could not be opened: {e}"
            ))),
        }
        self.refresh.emit(());
    }

    /// Opens the scenario in the page's fragment, if it is another than the one shown (once
    /// the browser has inflated it).
    pub fn open_fragment(self: &Rc<Self>) {
        let fragment = storage::fragment();
        if fragment.is_empty()
            || self.shared_fragment.borrow().as_deref() == Some(fragment.as_str())
        {
            return;
        }
        let shared = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let json = storage::json_in(&fragment).await;
            shared.link_arrived(&json);
        });
    }

    /// Opens, or asks about, a link that arrived in the open page, given its scenario JSON.
    fn link_arrived(&self, json: &Result<String, String>) {
        let arrival = saves::link_arrives(&self.state.borrow(), json);
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
