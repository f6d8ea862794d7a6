//! The statistics panel: reach, speed, cost, a live coverage plot, and who was left out.

use yew::prelude::*;

use crate::sim::metrics::UnreachedReason;
use crate::view::format;
use crate::view::plot::{coverage_points, PLOT};
use crate::view::state::AppState;

/// The coverage plot: peers reached over time, up to the clock.
fn coverage_plot(curve: &[(f64, usize)], reachable: usize) -> Html {
    let end = curve.last().map_or(1.0, |p| p.0).max(1.0);
    let last = curve.last().map_or(0, |p| p.1);
    let (points, top) = coverage_points(curve, end, reachable);
    html! {
        <figure class="plot">
            <svg viewBox={format!("0 0 {} {}", PLOT.0, PLOT.1)} role="img"
                aria-label={format!("Coverage over time: {} of {} peers after {} ms", last, reachable.max(1), format::ms(end))}>
                <line x1="5" y1={format!("{top}")} x2={format!("{}", PLOT.0 - 5.0)} y2={format!("{top}")} class="reachable-line" />
                <polyline points={points} class="coverage" />
            </svg>
            <figcaption>{ format!("Peers reached over time (0 to {} ms); the dashed line is every reachable peer.", format::ms(end)) }</figcaption>
        </figure>
    }
}

/// The network's size, atop the statistics.
fn size_line(net: &crate::sim::network::Network) -> Html {
    html! {
        <p class="stat-line"><span data-testid="stat-peers">{ net.n_peers() }</span>{" peers, "}
            <span data-testid="stat-links">{ net.n_links() }</span>{" links"}</p>
    }
}

/// The statistics panel.
pub fn stats(state: &AppState) -> Html {
    let net = state.network();
    let Some(tx) = state.current_tx() else {
        return html! {
            <section class="panel" aria-label="Statistics">
                <h2>{"Statistics"}</h2>
                { size_line(net) }
                <p class="muted">{"No transaction yet: select a peer and press Broadcast (B)."}</p>
            </section>
        };
    };
    let sim = state.simulation();
    let title = format!(
        "Statistics: transaction tx{} from {}",
        tx.0,
        sim.origin(tx).map_or(String::new(), |p| p.to_string())
    );
    let Some((m, curve)) = state.metrics_and_coverage(tx) else {
        return html! {
            <section class="panel" aria-label="Statistics">
                <h2>{ title }</h2>
                { size_line(net) }
                <p class="muted" data-testid="stat-counting">{"Counting the peers it can reach…"}</p>
            </section>
        };
    };
    let finished = state.is_finished();
    let unreached = if finished {
        sim.unreached(tx)
    } else {
        Vec::new()
    };
    let reasons: Vec<(UnreachedReason, usize)> = {
        let mut reasons: Vec<(UnreachedReason, usize)> = Vec::new();
        for u in &unreached {
            match reasons.iter_mut().find(|(r, _)| *r == u.reason) {
                Some((_, n)) => *n += 1,
                None => reasons.push((u.reason, 1)),
            }
        }
        reasons
    };
    let t100 = m.t100_ms.map_or("—".to_string(), |t| format!("{t:.1}"));
    html! {
        <section class="panel" aria-label="Statistics">
            <h2>{ title }</h2>
            { size_line(net) }
            <dl class="stats">
                <dt>{"Reached"}</dt>
                <dd><span data-testid="stat-reached" class="big">{ m.reached }</span>{" of "}
                    <span data-testid="stat-reachable">{ m.reachable }</span>{" reachable"}</dd>
                <dt>{"Half / 90 % / all"}</dt>
                <dd>{ format::opt_ms(m.t50_ms) }{" / "}{ format::opt_ms(m.t90_ms) }{" / "}
                    <span data-testid="stat-t100">{ t100 }</span>{" ms"}</dd>
                <dt>{"Messages"}</dt>
                <dd><span data-testid="stat-messages">{ m.messages }</span>
                    { if m.messages_by_kind.inv > 0 {
                        format!(" ({} tx, {} inv, {} getdata)", m.messages_by_kind.tx, m.messages_by_kind.inv, m.messages_by_kind.getdata)
                    } else { String::new() } }</dd>
                <dt>{"Redundant"}</dt>
                <dd><span data-testid="stat-redundant">{ m.redundant }</span>
                    { format!(" ({} of deliveries brought nothing new)", format::percent(m.redundant, m.messages)) }</dd>
                if m.lost > 0 {
                    <dt>{"Lost"}</dt><dd>{ m.lost }</dd>
                }
                if let Some(rounds) = m.rounds {
                    <dt>{"Last peer informed in round"}</dt><dd>{ rounds }</dd>
                }
            </dl>
            { coverage_plot(&curve, m.reachable) }
            if finished && !unreached.is_empty() {
                <div class="unreached" data-testid="unreached">
                    <h3>{ format!("{} peers never heard of it", unreached.len()) }</h3>
                    <ul>
                        { for reasons.iter().map(|(reason, n)| html! {
                            <li>{ format!("{n}: {}", crate::view::explain::reason_phrase(*reason)) }</li>
                        }) }
                    </ul>
                </div>
            }
        </section>
    }
}

