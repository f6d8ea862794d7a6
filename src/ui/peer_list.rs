//! The peer list: the canvas's peers as buttons, for keyboards, screen readers and tests.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::view::peer_list::{is_open, LIST_AT_MOST};
use crate::view::state::{AppState, Command};

/// The collapsible list of every peer, with its state and hop count.
///
/// `open` is the user's choice, if they made one; a closed list renders no
/// entries, so a 10,000-peer network costs nothing until it is opened.
pub fn peer_list(
    state: &AppState,
    dispatch: &Callback<Command>,
    highlight: bool,
    open: Option<bool>,
    on_toggle: &Callback<bool>,
) -> Html {
    let net = state.network();
    let open = is_open(open, net.n_peers());
    let ontoggle = {
        let on_toggle = on_toggle.clone();
        Callback::from(move |e: Event| {
            let open = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                .is_some_and(|d| d.open());
            on_toggle.emit(open);
        })
    };
    let sim = state.simulation();
    let tx = state.current_tx();
    let selected = state.selected_peers();
    let cut = state.cut_vertices();
    html! {
        <section class="panel" aria-label="Peers">
            <details class="peer-list" {open} {ontoggle}>
                <summary>{ format!("Peers ({})", net.n_peers()) }</summary>
                if open {
                <ul>
                    { for net.peers().take(LIST_AT_MOST).map(|peer| {
                        let id = peer.id;
                        let hops = tx.and_then(|tx| sim.hops(tx, id));
                        let is_cut = cut.binary_search(&id).is_ok();
                        let onclick = {
                            let dispatch = dispatch.clone();
                            Callback::from(move |e: MouseEvent| {
                                let additive = e.shift_key() || e.ctrl_key() || e.meta_key();
                                dispatch.emit(Command::SelectPeer { peer: id, additive });
                            })
                        };
                        let mut class = classes!("peer-entry");
                        if selected.contains(&id) { class.push("selected"); }
                        if highlight && is_cut { class.push("cut"); }
                        let description = format!(
                            "{} {}{}{}{}",
                            peer.role.name(),
                            if peer.reachable { "" } else { "unreachable " },
                            peer.state.name(),
                            hops.map_or(String::new(), |h| format!(", hop {h}")),
                            if is_cut { ", single point of failure" } else { "" },
                        );
                        html! {
                            <li>
                                <button type="button" {class} data-peer-id={id.0.to_string()}
                                    data-state={peer.state.name()}
                                    data-hops={hops.map_or(String::new(), |h| h.to_string())}
                                    data-cut-vertex={is_cut.then_some("true")}
                                    aria-pressed={if selected.contains(&id) { "true" } else { "false" }}
                                    {onclick}>
                                    <strong>{ id.to_string() }</strong>{" "}<span class="muted">{ description }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                if net.n_peers() > LIST_AT_MOST {
                    <p class="muted">{ format!("The first {LIST_AT_MOST} of {} peers; select the others on the canvas.", net.n_peers()) }</p>
                }
                }
            </details>
        </section>
    }
}
