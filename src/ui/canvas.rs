//! The graph view: draws peers, links and messages in flight on a canvas, through the
//! [`Viewport`]'s pan and zoom.
//!
//! Drawing reads the [`AppState`]; nothing here decides anything about the
//! simulation. Links change rarely, so they are drawn once into an offscreen
//! layer and copied each frame; peers and messages are drawn fresh, batched by
//! colour so a frame issues a handful of fills. Above [`RASTER_PEERS`] peers they
//! are painted as pixels by [`crate::view::raster`] and copied in one call.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::sim::network::{Link, LinkKind, PeerId, PeerState, Role};
use crate::sim::trace::MessageKind;
use crate::view::density::{LinkDensity, DENSITY_LINKS, ONE_LINK_ALPHA, PROJECTOR_LINK_ALPHA};
use crate::view::palette::{self, role_colour};
use crate::view::raster::{self, Raster, ALL_LINKS_MAX, RASTER_PEERS};
use crate::view::state::{AppState, Selection};
use crate::view::viewport::Viewport;

/// What the link layer was drawn for: redraw it when any of this changes.
#[derive(Clone, Copy, Debug, PartialEq)]
struct LinkLayerKey {
    network_version: u64,
    layout_ticks: usize,
    viewport: (u64, u64, u64),
    size: (u32, u32),
    highlight: bool,
    projector: bool,
    selected_link: Option<u32>,
}

/// The canvas renderer with its cached link layer, and for large networks the
/// pixels of the peers and messages with the canvas they are copied through.
pub struct Renderer {
    links: HtmlCanvasElement,
    links_key: Option<LinkLayerKey>,
    links_drawn_at: f64,
    raster: Raster,
    peers: HtmlCanvasElement,
    /// The link layer's pixels when it is drawn as density ([`crate::view::density::DENSITY_LINKS`]).
    density: LinkDensity,
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()
}

impl Renderer {
    /// A renderer with an empty link layer.
    pub fn new() -> Option<Renderer> {
        let document = web_sys::window()?.document()?;
        let offscreen = || {
            document
                .create_element("canvas")
                .ok()?
                .dyn_into::<HtmlCanvasElement>()
                .ok()
        };
        Some(Renderer {
            links: offscreen()?,
            links_key: None,
            links_drawn_at: f64::NEG_INFINITY,
            raster: Raster::new(),
            peers: offscreen()?,
            density: LinkDensity::new(),
        })
    }

    /// Draws one frame of `state` onto `canvas`, with the single points of failure
    /// highlighted or not, and with its links or without ([`crate::view::pacing::draws_links`]).
    pub fn draw(
        &mut self,
        canvas: &HtmlCanvasElement,
        state: &AppState,
        view: &Viewport,
        (highlight, links): (bool, bool),
        now_ms: f64,
    ) {
        let Some(ctx) = context(canvas) else { return };
        let (width, height) = (canvas.width(), canvas.height());
        let key = LinkLayerKey {
            network_version: state.network_version(),
            layout_ticks: state.layout().ticks(),
            viewport: (
                view.scale.to_bits(),
                view.offset.0.to_bits(),
                view.offset.1.to_bits(),
            ),
            size: (width, height),
            highlight,
            projector: view.projector,
            selected_link: match state.selection() {
                Selection::Link(l) => Some(l.0),
                _ => None,
            },
        };
        if links && self.links_stale(&key, state.network().n_links(), now_ms) {
            self.draw_links(state, view, width, height, highlight);
            self.links_key = Some(key);
            self.links_drawn_at = now_ms;
        }
        ctx.set_fill_style_str("#FFFFFF");
        ctx.fill_rect(0.0, 0.0, width as f64, height as f64);
        draw_ring_guides(&ctx, state, view);
        if links {
            let _ = ctx.draw_image_with_html_canvas_element(&self.links, 0.0, 0.0);
        }
        if state.network().n_peers() > RASTER_PEERS {
            self.draw_pixels(&ctx, state, view, highlight, (width, height));
        } else {
            draw_flights(&ctx, state, view);
            draw_peers(&ctx, state, view, highlight);
        }
    }

