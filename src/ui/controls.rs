//! The app's controls: network choice, playback, editing, and the legend.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::sim::network::Limits;
use crate::sim::relay::{PushParams, RelayPolicy, RumorMode, RumorParams};
use crate::ui::events::{checked_of, value_of};
use crate::view::format;
use crate::view::palette;
use crate::view::presets::PRESETS;
use crate::view::rings::Arrangement;
use crate::view::state::{AppState, Command, Speed, MAX_APP_PEERS, TOPOLOGIES};

fn button(
    label: &str,
    testid: &'static str,
    title: &str,
    enabled: bool,
    onclick: Callback<MouseEvent>,
) -> Html {
    html! {
        <button type="button" data-testid={testid} title={title.to_string()} disabled={!enabled} {onclick}>
            { label }
        </button>
    }
}

fn send(dispatch: &Callback<Command>, command: Command) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.emit(command.clone()))
}

/// A `<select>`'s handler over a table of (label, choice) whose options' values are
/// the table's indices: dispatches the chosen entry's command.
fn choose_from<T: Copy + 'static>(
    dispatch: &Callback<Command>,
    table: &'static [(&'static str, T)],
    command: fn(T) -> Command,
) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        let chosen = value_of(&e)
            .parse::<usize>()
            .ok()
            .and_then(|i| table.get(i));
        if let Some((_, choice)) = chosen {
            dispatch.emit(command(*choice));
        }
    })
}

/// The speeds offered, as (label, speed).
const SPEEDS: [(&str, Speed); 9] = [
    ("0.1×", Speed::Factor(0.1)),
    ("0.25×", Speed::Factor(0.25)),
    ("0.5×", Speed::Factor(0.5)),
    ("1× (real time)", Speed::Factor(1.0)),
    ("2×", Speed::Factor(2.0)),
    ("5×", Speed::Factor(5.0)),
    ("10×", Speed::Factor(10.0)),
    ("100×", Speed::Factor(100.0)),
    ("Classroom: a hop a second", Speed::Classroom),
];

/// Preset, seed, relay policy and its parameters.
pub fn network_bar(state: &AppState, dispatch: &Callback<Command>) -> Html {
    let on_preset = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| dispatch.emit(Command::LoadPreset(value_of(&e))))
    };
    let on_relay = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Ok(policy) = RelayPolicy::from_name(&value_of(&e)) {
                dispatch.emit(Command::SetRelay(policy));
            }
        })
    };
    let seed_ref = NodeRef::default();
    let on_regenerate = {
        let dispatch = dispatch.clone();
        let seed_ref = seed_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let text = seed_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match text.trim().parse::<u64>() {
                Ok(seed) => dispatch.emit(Command::SetSeed(seed)),
                Err(_) => dispatch.emit(Command::Notice(format!(
                    "'{text}' is not a seed: use a whole number"
                ))),
            }
        })
    };
    let topology = state.topology_name();
    let topology_ref = NodeRef::default();
    let size_ref = NodeRef::default();
    let on_generate = {
        let dispatch = dispatch.clone();
        let (topology_ref, size_ref) = (topology_ref.clone(), size_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let topology = topology_ref
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let size = size_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match size.trim().parse::<u32>() {
                Ok(peers) => dispatch.emit(Command::Generate { topology, peers }),
                Err(_) => dispatch.emit(Command::Notice(format!(
                    "'{size}' is not a number of peers"
                ))),
            }
        })
    };
    let relay = state.relay().clone();
    let parameters = relay_parameters(&relay, dispatch);
    let preset = state.preset().to_string();
    html! {
        <div class="network-bar">
            <label>{"Network "}
                <select data-testid="preset" onchange={on_preset} aria-label="Preset network">
                    if !PRESETS.iter().any(|p| p.id == preset) {
                        <option value={preset.clone()} selected=true>{
                            if preset == "scenario" { "Loaded scenario".to_string() } else { format!("Generated: {preset}") }
                        }</option>
                    }
                    { for PRESETS.iter().map(|p| html! {
                        <option value={p.id} selected={p.id == preset}>{ p.label }</option>
                    }) }
                </select>
            </label>
            <details class="generate">
                <summary>{"Generate…"}</summary>
                <div class="generate-fields">
                <label>{"Generate "}
                    <select ref={topology_ref} data-testid="topology" aria-label="Topology">
                        { for TOPOLOGIES.iter().map(|(value, label)| html! {
                            <option value={*value} selected={topology == Some(*value)}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <label>{"Peers "}
                    <input ref={size_ref} data-testid="size" type="number" min="1" max={MAX_APP_PEERS.to_string()}
                        class="seed" value={state.network().n_peers().to_string()} aria-label="Number of peers" />
                </label>
                <button type="button" data-testid="generate" onclick={on_generate} class="quiet"
                    title="Generate a network of this topology and size">{"Generate"}</button>
                </div>
            </details>
            <label>{"Seed "}
                <input ref={seed_ref} data-testid="seed" type="number" min="0" class="seed"
                    value={state.seed().to_string()} aria-label="Seed" />
            </label>
            <button type="button" data-testid="regenerate" onclick={on_regenerate}
                title="Build the network again from this seed">{"Regenerate"}</button>
            <label>{"Relay "}
                <select data-testid="relay" onchange={on_relay} aria-label="Relay policy">
                    { for [("flood", "Flood"), ("bitcoin", "Bitcoin: announce, request"), ("push", "Push gossip"), ("rumor", "Rumor mongering"), ("client-server", "Client-server")]
                        .iter().map(|(value, label)| html! {
                            <option value={*value} selected={relay.name() == *value}>{ *label }</option>
                        }) }
                </select>
            </label>
            { parameters }
        </div>
    }
}

/// A change handler for a relay parameter: the policy `policy` makes of the
/// field's text, or a message when the text makes none.
fn on_field(
    dispatch: &Callback<Command>,
    policy: impl Fn(&str) -> Option<RelayPolicy> + 'static,
) -> Callback<Event> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: Event| {
        let text = value_of(&e);
        match policy(text.trim()) {
            Some(relay) => dispatch.emit(Command::SetRelay(relay)),
            None => dispatch.emit(Command::Notice(format!(
                "'{text}' is not a valid value here"
            ))),
        }
    })
}

