//! The web app's entry point (binary `gossipscope-web`): Trunk builds it for wasm32 and it mounts [`gossipscope::ui::App`] on the page.

/// Mounts the app on the page's body, once the link and the autosave it opens with are read
/// (inflating them is the browser's, and asynchronous).
#[cfg(target_arch = "wasm32")]
fn main() {
    gossipscope::ui::crash::install();
    wasm_bindgen_futures::spawn_local(async {
        gossipscope::ui::storage::read_opening().await;
        yew::Renderer::<gossipscope::ui::App>::new().render();
    });
}

/// Natively there is no page to mount: build the web app with Trunk (see `scripts/serve`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