/// Colours of the compared policies' marks, in [`crate::view::state::COMPARED_RELAYS`] order.
const POLICY_COLOURS: [&str; 3] = ["#D55E00", "#0072B2", "#009E73"];

/// Relay policies side by side: messages against speed, in one plot, and a table.
pub fn comparison(state: &AppState) -> Html {
    let runs = state.comparison();
    if runs.is_empty() {
        return html! {};
    }
    let speed = |m: &crate::sim::metrics::Metrics| m.t90_ms.unwrap_or(f64::NAN);
    let max_t = runs
        .iter()
        .map(|r| speed(&r.metrics))
        .filter(|t| t.is_finite())
        .fold(1.0, f64::max);
    let max_m = runs
        .iter()
        .map(|r| r.metrics.messages as f64)
        .fold(1.0, f64::max);
    let (w, h, pad) = (PLOT.0, 150.0, 28.0);
    let x = |t: f64| pad + t / max_t * (w - 2.0 * pad);
    let y = |m: f64| h - pad - m / max_m * (h - 2.0 * pad);
    html! {
        <section class="panel" aria-label="Relay policies compared" data-testid="comparison">
            <h2>{"Relay policies compared"}</h2>
            <figure class="plot">
                <svg viewBox={format!("0 0 {w} {h}")} role="img"
                    aria-label="Messages sent against time to reach 90 % of the peers, one point per relay policy">
                    <line x1={pad.to_string()} y1={(h - pad).to_string()} x2={(w - pad / 2.0).to_string()} y2={(h - pad).to_string()} class="axis" />
                    <line x1={pad.to_string()} y1={(pad / 2.0).to_string()} x2={pad.to_string()} y2={(h - pad).to_string()} class="axis" />
                    <text x={(w / 2.0).to_string()} y={(h - 6.0).to_string()} class="axis-label">{"time to 90 % (ms) →"}</text>
                    <text x="4" y="14" class="axis-label">{"messages ↑"}</text>
                    { for runs.iter().zip(POLICY_COLOURS).map(|(run, colour)| {
                        let (cx, cy) = (x(speed(&run.metrics)), y(run.metrics.messages as f64));
                        html! {
                            <g>
                                <circle cx={format!("{cx:.1}")} cy={format!("{cy:.1}")} r="6" fill={colour} />
                                <text x={format!("{:.1}", cx + 9.0)} y={format!("{:.1}", cy + 4.0)} class="point-label">{ run.relay.clone() }</text>
                            </g>
                        }
                    }) }
                </svg>
            </figure>
            <table class="compare">
                <thead><tr><th>{"relay"}</th><th>{"reached"}</th><th>{"messages"}</th><th>{"t90 ms"}</th><th>{"t100 ms"}</th></tr></thead>
                <tbody>
                    { for runs.iter().map(|run| html! {
                        <tr>
                            <td>{ run.relay.clone() }</td>
                            <td>{ run.metrics.reached }</td>
                            <td>{ run.metrics.messages }</td>
                            <td>{ format::opt_ms(run.metrics.t90_ms) }</td>
                            <td>{ format::opt_ms(run.metrics.t100_ms) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