/// Inputs for the parameters of push gossip and rumor mongering.
fn relay_parameters(relay: &RelayPolicy, dispatch: &Callback<Command>) -> Html {
    match relay.clone() {
        RelayPolicy::Push(params) => {
            let on_fanout = {
                let params = params.clone();
                on_field(dispatch, move |text| {
                    let fanout = text.parse().ok()?;
                    Some(RelayPolicy::Push(PushParams {
                        fanout,
                        ..params.clone()
                    }))
                })
            };
            html! {
                <label>{"Fanout "}
                    <input type="number" min="1" max="50" class="small" data-testid="fanout"
                        value={params.fanout.to_string()} onchange={on_fanout} />
                </label>
            }
        }
        RelayPolicy::Rumor(params) => {
            let on_k = {
                let params = params.clone();
                on_field(dispatch, move |text| {
                    let k = text.parse().ok()?;
                    Some(RelayPolicy::Rumor(RumorParams {
                        k,
                        ..params.clone()
                    }))
                })
            };
            let on_mode = {
                let params = params.clone();
                on_field(dispatch, move |text| {
                    let mode = RumorMode::parse(text).ok()?;
                    Some(RelayPolicy::Rumor(RumorParams {
                        mode,
                        ..params.clone()
                    }))
                })
            };
            html! {
                <>
                    <label>{"k "}
                        <input type="number" min="1" max="20" class="small" data-testid="rumor-k"
                            value={params.k.to_string()} onchange={on_k} />
                    </label>
                    <label>{"Mode "}
                        <select onchange={on_mode} data-testid="rumor-mode">
                            { for [RumorMode::FeedbackCounter, RumorMode::FeedbackCoin, RumorMode::BlindCounter, RumorMode::BlindCoin]
                                .iter().map(|m| html! {
                                    <option value={m.to_string()} selected={*m == params.mode}>{ m.to_string() }</option>
                                }) }
                        </select>
                    </label>
                </>
            }
        }
        _ => html! {},
    }
}

