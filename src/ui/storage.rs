//! The browser's side of saving: the URL fragment, localStorage autosave, downloads and file imports.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use crate::sim::scenario::Scenario;
use crate::view::{saves, share};

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The page's URL fragment, without `#` ("" if none).
pub fn fragment() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Puts a share link's fragment into the address bar (without reloading).
pub fn set_fragment(fragment: &str) {
    if let Some(w) = window() {
        let _ = w.location().set_hash(fragment);
    }
}

/// The page's address, fragment included.
pub fn href() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// Takes the link out of the address bar without reloading (a reload then cannot reopen it).
pub fn clear_fragment() {
    let Some(w) = window() else { return };
    let location = w.location();
    let path = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

/// The text stored under `key`, if any.
pub fn read(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; the error names why the browser refused (a full quota, say).
pub fn write(key: &str, value: &str) -> Result<(), String> {
    let storage = storage().ok_or("this browser offers no local storage")?;
    storage.set_item(key, value).map_err(|e| describe(&e))
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// A JavaScript exception as one line: its name and message.
pub fn describe(error: &wasm_bindgen::JsValue) -> String {
    let field = |name: &str| {
        js_sys::Reflect::get(error, &name.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    match (field("name"), field("message")) {
        (name, message) if !name.is_empty() => format!("{name}: {message}"),
        _ => error.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}

/// The scenario JSON in a link's fragment or a browser save, inflated by the browser if it was
/// deflated; or why there is none.
pub async fn json_in(text: &str) -> Result<String, String> {
    match share::unpack(text)? {
        share::Packed::Json(json) => Ok(json.to_string()),
        share::Packed::Deflated(deflated) => {
            share::inflated_text(crate::ui::deflate::inflate(&deflated).await)
        }
    }
}

/// What the page found when it loaded: its fragment and its autosave, each with its JSON.
#[derive(Default)]
struct Opening {
    fragment: String,
    link: Option<Result<String, String>>,
    autosave: Option<(String, Result<String, String>)>,
}

thread_local! {
    static OPENING: RefCell<Option<Opening>> = const { RefCell::new(None) };
}

/// Reads, before the app mounts, the link and the autosave it opens with (inflating is
/// asynchronous in the browser); [`open_page`] then opens them.
pub async fn read_opening() {
    let fragment = fragment();
    let link = if fragment.is_empty() || fragment == saves::CRASH_TEST_FRAGMENT {
        None
    } else {
        Some(json_in(&fragment).await)
    };
    let autosave = match read(saves::AUTOSAVE_KEY) {
        Some(text) => {
            let json = json_in(&text).await;
            Some((text, json))
        }
        None => None,
    };
    let opening = Opening {
        fragment,
        link,
        autosave,
    };
    OPENING.with(|o| *o.borrow_mut() = Some(opening));
}

/// The state the page opens with, after carrying out what opening decided
/// (keep the replaced network, set aside an unreadable autosave, clear a bad link).
pub fn open_page() -> (crate::view::state::AppState, saves::Effects) {
    let Opening {
        fragment,
        link,
        autosave,
    } = OPENING.with(|o| o.borrow_mut().take()).unwrap_or_default();
    let (saved, saved_json) = autosave.unzip();
    let found = |text, json| saves::Found { text, json };
    let (state, effects) = saves::open_page(
        link.map(|json| found(&fragment, json)),
        saved
            .as_deref()
            .zip(saved_json)
            .map(|(text, json)| found(text, json)),
    );
    if let Some(text) = &effects.set_aside {
        if write(saves::SET_ASIDE_KEY, text).is_ok() {
            remove(saves::AUTOSAVE_KEY);
        }
    }
    if let Some(text) = &effects.previous {
        let _ = write(saves::PREVIOUS_KEY, text);
    }
    // The network is autosaved from now on: the address need not (and, if bad, must not) keep it.
    if effects.clear_fragment || !fragment.is_empty() {
        clear_fragment();
    }
    (state, effects)
}

/// Saves the scenario to localStorage, as its JSON.
pub fn autosave(scenario: &Scenario) -> Result<(), String> {
    write(saves::AUTOSAVE_KEY, &share::scenario_json(scenario))
}

/// The text of a file served next to the page (`path` is relative to the page's address).
pub async fn fetch_text(path: &str) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let window = window().ok_or("the page has no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|e| format!("{path}: {}", describe(&e)))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    let text = response.text().map_err(|e| describe(&e))?;
    let text = JsFuture::from(text).await.map_err(|e| describe(&e))?;
    text.as_string()
        .ok_or_else(|| format!("{path} is not text"))
}

/// Offers `contents` as a file download named `name`.
pub fn download(name: &str, mime: &str, contents: &str) {
    let parts = js_sys::Array::of1(&contents.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    download_url(
        name,
        &Url::create_object_url_with_blob(&blob).unwrap_or_default(),
    );
}

/// Offers a `data:` or `blob:` URL as a file download named `name`.
pub fn download_url(name: &str, url: &str) {
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(anchor) = document.create_element("a") else {
        return;
    };
    let Ok(anchor) = anchor.dyn_into::<HtmlAnchorElement>() else {
        return;
    };
    anchor.set_href(url);
    anchor.set_download(name);
    anchor.click();
}