    /// Peers and messages of a large network, painted as pixels and copied in one call.
    fn draw_pixels(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        state: &AppState,
        view: &Viewport,
        highlight: bool,
        (width, height): (u32, u32),
    ) {
        let radius = view.peer_radius(state.network().n_peers());
        raster::paint(
            &mut self.raster,
            state,
            (width, height),
            |p| view.to_screen(p),
            radius,
            highlight,
        );
        if self.peers.width() != width || self.peers.height() != height {
            self.peers.set_width(width);
            self.peers.set_height(height);
        }
        let Some(layer) = context(&self.peers) else {
            return;
        };
        let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(self.raster.pixels()),
            width,
            height,
        ) else {
            return;
        };
        let _ = layer.put_image_data(&image, 0.0, 0.0);
        let _ = ctx.draw_image_with_html_canvas_element(&self.peers, 0.0, 0.0);
    }

    /// Whether the link layer must be drawn again for `key`.
    ///
    /// Edits, resizes and highlights redraw at once. While the layout moves or
    /// the view pans, a large network's links redraw at most five times a
    /// second: the peers stay smooth and the lines catch up.
    fn links_stale(&self, key: &LinkLayerKey, n_links: usize, now_ms: f64) -> bool {
        let Some(old) = &self.links_key else {
            return true;
        };
        if old == key {
            return false;
        }
        let only_motion = LinkLayerKey {
            layout_ticks: key.layout_ticks,
            viewport: key.viewport,
            ..*old
        } == *key;
        let interval = if n_links > 4000 { 200.0 } else { 0.0 };
        !only_motion || now_ms - self.links_drawn_at >= interval
    }

    /// Draws the line along which links are about to be cut.
    pub fn draw_cut_line(&self, canvas: &HtmlCanvasElement, a: (f64, f64), b: (f64, f64)) {
        let Some(ctx) = context(canvas) else { return };
        ctx.set_stroke_style_str(palette::CENSOR);
        ctx.set_line_width(3.0);
        let _ = ctx.set_line_dash(&dash(&[8.0, 5.0]));
        ctx.begin_path();
        ctx.move_to(a.0, a.1);
        ctx.line_to(b.0, b.1);
        ctx.stroke();
        let _ = ctx.set_line_dash(&dash(&[]));
    }

    /// Draws the rectangle of a region being selected.
    pub fn draw_region(&self, canvas: &HtmlCanvasElement, a: (f64, f64), b: (f64, f64)) {
        let Some(ctx) = context(canvas) else { return };
        ctx.set_stroke_style_str(palette::SELECTED);
        ctx.set_line_width(1.5);
        let _ = ctx.set_line_dash(&dash(&[5.0, 4.0]));
        ctx.stroke_rect(
            a.0.min(b.0),
            a.1.min(b.1),
            (a.0 - b.0).abs(),
            (a.1 - b.1).abs(),
        );
        let _ = ctx.set_line_dash(&dash(&[]));
    }

    /// Draws the line of a link being dragged out from a peer.
    pub fn draw_rubber_band(&self, canvas: &HtmlCanvasElement, from: (f64, f64), to: (f64, f64)) {
        let Some(ctx) = context(canvas) else { return };
        ctx.set_stroke_style_str(palette::SELECTED);
        ctx.set_line_width(2.0);
        let _ = ctx.set_line_dash(&dash(&[5.0, 5.0]));
        ctx.begin_path();
        ctx.move_to(from.0, from.1);
        ctx.line_to(to.0, to.1);
        ctx.stroke();
        let _ = ctx.set_line_dash(&dash(&[]));
    }

    fn draw_links(
        &mut self,
        state: &AppState,
        view: &Viewport,
        width: u32,
        height: u32,
        highlight: bool,
    ) {
        if self.links.width() != width || self.links.height() != height {
            self.links.set_width(width);
            self.links.set_height(height);
        }
        let Some(ctx) = context(&self.links) else {
            return;
        };
        ctx.clear_rect(0.0, 0.0, width as f64, height as f64);
        let net = state.network();
        let layout = state.layout();
        let thin = net.n_links() > 5000;
        let thick = if view.projector { 2.0 } else { 1.0 };
        // Too many links to draw each frame they move: only the selected peers' links then.
        let selected = raster::selection_mask(state);
        let is_selected = |p: PeerId| selected.get(p.index()).copied().unwrap_or(false);
        let all = net.n_links() <= ALL_LINKS_MAX;
        let shown = |l: &&Link| all || is_selected(l.from) || is_selected(l.to);
        let on_screen = |link: &Link| match (layout.position(link.from), layout.position(link.to)) {
            (Some(a), Some(b)) => Some((view.to_screen(a), view.to_screen(b))),
            _ => None,
        };
        let as_density = all && net.n_links() > DENSITY_LINKS;
        if as_density {
            // Every link, block-relay-only ones too, as one picture of how many pass each pixel.
            let alpha = if view.projector {
                PROJECTOR_LINK_ALPHA
            } else {
                ONE_LINK_ALPHA
            };
            let segments = net.links().filter_map(&on_screen);
            self.density.paint(
                (width, height),
                segments,
                raster::rgba(palette::LINK),
                alpha,
            );
            if let Ok(image) = ImageData::new_with_u8_clamped_array_and_sh(
                Clamped(self.density.pixels()),
                width,
                height,
            ) {
                let _ = ctx.put_image_data(&image, 0.0, 0.0);
            }
        } else {
            ctx.set_line_width(thick * if thin { 0.5 } else { 1.5 });
            ctx.set_stroke_style_str(palette::LINK);
            ctx.begin_path();
            for (a, b) in net.links().filter(shown).filter_map(on_screen) {
                ctx.move_to(a.0, a.1);
                ctx.line_to(b.0, b.1);
            }
            ctx.stroke();
        }
        // Block-relay-only links dashed (unless in the density), then bridges, then the selected
        // link on top: one path for each, as thousands of them may be block-relay-only (and
        // a kind that cannot be there is not looked for among a million links).
        let is_bridge = |l: &Link| state.bridges().binary_search(&l.id).is_ok();
        let is_chosen = |l: &Link| *state.selection() == Selection::Link(l.id);
        let groups: [(bool, LinkStyle); 3] = [
            (
                !as_density,
                (
                    &|l: &Link| l.kind == LinkKind::BlockRelayOnly && shown(&l),
                    "#8A94A0",
                    1.5,
                    &[6.0, 4.0],
                ),
            ),
            (
                highlight && !state.bridges().is_empty(),
                (&is_bridge, palette::CUT, 4.0, &[]),
            ),
            (
                matches!(state.selection(), Selection::Link(_)),
                (&is_chosen, palette::SELECTED, 4.0, &[]),
            ),
        ];
        let wanted_groups = groups.into_iter().filter(|(any, _)| *any);
        for (_, (wanted, colour, line_width, pattern)) in wanted_groups {
            let mut links = net
                .links()
                .filter(|l| wanted(l))
                .filter_map(on_screen)
                .peekable();
            if links.peek().is_none() {
                continue;
            }
            ctx.set_stroke_style_str(colour);
            ctx.set_line_width(line_width);
            let _ = ctx.set_line_dash(&dash(pattern));
            ctx.begin_path();
            for (a, b) in links {
                ctx.move_to(a.0, a.1);
                ctx.line_to(b.0, b.1);
            }
            ctx.stroke();
        }
        let _ = ctx.set_line_dash(&dash(&[]));
    }
}

