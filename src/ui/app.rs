//! The app component: the page's layout, and the callbacks of its buttons and panels.
//!
//! The state and what the callbacks share are in [`crate::ui::shared`]; the canvas's pointer
//! events in [`crate::ui::pointer`], the keyboard in [`crate::ui::keys`], the animation loop in
//! [`crate::ui::frame`].

use std::rc::Rc;

use web_sys::MouseEvent;
use yew::prelude::*;

use crate::ui::frame::schedule_frame;
use crate::ui::shared::Shared;
use crate::ui::{
    controls, deflate, inspector, keys, lesson_panel, peer_list, pointer, save_panel, stats,
    storage,
};
use crate::view::lessons::{self, Lesson, Tour};
use crate::view::share;
use crate::view::state::Command;

/// The gossipscope app.
#[function_component(App)]
pub fn app() -> Html {
    let force = use_force_update();
    let canvas = use_node_ref();
    let shared = {
        let canvas = canvas.clone();
        let force = force.clone();
        use_mut_ref(move || {
            let refresh = Callback::from(move |()| force.force_update());
            Rc::new(Shared::new(canvas, refresh))
        })
    };
    let shared: Rc<Shared> = shared.borrow().clone();

    {
        let shared = shared.clone();
        use_effect_with((), move |_| {
            schedule_frame(shared.clone());
            let keys = keys::listen(shared.clone());
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
            let peers = shared.state.borrow().network().n_peers();
            let choice =
                crate::view::peer_list::after_toggle(shared.peer_list_open.get(), peers, open);
            if shared.peer_list_open.replace(choice) != choice {
                shared.refresh.emit(());
            }
        })
    };
    let on_share = {
        let shared = shared.clone();
        Callback::from(move |_: MouseEvent| {
            let json = share::scenario_json(&shared.state.borrow().to_scenario());
            let shared = shared.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match deflate::deflate(json.as_bytes()).await {
                    Ok(deflated) => {
                        let fragment = share::fragment_of(&deflated);
                        *shared.shared_fragment.borrow_mut() = Some(fragment.clone());
                        storage::set_fragment(&fragment);
                        *shared.shared_qr.borrow_mut() = Some(share::qr_svg(&storage::href()));
                        shared.refresh.emit(());
                    }
                    Err(e) => shared.dispatch(Command::Notice(format!(
                        "This browser could not make the link: {e}"
                    ))),
                }
            });
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
            if lesson.is_some() {
                shared.fetch_guides();
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

    let pointer = pointer::handlers(&shared);

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
                { keys::shortcuts_overlay(&on_shortcuts) }
            }
            if let Some(message) = state.message() {
                <div class="message" role="alert" data-testid="message">{ message }</div>
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
                { lesson_panel::teacher_guide(tour.lesson(), &shared.guides.borrow(), &lesson_actions.guide) }
            }
            <main class="workspace">
                <section class="stage" aria-label="Network view">
                    // Over the top of the canvas, so that its coming and going never resizes it.
                    if let Some(work) = state.work() {
                        <div class="message work" role="status" data-testid="work">
                            { state.join_status().unwrap_or_else(|| work.sentence()) }
                            <button type="button" class="quiet" data-testid="cancel-work" onclick={on_cancel}>{"Stop"}</button>
                        </div>
                    }
                    <canvas ref={canvas} class="graph" data-testid="graph"
                        data-layout={if state.layout().is_settled() { "settled" } else { "moving" }}
                        data-memory-mb={memory_mb()}
                        aria-label="The network: peers and links. The peer list below mirrors it."
                        onmousedown={pointer.onmousedown} onmousemove={pointer.onmousemove}
                        onmouseup={pointer.onmouseup} onmouseleave={pointer.onmouseleave}
                        ondblclick={pointer.ondblclick} onwheel={pointer.onwheel}
                        ontouchstart={pointer.ontouchstart} ontouchmove={pointer.ontouchmove}
                        ontouchend={pointer.ontouchend} />
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

/// The wasm module's linear memory in megabytes, for the benchmarks (it grows, never shrinks).
fn memory_mb() -> String {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(String::new(), |b| {
            format!("{:.0}", f64::from(b.byte_length()) / 1e6)
        })
}
