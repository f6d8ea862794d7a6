//! The browser's side of saving: the URL fragment, localStorage autosave, downloads and file imports.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use crate::sim::scenario::Scenario;
use crate::view::share;

/// The localStorage key of the autosaved scenario.
const AUTOSAVE_KEY: &str = "gossipscope/autosave";

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

/// What the app should open with: the link's scenario, else the autosave, and
/// a message if either could not be read (the app then opens its default).
pub fn initial_scenario() -> (Option<Scenario>, Option<String>) {
    let fragment = fragment();
    if !fragment.is_empty() {
        return match share::decode(&fragment) {
            Ok(scenario) => (Some(scenario), None),
            Err(e) => (None, Some(format!("The link could not be opened: {e}"))),
        };
    }
    match autosaved() {
        Some(Ok(scenario)) => (Some(scenario), None),
        Some(Err(e)) => (
            None,
            Some(format!("The saved network could not be restored: {e}")),
        ),
        None => (None, None),
    }
}

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

fn autosaved() -> Option<Result<Scenario, String>> {
    let text = storage()?.get_item(AUTOSAVE_KEY).ok().flatten()?;
    Some(share::decode(&text))
}

/// Saves the scenario to localStorage, compressed as a share link's fragment is.
pub fn autosave(scenario: &Scenario) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(AUTOSAVE_KEY, &share::encode(scenario));
    }
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
