//! The network as an SVG picture: links, peers in their role colours, hop counts of the latest transaction.

use std::fmt::Write;

use crate::sim::network::PeerState;
use crate::view::palette::{self, role_colour};
use crate::view::state::AppState;

/// The network as laid out now, as a standalone SVG document.
pub fn render(state: &AppState) -> String {
    let net = state.network();
    let layout = state.layout();
    let (min_x, min_y, max_x, max_y) = layout.bounds().unwrap_or((0.0, 0.0, 1.0, 1.0));
    let margin = 40.0;
    let (w, h) = (max_x - min_x + 2.0 * margin, max_y - min_y + 2.0 * margin);
    let tx = state.current_tx();
    let sim = state.simulation();
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{:.1} {:.1} {w:.1} {h:.1}" font-family="sans-serif">"#,
        min_x - margin,
        min_y - margin
    );
    let _ = writeln!(
        svg,
        r##"<rect x="{:.1}" y="{:.1}" width="{w:.1}" height="{h:.1}" fill="#ffffff"/>"##,
        min_x - margin,
        min_y - margin
    );
    let _ = writeln!(svg, r#"<g stroke="{}" stroke-width="1.5">"#, palette::LINK);
    for link in net.links() {
        if let (Some(a), Some(b)) = (layout.position(link.from), layout.position(link.to)) {
            let _ = writeln!(
                svg,
                r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
                a.0, a.1, b.0, b.1
            );
        }
    }
    let _ = writeln!(svg, "</g>");
    for peer in net.peers() {
        let Some((x, y)) = layout.position(peer.id) else {
            continue;
        };
        let hops = tx.and_then(|tx| sim.hops(tx, peer.id));
        let colour = if peer.state == PeerState::Offline {
            palette::OFFLINE
        } else {
            role_colour(peer.role)
        };
        let fill = if hops.is_some() || peer.state == PeerState::Offline {
            colour
        } else {
            "#ffffff"
        };
        let ring = if peer.state == PeerState::Censoring {
            palette::CENSOR
        } else {
            colour
        };
        let _ = writeln!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="12" fill="{fill}" stroke="{ring}" stroke-width="3"><title>{} ({}, {})</title></circle>"#,
            peer.id,
            peer.role.name(),
            peer.state.name()
        );
        if let Some(hops) = hops {
            let _ = writeln!(
                svg,
                r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="12" font-weight="bold" fill="#ffffff">{hops}</text>"##,
                y + 4.0
            );
        }
        let _ = writeln!(
            svg,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="#444444">{}</text>"##,
            y + 24.0,
            peer.id
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::state::Command;

    #[test]
    fn the_picture_is_the_layout_with_a_margin_of_40_all_round() {
        let state = AppState::with_preset("tutorial-6", 1).unwrap();
        let (x0, y0, x1, y1) = state.layout().bounds().unwrap();
        let view_box = format!(
            "viewBox=\"{:.1} {:.1} {:.1} {:.1}\"",
            x0 - 40.0,
            y0 - 40.0,
            x1 - x0 + 80.0,
            y1 - y0 + 80.0
        );
        assert!(render(&state).contains(&view_box), "no {view_box}");
    }

    #[test]
    fn the_svg_draws_every_peer_and_link_and_the_hops() {
        let mut state = AppState::with_preset("tutorial-6", 1).unwrap();
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let svg = render(&state);
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<circle").count(), state.network().n_peers());
        assert_eq!(svg.matches("<line").count(), state.network().n_links());
        // The source shows hop 0 and every peer its hop count.
        assert_eq!(svg.matches("font-weight=\"bold\"").count(), 6);
    }
}