/// Which links a stroke draws, and its colour, width and dash pattern.
type LinkStyle<'a> = (&'a dyn Fn(&Link) -> bool, &'a str, f64, &'a [f64]);

fn dash(pattern: &[f64]) -> wasm_bindgen::JsValue {
    let array = js_sys::Array::new();
    for &p in pattern {
        array.push(&p.into());
    }
    array.into()
}

/// A round dot, or for large counts a square one (much cheaper to fill).
fn dot(ctx: &CanvasRenderingContext2d, x: f64, y: f64, r: f64, square: bool) {
    if square {
        ctx.rect(x - r, y - r, 2.0 * r, 2.0 * r);
    } else {
        ctx.move_to(x + r, y);
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
    }
}

/// Faint circles, one per hop (or per hop's worth of time), around the rings' centre.
fn draw_ring_guides(ctx: &CanvasRenderingContext2d, state: &AppState, view: &Viewport) {
    let Some((centre, rings)) = state.ring_guides() else {
        return;
    };
    // Where the centre peer is drawn now (it glides there too).
    let Some(at) = state.layout().position(centre) else {
        return;
    };
    let (cx, cy) = view.to_screen(at);
    ctx.set_stroke_style_str("#E3E7EC");
    ctx.set_line_width(1.0);
    ctx.begin_path();
    for k in 1..=rings {
        let r = f64::from(k) * crate::view::rings::RING_GAP * view.scale;
        ctx.move_to(cx + r, cy);
        let _ = ctx.arc(cx, cy, r, 0.0, std::f64::consts::TAU);
    }
    ctx.stroke();
}

