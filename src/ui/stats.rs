//! The results panel: the network, how far the transaction got, how fast, and what the browser spent.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::format;
use crate::ui::run::Outcome;

/// The results panel's input.
#[derive(Clone, Debug, PartialEq, Properties)]
pub struct StatsProps {
    /// The run to show.
    pub outcome: Rc<Outcome>,
}

/// One labelled number; `testid` names the value for tests.
fn stat(label: &str, testid: &'static str, value: String, unit: Html, hint: &str) -> Html {
    html! {
        <div class="stat">
            <dt>{ label }</dt>
            <dd>
                <span class="value" data-testid={testid}>{ value }</span>
                { unit }
            </dd>
            if !hint.is_empty() {
                <dd class="hint">{ hint }</dd>
            }
        </div>
    }
}

fn unit(text: &str) -> Html {
    html! { <span class="unit">{ text }</span> }
}

/// The results of one run.
#[function_component(Stats)]
pub fn stats(props: &StatsProps) -> Html {
    let o = &*props.outcome;
    let m = &o.metrics;
    let reached_all = m.reached >= m.reachable;
    let summary = format!(
        "N0 broadcast one transaction over a Bitcoin-style network of {} peers (seed {}, {} relay).",
        format::count(o.peers as u64),
        o.settings.seed,
        o.settings.policy.name()
    );
    let reachable = html! {
        <span class="unit">{ "of " }<span data-testid="stat-reachable">{ format::count(m.reachable as u64) }</span></span>
    };
    let redundant_share = format!(
        "{} of all messages brought nothing new",
        format::percent(m.redundant, m.messages)
    );
    html! {
        <div class="stats" data-testid="stats">
            <p class="summary" data-testid="summary">{ summary }</p>
            <div class="groups">
                <section class="card group">
                    <h2>{ "Network" }</h2>
                    <dl>
                        { stat("Peers", "stat-peers", format::count(o.peers as u64), html! {}, "70 % behind NAT: outbound links only") }
                        { stat("Links", "stat-links", format::count(o.links as u64), html! {}, "each peer opens up to 8") }
                    </dl>
                </section>
                <section class="card group">
                    <h2>{ "Reach" }</h2>
                    <dl>
                        { stat("Peers reached", "stat-reached", format::count(m.reached as u64), reachable,
                            if reached_all { "every peer it could reach" } else { "some reachable peers never got it" }) }
                        { stat("Messages sent", "stat-messages", format::count(m.messages), html! {}, "") }
                        { stat("Redundant", "stat-redundant", format::count(m.redundant), html! {}, &redundant_share) }
                    </dl>
                </section>
                <section class="card group">
                    <h2>{ "Speed" }<span class="tag">{ "virtual time" }</span></h2>
                    <dl>
                        { stat("Half the peers", "stat-t50", format::opt_ms(m.t50_ms), unit("ms"), "") }
                        { stat("90 % of the peers", "stat-t90", format::opt_ms(m.t90_ms), unit("ms"), "") }
                        { stat("Every reachable peer", "stat-t100", format::opt_ms(m.t100_ms), unit("ms"),
                            if m.t100_ms.is_none() { "not every reachable peer got it" } else { "" }) }
                    </dl>
                </section>
                <section class="card group">
                    <h2>{ "Browser" }<span class="tag">{ "wall-clock time" }</span></h2>
                    <dl>
                        { stat("Generating the network", "stat-gen-ms", format::ms(o.generate_ms), unit("ms"), "") }
                        { stat("Simulating the gossip", "stat-sim-ms", format::ms(o.simulate_ms), unit("ms"), "") }
                    </dl>
                </section>
            </div>
            if !o.notes.is_empty() {
                <details class="card notes">
                    <summary>{ "How the network was made" }</summary>
                    <ul>
                        { for o.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }
                    </ul>
                </details>
            }
        </div>
    }
}
