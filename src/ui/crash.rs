//! The panic hook: a panic that still happens becomes a visible message with a safe way back.
//!
//! A panic in wasm ends the app (the next call into it traps), so the hook
//! works with the bare DOM: it shows what happened, takes the link out of the
//! address bar (a reload cannot reopen it), and if the page was still opening
//! its autosave, sets that autosave aside so the reload opens the default.

use std::cell::Cell;

use crate::ui::storage;
use crate::view::saves;

thread_local! {
    /// Whether the page is opening its first network (from a link or the autosave).
    static OPENING: Cell<bool> = const { Cell::new(false) };
}

/// Marks the start and end of opening the first network.
pub fn opening(on: bool) {
    OPENING.with(|o| o.set(on));
}

/// Installs the hook; call before the app renders (through Yew, which would
/// otherwise put its own console-only hook in place when it renders).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let what = match info.payload().downcast_ref::<&str>() {
            Some(s) => (*s).to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "unknown panic".into()),
        };
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        web_sys::console::error_1(&format!("gossipscope panicked: {what}{place}").into());
        storage::clear_fragment();
        let set_aside = OPENING.with(Cell::get);
        if set_aside {
            if let Some(text) = storage::read(saves::AUTOSAVE_KEY) {
                if storage::write(saves::SET_ASIDE_KEY, &text).is_ok() {
                    storage::remove(saves::AUTOSAVE_KEY);
                }
            }
        }
        show(&what, set_aside);
    }));
}

/// Puts the message over the page with plain DOM calls (Yew no longer runs).
fn show(what: &str, set_aside: bool) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(card) = document.create_element("div") else {
        return;
    };
    let saved = if set_aside {
        "The network saved in this browser was set aside (not deleted), so the reload opens the default network."
    } else {
        "Your network as it was before the last action is saved in this browser and comes back on reload."
    };
    card.set_class_name("crash");
    let _ = card.set_attribute("role", "alert");
    let _ = card.set_attribute("data-testid", "crash");
    let heading = document.create_element("h2");
    let text = document.create_element("p");
    let detail = document.create_element("pre");
    let reload = document.create_element("a");
    let (Ok(heading), Ok(text), Ok(detail), Ok(reload)) = (heading, text, detail, reload) else {
        return;
    };
    heading.set_text_content(Some("gossipscope stopped"));
    text.set_text_content(Some(&format!(
        "Something went wrong that should not have. The link that opened this page has been \
         taken out of the address bar, so reloading is safe. {saved}"
    )));
    detail.set_text_content(Some(what));
    reload.set_text_content(Some("Reload the page"));
    let _ = reload.set_attribute("href", "");
    let _ = reload.set_attribute("data-testid", "crash-reload");
    for child in [&heading, &text, &detail, &reload] {
        let _ = card.append_child(child);
    }
    if let Some(body) = document.body() {
        let _ = body.append_child(&card);
    }
}