/// Broadcast, play, pause, step, finish, speed, reset, replay, and the clock.
pub fn playback_bar(
    state: &AppState,
    dispatch: &Callback<Command>,
    on_fit: &Callback<MouseEvent>,
) -> Html {
    let can_broadcast = state.network().n_peers() > 0;
    let on_speed = choose_from(dispatch, &SPEEDS, Command::SetSpeed);
    let on_arrange = choose_from(dispatch, &ARRANGEMENTS, Command::Arrange);
    let on_skip = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| dispatch.emit(Command::SkipQuiet(checked_of(&e))))
    };
    let current = SPEEDS
        .iter()
        .position(|(_, s)| *s == state.speed())
        .unwrap_or(3);
    html! {
        <div class="playback" role="toolbar" aria-label="Playback">
            { button("Broadcast", "broadcast", "Send a new transaction from the selected peer, or the first peer if none is selected (B)", can_broadcast, send(dispatch, Command::Broadcast)) }
            { button("Play", "play", "Start the clock (Space)", !state.is_playing(), send(dispatch, Command::Play)) }
            { button("Pause", "pause", "Stop the clock (Space)", state.is_playing(), send(dispatch, Command::Pause)) }
            { button("Step", "step", "Go to the next delivery (S)", true, send(dispatch, Command::Step)) }
            { button("Finish", "finish", "Run everything that is left (a large network goes on a slice per frame, and can be stopped)", true, send(dispatch, Command::Finish)) }
            <label>{"Speed "}
                <select data-testid="speed" onchange={on_speed} aria-label="Speed">
                    { for SPEEDS.iter().enumerate().map(|(i, (label, _))| html! {
                        <option value={i.to_string()} selected={i == current}>{ *label }</option>
                    }) }
                </select>
            </label>
            <label>{"Layout "}
                <select data-testid="arrangement" onchange={on_arrange} aria-label="Layout">
                    { for ARRANGEMENTS.iter().enumerate().map(|(i, (label, a))| html! {
                        <option value={i.to_string()} selected={*a == state.arrangement()}
                            disabled={!state.offers(*a)}>{ *label }</option>
                    }) }
                </select>
            </label>
            <label class="toggle" title="When no message is in flight, jump to the next event">
                <input type="checkbox" data-testid="skip-quiet" checked={state.skips_quiet()} onchange={on_skip} />
                {" Skip quiet time"}
            </label>
            if state.skips_quiet() && state.quiet_skipped() > crate::sim::time::Time::ZERO {
                <span class="skipped" data-testid="quiet-skipped" aria-live="polite">
                    { format!("skipped {} ms with nothing in flight", format::ms(state.quiet_skipped().as_ms_f64())) }
                </span>
            }
            { button("Reset", "reset", "Back to time 0, keeping the network and dropping the transactions", true, send(dispatch, Command::Reset)) }
            { button("Replay", "replay", "Watch the same run again from time 0", true, send(dispatch, Command::Replay)) }
            <button type="button" class="quiet" onclick={on_fit.clone()} title="Fit the network to the view">{"Fit view"}</button>
            <span class="clock" data-testid="clock" aria-live="off">{ format!("t = {} ms", format::ms(state.clock().as_ms_f64())) }</span>
        </div>
    }
}

/// Adding and removing peers and links, censoring, offline, undo and redo.
pub fn edit_panel(state: &AppState, dispatch: &Callback<Command>) -> Html {
    let selected = state.selected_peers().len();
    let has_selection = !matches!(state.selection(), crate::view::state::Selection::None);
    html! {
        <section class="panel" aria-label="Edit the network">
            <h2>{"Edit"}</h2>
            <div class="buttons">
                { button("Add peer", "add-peer", "Add a peer (or double-click empty space)", true, send(dispatch, Command::AddPeer { at: None })) }
                { button("Link", "add-link", "Link the two selected peers (L; or shift-drag from peer to peer)", selected == 2, send(dispatch, Command::LinkSelected)) }
                { button("Remove", "remove", "Remove the selected peers or link (Delete)", has_selection, send(dispatch, Command::RemoveSelection)) }
                { button("Censor", "censor", "The selected peer receives but never relays, or stops censoring (C)", selected > 0, send(dispatch, Command::ToggleCensor)) }
                { button("Offline", "offline", "Take the selected peer offline, or bring it back (O)", selected > 0, send(dispatch, Command::ToggleOffline)) }
                { button("Cut off", "cut", "Remove every link between the selected peers and the rest: a partition", selected > 0, send(dispatch, Command::CutBetween { side: state.selected_peers().to_vec() })) }
                { button("Join a peer", "join-peer", "A new node joins as Bitcoin Core's do: it asks the DNS seeds for addresses, then opens its outbound links one by one", true, send(dispatch, Command::JoinPeer { reachable: true })) }
                { button("Undo", "undo", "Undo (Ctrl+Z)", state.can_undo(), send(dispatch, Command::Undo)) }
                { button("Redo", "redo", "Redo (Ctrl+Shift+Z)", state.can_redo(), send(dispatch, Command::Redo)) }
            </div>
            { limits_choice(state, dispatch) }
            <p class="hint">{"Click a peer to select it, shift-click to add one, shift-drag over empty space to select a region (then Cut off partitions it), alt-drag a line across the network to cut the links it crosses. Drag a peer to move it, or drop it onto another peer to link them; drag the background to pan, scroll to zoom."}</p>
        </section>
    }
}

