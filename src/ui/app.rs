//! The page: a form to choose the network size, seed and relay policy, and the results of one run.

use std::rc::Rc;
use std::time::Duration;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::ui::format;
use crate::ui::run::{self, Outcome, Policy, Settings, MAX_BROWSER_PEERS};
use crate::ui::stats::Stats;

/// How long to let the browser paint "Running" before the run blocks the page.
const PAINT_PAUSE: Duration = Duration::from_millis(30);

/// The page's options.
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct AppProps {
    /// Run once with the starting settings as soon as the page shows (default: yes).
    #[prop_or(true)]
    pub autorun: bool,
}

impl Default for AppProps {
    fn default() -> AppProps {
        AppProps { autorun: true }
    }
}

/// Where the page is.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    /// Nothing run yet.
    Idle,
    /// A run of these settings is under way.
    Running(Settings),
    /// The last run finished.
    Done(Rc<Outcome>),
    /// The form was invalid or the core refused the run.
    Failed(String),
}

/// The placeholder page of the web app.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let defaults = Settings::default();
    let peers = use_state(|| defaults.peers.to_string());
    let seed = use_state(|| defaults.seed.to_string());
    let policy = use_state(|| defaults.policy);
    let status = use_state(|| Status::Idle);

    // Starts a run; the work happens after a short pause so "Running" is painted first.
    let start = {
        let status = status.clone();
        Callback::from(move |settings: Settings| {
            status.set(Status::Running(settings.clone()));
            let status = status.clone();
            yew::platform::spawn_local(async move {
                yew::platform::time::sleep(PAINT_PAUSE).await;
                status.set(match run::run(&settings, run::browser_now) {
                    Ok(outcome) => Status::Done(Rc::new(outcome)),
                    Err(message) => Status::Failed(message),
                });
            });
        })
    };

    {
        let start = start.clone();
        let autorun = props.autorun;
        use_effect_with((), move |_| {
            if autorun {
                start.emit(Settings::default());
            }
        });
    }

    let running = matches!(*status, Status::Running(_));

    let onsubmit = {
        let (peers, seed, policy, status) =
            (peers.clone(), seed.clone(), policy.clone(), status.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if running {
                return;
            }
            match Settings::parse(&peers, &seed, *policy) {
                Ok(settings) => start.emit(settings),
                Err(message) => status.set(Status::Failed(message)),
            }
        })
    };
    let on_peers = {
        let peers = peers.clone();
        Callback::from(move |e: InputEvent| {
            peers.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let on_seed = {
        let seed = seed.clone();
        Callback::from(move |e: InputEvent| {
            seed.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let on_random_seed = {
        let seed = seed.clone();
        Callback::from(move |_: MouseEvent| {
            let mut bytes = [0u8; 4];
            // A small seed is easier to read aloud and type back in.
            if getrandom::fill(&mut bytes).is_ok() {
                seed.set(u32::from_le_bytes(bytes).to_string());
            }
        })
    };
    let on_policy = {
        let policy = policy.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(p) = Policy::from_name(&value) {
                policy.set(p);
            }
        })
    };

    let results = match &*status {
        Status::Idle => html! {
            <p class="status">{ "Press " }<strong>{ "Generate and flood" }</strong>{ " to run." }</p>
        },
        Status::Running(s) => html! {
            <p class="status running" data-testid="running">
                <span class="spinner" aria-hidden="true"></span>
                { format!("Generating {} peers and spreading a transaction\u{2026}", format::count(u64::from(s.peers))) }
            </p>
        },
        Status::Failed(message) => html! {
            <p class="status error" role="alert" data-testid="error">{ message.clone() }</p>
        },
        Status::Done(outcome) => html! { <Stats outcome={outcome.clone()} /> },
    };

    html! {
        <div class="page">
            <header class="masthead">
                <h1>
                    <span class="logo" aria-hidden="true"></span>
                    { "gossipscope" }
                    <span class="badge" title="The animated network view is on its way">{ "preview" }</span>
                </h1>
                <p class="lede">
                    { "Peer N0 broadcasts a transaction. There is no server in the middle: every peer that hears \
                       of it passes it on to its neighbours, and they to theirs. Choose a network and run it to see \
                       how many peers the transaction reached, how fast, and how many messages that cost." }
                </p>
            </header>
            <main>
                <form class="card controls" {onsubmit} novalidate=true>
                    <label class="field">
                        <span class="label">{ "Peers" }</span>
                        <input type="text" inputmode="numeric" autocomplete="off" data-testid="peers"
                            value={(*peers).clone()} oninput={on_peers} />
                        <small>{ format!("2 to {}", format::count(u64::from(MAX_BROWSER_PEERS))) }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ "Seed" }</span>
                        <span class="with-button">
                            <input type="text" inputmode="numeric" autocomplete="off" data-testid="seed"
                                value={(*seed).clone()} oninput={on_seed} />
                            <button type="button" class="secondary" title="Pick a random seed"
                                onclick={on_random_seed}>{ "Random" }</button>
                        </span>
                        <small>{ "Same seed, same network, same run" }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ "Relay policy" }</span>
                        <select data-testid="policy" onchange={on_policy}>
                            { for Policy::ALL.into_iter().map(|p| html! {
                                <option value={p.name()} selected={p == *policy}>{ p.label() }</option>
                            }) }
                        </select>
                        <small>{ policy.hint() }</small>
                    </label>
                    <button type="submit" class="primary" data-testid="run" disabled={running}>
                        { if running { "Running\u{2026}" } else { "Generate and flood" } }
                    </button>
                </form>
                <section class="results" aria-live="polite">{ results }</section>
            </main>
            <footer>
                <p>
                    { "Virtual time is how long the transaction would take on the real network; wall-clock time is \
                       how long your browser took to work it out. The same seed gives the same numbers here and in \
                       the command-line tool." }
                </p>
                <p>
                    { "This is an early preview: the animated network view is on its way. The numbers already come \
                       from the real simulation, running right here in your browser." }
                </p>
            </footer>
        </div>
    }
}
