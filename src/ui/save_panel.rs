//! The save-and-share panel: share link, scenario export and import, PNG, SVG and CSV exports.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlInputElement};
use yew::prelude::*;

use crate::ui::storage;
use crate::view::share;
use crate::view::state::{AppState, Command};

/// What the panel needs from the app.
pub struct SaveActions {
    /// Sends commands to the app.
    pub dispatch: Callback<Command>,
    /// Makes a share link of the current scenario and shows it.
    pub on_share: Callback<MouseEvent>,
    /// The link shown after sharing, if any.
    pub link: Option<String>,
    /// That link as a QR code's SVG, or why it cannot be one.
    pub qr: Option<Result<String, String>>,
    /// The canvas, for PNG export.
    pub canvas: NodeRef,
    /// The app's state, read when an export is clicked (never on render: a large
    /// network's JSON, CSV or SVG takes long to build).
    pub state: Rc<RefCell<AppState>>,
}

/// A button's handler that builds a file from the state when clicked and offers it as a download.
fn export(
    state: &Rc<RefCell<AppState>>,
    name: &'static str,
    mime: &'static str,
    build: fn(&AppState) -> String,
) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_| storage::download(name, mime, &build(&state.borrow())))
}

fn export_png(canvas: &NodeRef) -> Callback<MouseEvent> {
    let canvas = canvas.clone();
    Callback::from(move |_| {
        if let Some(url) = canvas
            .cast::<HtmlCanvasElement>()
            .and_then(|c| c.to_data_url().ok())
        {
            storage::download_url("gossipscope-network.png", &url);
        }
    })
}

/// Reads the chosen file and loads it as a scenario (or says what is wrong with it).
fn import(dispatch: &Callback<Command>) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        let input = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
        let Some(file) = input
            .as_ref()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        let dispatch = dispatch.clone();
        let name = file.name();
        if file.size() > share::MAX_SCENARIO_BYTES as f64 {
            dispatch.emit(Command::Notice(format!(
                "{name} is too large to be a scenario this app loads"
            )));
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            let command = match text.ok().and_then(|t| t.as_string()) {
                Some(text) => match share::read_scenario(&text) {
                    Ok(scenario) => Command::LoadScenario(Box::new(scenario)),
                    Err(e) => Command::Notice(format!("{name} was not loaded: {e}")),
                },
                None => Command::Notice(format!("{name} could not be read")),
            };
            dispatch.emit(command);
        });
        if let Some(input) = input {
            input.set_value("");
        }
    })
}

/// The panel.
pub fn save_panel(actions: &SaveActions) -> Html {
    html! {
        <section class="panel" aria-label="Save and share">
            <h2>{"Save and share"}</h2>
            <div class="buttons">
                <button type="button" data-testid="share" onclick={actions.on_share.clone()}
                    title="Put the whole scenario into the page's address, to copy and share">{"Share link"}</button>
                <button type="button" data-testid="export-json"
                    onclick={export(&actions.state, "gossipscope-scenario.json", "application/json", |s| s.to_scenario().to_json())}>{"Export JSON"}</button>
                <label class="file-button">{"Import JSON "}
                    <input type="file" accept=".json,application/json" data-testid="import-json" onchange={import(&actions.dispatch)} />
                </label>
                <button type="button" data-testid="export-png" onclick={export_png(&actions.canvas)}>{"PNG"}</button>
                <button type="button" data-testid="export-svg"
                    onclick={export(&actions.state, "gossipscope-network.svg", "image/svg+xml", crate::view::svg::render)}>{"SVG"}</button>
                <button type="button" data-testid="export-csv"
                    onclick={export(&actions.state, "gossipscope-peers.csv", "text/csv", AppState::results_csv)}>{"CSV"}</button>
            </div>
            if let Some(link) = &actions.link {
                <label class="share-link">{"Link "}
                    <input type="text" readonly=true data-testid="share-link" value={link.clone()} />
                </label>
            }
            { match &actions.qr {
                Some(Ok(svg)) => html! {
                    <figure class="qr" data-testid="share-qr">
                        { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
                        <figcaption>{"Scan to open this network on a phone"}</figcaption>
                    </figure>
                },
                Some(Err(why)) => html! { <p class="hint" data-testid="share-qr-missing">{ why.clone() }</p> },
                None => html! {},
            } }
            <p class="hint">{"Your network is saved in this browser as you work: a reload brings it back."}</p>
        </section>
    }
}