/// A small diamond (a square on its corner), the shape of a request in flight.
fn diamond(ctx: &CanvasRenderingContext2d, x: f64, y: f64, r: f64) {
    ctx.move_to(x, y - r);
    ctx.line_to(x + r, y);
    ctx.line_to(x, y + r);
    ctx.line_to(x - r, y);
    ctx.close_path();
}

fn draw_flights(ctx: &CanvasRenderingContext2d, state: &AppState, view: &Viewport) {
    let layout = state.layout();
    let clock = state.clock();
    let n = state.network().n_peers();
    let radius = (view.peer_radius(n) * 0.45).max(2.0);
    let many = state.flights().len() > 400;
    ctx.set_fill_style_str(palette::MESSAGE);
    ctx.set_stroke_style_str(palette::MESSAGE);
    ctx.set_line_width(1.5);
    for kind in [MessageKind::Tx, MessageKind::Inv, MessageKind::GetData] {
        ctx.begin_path();
        for flight in state.flights().iter().filter(|f| f.kind == kind) {
            let (Some(a), Some(b)) = (layout.position(flight.from), layout.position(flight.to))
            else {
                continue;
            };
            let (x, y) = view.to_screen(flight.position(clock, a, b));
            // Each kind keeps its shape at any count, as the legend shows it.
            // (Transactions become squares when there are many: cheaper, and still filled.)
            match kind {
                MessageKind::GetData => diamond(ctx, x, y, radius * 0.8),
                MessageKind::Inv => dot(ctx, x, y, radius, false),
                MessageKind::Tx => dot(ctx, x, y, radius, many),
            }
        }
        if kind == MessageKind::Inv {
            ctx.stroke();
        } else {
            ctx.fill();
        }
    }
}

/// Which peers get a ring of some colour.
type PeerFilter<'a> = Box<dyn Fn(PeerId) -> bool + 'a>;

