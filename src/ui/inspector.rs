//! The inspector: everything about the selected peer or link, and its settings.

use yew::prelude::*;

use crate::sim::network::{PeerId, Role};
use crate::ui::events::{checked_of, value_of};
use crate::view::format;
use crate::view::state::{AppState, Command, Selection};

fn peer_links(ids: impl Iterator<Item = PeerId>, dispatch: &Callback<Command>) -> Html {
    let ids: Vec<PeerId> = ids.collect();
    if ids.is_empty() {
        return html! { <span class="muted">{"none"}</span> };
    }
    html! {
        <span class="peer-chips">
            { for ids.into_iter().map(|peer| {
                let dispatch = dispatch.clone();
                let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(Command::SelectPeer { peer, additive: false }));
                html! { <button type="button" class="chip" {onclick}>{ peer.to_string() }</button> }
            }) }
        </span>
    }
}

/// The inspector panel.
pub fn inspector(state: &AppState, dispatch: &Callback<Command>) -> Html {
    let body = match state.selection() {
        Selection::Peers(peers) => peer_details(
            state,
            *peers.last().expect("a selection is never empty"),
            peers.len(),
            dispatch,
        ),
        Selection::Link(link) => link_details(state, *link, dispatch),
        Selection::None => {
            html! { <p class="muted">{"Select a peer (click it, or pick it in the peer list) to see it here."}</p> }
        }
    };
    html! {
        <section class="panel" aria-label="Inspector">
            <h2>{"Inspector"}</h2>
            { body }
        </section>
    }
}

fn peer_details(
    state: &AppState,
    id: PeerId,
    n_selected: usize,
    dispatch: &Callback<Command>,
) -> Html {
    let net = state.network();
    let Some(peer) = net.peer(id) else {
        return html! {};
    };
    let sim = state.simulation();
    let tx = state.current_tx();
    let adjacent = net.adjacent(id);
    let outbound = adjacent.iter().filter(|a| a.outbound()).map(|a| a.peer);
    let inbound = adjacent.iter().filter(|a| !a.outbound()).map(|a| a.peer);
    let mempool: Vec<String> = (0..sim.n_transactions())
        .map(|i| crate::sim::engine::TxId(i as u32))
        .filter(|&t| sim.first_arrival(t, id).is_some())
        .map(|t| format!("tx{}", t.0))
        .collect();
    let counts = net.link_counts(id);
    let limits = net.limits();
    let on_role = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = value_of(&e);
            if let Some(role) = Role::ALL.into_iter().find(|r| r.name() == value) {
                dispatch.emit(Command::SetRole { peer: id, role });
            }
        })
    };
    let on_reachable = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let reachable = checked_of(&e);
            dispatch.emit(Command::SetReachable {
                peer: id,
                reachable,
            });
        })
    };
    let arrival = tx.and_then(|tx| sim.first_arrival(tx, id));
    let hops = tx.and_then(|tx| sim.hops(tx, id));
    let parent = tx.and_then(|tx| sim.parent(tx, id));
    let why = state.why_unreached(id);
    html! {
        <div class="inspector">
            if n_selected > 1 {
                <p class="muted">{ format!("{n_selected} peers selected; showing the last.") }</p>
            }
            <dl>
                <dt>{"Peer"}</dt><dd data-testid="inspector-id">{ id.to_string() }</dd>
                <dt><label for="inspector-role">{"Role"}</label></dt>
                <dd>
                    <select id="inspector-role" data-testid="role" onchange={on_role}>
                        { for Role::ALL.iter().map(|r| html! { <option value={r.name()} selected={*r == peer.role}>{ r.name() }</option> }) }
                    </select>
                </dd>
                <dt><label for="inspector-reachable">{"Reachable"}</label></dt>
                <dd>
                    <input id="inspector-reachable" type="checkbox" data-testid="reachable" checked={peer.reachable} onchange={on_reachable} />
                    { if peer.reachable { " accepts inbound links" } else { " behind NAT: outbound only" } }
                </dd>
                <dt>{"State"}</dt><dd data-testid="inspector-state">{ peer.state.name() }</dd>
                <dt>{ format!("Outbound ({}/{})", counts.outbound + counts.block_relay_outbound, limits.max_outbound + limits.max_block_relay_outbound) }</dt>
                <dd>{ peer_links(outbound, dispatch) }</dd>
                <dt>{ format!("Inbound ({}/{})", counts.inbound, limits.max_inbound) }</dt>
                <dd>{ peer_links(inbound, dispatch) }</dd>
                <dt>{"Mempool"}</dt>
                <dd>{ if mempool.is_empty() { "empty".to_string() } else { mempool.join(", ") } }</dd>
                <dt>{"First arrival"}</dt><dd>{ arrival.map_or("not yet".to_string(), |t| format!("{} ms", format::ms(t.as_ms_f64()))) }</dd>
                <dt>{"Hop"}</dt><dd>{ hops.map_or("—".to_string(), |h| h.to_string()) }</dd>
                <dt>{"From"}</dt><dd>{ match parent { Some(p) => peer_links(std::iter::once(p), dispatch), None if hops == Some(0) => html!{"it is the source"}, None => html!{"—"} } }</dd>
                if let Some(why) = why {
                    <dt>{"Why not reached"}</dt><dd class="why" data-testid="why">{ why }</dd>
                }
            </dl>
        </div>
    }
}

fn link_details(
    state: &AppState,
    link: crate::sim::network::LinkId,
    dispatch: &Callback<Command>,
) -> Html {
    let Some(l) = state.network().link(link).cloned() else {
        return html! {};
    };
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let text = value_of(&e);
            match crate::sim::latency::parse_number(&text) {
                Some(ms) => dispatch.emit(Command::SetLatency {
                    a: l.from,
                    b: l.to,
                    ms,
                }),
                None => dispatch.emit(Command::Notice(format!(
                    "'{text}' is not a latency in milliseconds"
                ))),
            }
        })
    };
    html! {
        <dl>
            <dt>{"Link"}</dt><dd data-testid="inspector-link">{ format!("{} → {}", l.from, l.to) }</dd>
            <dt>{"Opened by"}</dt><dd>{ l.from.to_string() }</dd>
            <dt>{"Carries"}</dt><dd>{ if l.kind.carries_transactions() { "transactions and blocks" } else { "blocks only" } }</dd>
            <dt><label for="inspector-latency">{"Latency (ms)"}</label></dt>
            <dd><input id="inspector-latency" type="number" min="0" step="1" data-testid="latency"
                value={format!("{}", l.latency.as_ms_f64())} {onchange} /></dd>
        </dl>
    }
}