/// The layouts on offer, as (label, arrangement).
const ARRANGEMENTS: [(&str, Arrangement); 3] = [
    ("Forces", Arrangement::Force),
    ("Rings by hops", Arrangement::RingsByHops),
    ("Rings by time", Arrangement::RingsByTime),
];

/// The link limits on offer, as (label, limits).
const LIMITS: [(&str, Limits); 2] = [
    ("Tutorial: 8 out, 117 in", Limits::TUTORIAL),
    (
        "Bitcoin Core today: 8 + 2 out, 114 in",
        Limits::BITCOIN_CORE,
    ),
];

/// Chooses the network's link limits; a network with other limits shows them as they are.
fn limits_choice(state: &AppState, dispatch: &Callback<Command>) -> Html {
    let current = state.network().limits();
    let chosen = LIMITS.iter().position(|(_, l)| *l == current);
    let onchange = choose_from(dispatch, &LIMITS, Command::SetLimits);
    html! {
        <label class="limits" title="The tutorial's limits, or Bitcoin Core today's: 8 full-relay and 2 block-relay-only outbound links, a feeler, up to 114 inbound">{"Link limits "}
            // Keyed by the limits in force and any message, so a refused choice is redrawn.
            <select key={format!("{} {} {} {} {} {}", current.max_outbound, current.max_block_relay_outbound, current.feeler_slots, current.max_inbound, current.max_total, state.message().is_some())} data-testid="limits" {onchange} aria-label="Link limits">
                if chosen.is_none() {
                    <option selected=true value="">{ format!(
                        "This network's: {} out, {} in",
                        current.max_outbound, current.max_inbound
                    ) }</option>
                }
                { for LIMITS.iter().enumerate().map(|(i, (label, _))| html! {
                    <option value={i.to_string()} selected={chosen == Some(i)}>{ *label }</option>
                }) }
            </select>
        </label>
    }
}

/// What the colours mean, and the single-points-of-failure toggle.
pub fn legend(state: &AppState, dispatch: &Callback<Command>) -> Html {
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| dispatch.emit(Command::ShowCutVertices(checked_of(&e))))
    };
    let swatch = |style: String, label: &str| {
        html! { <li><span class="swatch" style={style}></span>{ label.to_string() }</li> }
    };
    let filled = |colour: &str| format!("background: {colour}");
    let ring = |colour: &str| format!("border: 3px solid {colour}; background: #fff");
    let message = palette::MESSAGE;
    html! {
        <div class="legend" aria-label="Legend">
            <ul>
                { swatch(filled(palette::FULL), "full") }
                { swatch(filled(palette::LIGHT), "light") }
                { swatch(filled(palette::MINING), "mining") }
                { swatch(filled(palette::ARCHIVAL), "archival") }
                { swatch(ring(palette::FULL), "has not heard yet") }
                { swatch(filled(palette::OFFLINE), "offline") }
                { swatch(ring(palette::CENSOR), "censoring") }
                { swatch(ring(palette::SOURCE), "source") }
                { swatch(ring(palette::FLASH), "duplicate dropped") }
                { swatch(format!("background: {message}; width: 0.6em; height: 0.6em"), "transaction in flight") }
                { swatch(format!("border: 2px solid {message}; background: #fff; width: 0.5em; height: 0.5em"), "announcement (INV)") }
                { swatch(format!("background: {message}; border-radius: 0; width: 0.45em; height: 0.45em; transform: rotate(45deg)"), "request (GETDATA)") }
                <li>{"filled peers show their hop count"}</li>
            </ul>
            <label class="toggle">
                <input type="checkbox" data-testid="highlight" checked={state.shows_cut_vertices()} {onchange} />
                <span class="swatch" style={format!("background: {}", palette::CUT)}></span>
                <span class="toggle-text">
                    {"Show single points of failure (cut vertices and bridges)"}
                    if state.shows_cut_vertices() && state.finding_cut_vertices() {
                        {" — finding them…"}
                    }
                </span>
            </label>
        </div>
    }
}
