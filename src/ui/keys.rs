//! The keyboard: key presses handed to the shortcut table ([`crate::view::keys`]), and the
//! overlay that lists the shortcuts from the same table.

use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent, MouseEvent};
use yew::prelude::*;

use crate::ui::shared::Shared;
use crate::view::keys::{self, KeyContext, KeyOutcome, KeyPress};

/// Listens for shortcuts on the whole document while the returned listener lives.
pub fn listen(shared: Rc<Shared>) -> Option<EventListener> {
    let document = web_sys::window().and_then(|w| w.document())?;
    Some(EventListener::new(&document, "keydown", move |event| {
        let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
            return;
        };
        // In a text field, keys are typing, not shortcuts.
        let tag = event
            .target()
            .and_then(|t| t.dyn_into::<HtmlElement>().ok())
            .map(|el| el.tag_name());
        if tag.is_some_and(|tag| keys::takes_typing(&tag)) {
            return;
        }
        let key = event.key();
        let press = KeyPress {
            key: &key,
            ctrl: event.ctrl_key() || event.meta_key(),
            shift: event.shift_key(),
            alt: event.alt_key(),
        };
        let context = KeyContext {
            playing: shared.state.borrow().is_playing(),
            help_open: shared.shortcuts.get(),
            guide_open: shared.guide_open.get(),
        };
        match keys::on_key(&press, context) {
            Some(KeyOutcome::CloseGuide) => {
                shared.guide_open.set(false);
                shared.refresh.emit(());
            }
            Some(KeyOutcome::Help(open)) => {
                shared.shortcuts.set(open);
                shared.refresh.emit(());
            }
            Some(KeyOutcome::Command(command)) => {
                event.prevent_default();
                shared.dispatch(command);
            }
            None => {}
        }
    }))
}

/// The overlay listing the keyboard shortcuts.
pub fn shortcuts_overlay(on_close: &Callback<MouseEvent>) -> Html {
    html! {
        <div class="overlay" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcuts">
            <div class="overlay-card">
                <h2>{"Keyboard shortcuts"}</h2>
                <dl>
                    { for keys::help_lines().into_iter().map(|(keys, what)| html! { <><dt><kbd>{ keys }</kbd></dt><dd>{ what }</dd></> }) }
                </dl>
                <p class="hint">{"On the canvas: click a peer to select it, shift-click to add one, shift-drag over empty space to select a region, alt-drag a line across the network to cut the links it crosses, drag a peer onto another to link them, double-click empty space to add a peer, drag the background to pan, scroll or pinch to zoom."}</p>
                <button type="button" onclick={on_close.clone()}>{"Close"}</button>
            </div>
        </div>
    }
}