fn draw_peers(ctx: &CanvasRenderingContext2d, state: &AppState, view: &Viewport, highlight: bool) {
    let net = state.network();
    let layout = state.layout();
    let r = view.peer_radius(net.n_peers());
    let tx = state.current_tx();
    let sim = state.simulation();
    let clock = state.clock();
    let has = |peer: PeerId| tx.and_then(|tx| sim.first_arrival(tx, peer)).is_some();
    let source = tx.and_then(|tx| sim.origin(tx));
    // Only networks of up to RASTER_PEERS come here: larger ones are painted as pixels.
    let circle = |x: f64, y: f64, radius: f64| dot(ctx, x, y, radius, false);
    let screen = |peer: PeerId| layout.position(peer).map(|p| view.to_screen(p));

    // Rings first: censoring, cut vertices, selection, the source.
    let selected = state.selected_peers();
    let rings: [(&str, f64, PeerFilter); 4] = [
        (palette::SOURCE, r + 7.0, Box::new(|p| Some(p) == source)),
        (
            palette::SELECTED,
            r + 5.0,
            Box::new(|p| selected.contains(&p)),
        ),
        (
            palette::CUT,
            r + 3.5,
            Box::new(|p| highlight && state.cut_vertices().binary_search(&p).is_ok()),
        ),
        (
            palette::CENSOR,
            r + 2.5,
            Box::new(|p| net.peer(p).is_some_and(|p| p.state == PeerState::Censoring)),
        ),
    ];
    for (colour, radius, wanted) in rings.iter() {
        ctx.set_fill_style_str(colour);
        ctx.begin_path();
        for peer in net.peer_ids().filter(|&p| wanted(p)) {
            if let Some((x, y)) = screen(peer) {
                circle(x, y, *radius);
            }
        }
        ctx.fill();
    }
    // Bodies: filled in the role's colour once informed, white with a role border before.
    for role in Role::ALL {
        let colour = role_colour(role);
        let peers: Vec<_> = net
            .peers()
            .filter(|p| p.role == role && p.state != PeerState::Offline)
            .collect();
        ctx.set_fill_style_str(colour);
        ctx.begin_path();
        for peer in &peers {
            if let Some((x, y)) = screen(peer.id) {
                circle(x, y, r);
            }
        }
        ctx.fill();
        ctx.set_fill_style_str("#FFFFFF");
        ctx.begin_path();
        let inner = (r - (r * 0.3).clamp(1.0, 3.0)).max(0.5);
        for peer in peers.iter().filter(|p| !has(p.id)) {
            if let Some((x, y)) = screen(peer.id) {
                circle(x, y, inner);
            }
        }
        ctx.fill();
    }
    ctx.set_fill_style_str(palette::OFFLINE);
    ctx.begin_path();
    for peer in net.peers().filter(|p| p.state == PeerState::Offline) {
        if let Some((x, y)) = screen(peer.id) {
            circle(x, y, r);
        }
    }
    ctx.fill();
    // Redundant deliveries flash as a ring.
    ctx.set_stroke_style_str(palette::FLASH);
    ctx.set_line_width(2.0);
    ctx.begin_path();
    for flash in state.flashes() {
        if let Some((x, y)) = screen(flash.peer) {
            let age = (clock - flash.at).0 as f64;
            // Grows a little over a tenth of a second of virtual time.
            let grow = 1.0 + (age / 1e5).min(0.5);
            circle(x, y, r * 1.3 * grow);
        }
    }
    ctx.stroke();
    // Labels: hop numbers on informed peers, ids on the rest, when there is room.
    if r >= 9.0 {
        ctx.set_font(&format!(
            "bold {}px system-ui, sans-serif",
            (r * 0.95).round()
        ));
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        for peer in net.peers() {
            let Some((x, y)) = screen(peer.id) else {
                continue;
            };
            if let Some(hops) = tx.and_then(|tx| sim.hops(tx, peer.id)) {
                ctx.set_fill_style_str("#FFFFFF");
                let _ = ctx.fill_text(&hops.to_string(), x, y + 0.5);
            }
        }
        // Peer names under the circles.
        ctx.set_font(&format!(
            "{}px system-ui, sans-serif",
            (r * 0.8).round().max(10.0)
        ));
        ctx.set_fill_style_str("#444444");
        ctx.set_text_baseline("top");
        for peer in net.peers() {
            if let Some((x, y)) = screen(peer.id) {
                let _ = ctx.fill_text(&peer.id.to_string(), x, y + r + 4.0);
            }
        }
    }
}
