//! Large networks as pixels: peers and messages in flight painted as small squares into an RGBA buffer that the canvas copies in one call.
//!
//! Above [`RASTER_PEERS`] peers a canvas path per peer costs more than the
//! frame has: 110,000 peers are 110,000 calls from wasm into the browser and a
//! fill of as many shapes, and even 1,000 peers' arcs, filled in software, cost
//! the frame rate its 60 fps. Painting the same squares into a buffer here costs a
//! few milliseconds, and the page copies it with one `putImageData`. The
//! picture is the one the canvas draws for small networks: informed peers in
//! their role's colour, the rest white in a ring of it (or pale, where a peer
//! is too small for a ring), offline grey, with the source, selection, single points of failure and
//! censoring as larger squares behind, and messages in flight as small black
//! dots beneath the peers (shading, when there are thousands). When peers are
//! too small to tell apart (10,000 and more in view), each pixel shows the
//! share of its peers the transaction has reached, from pale to blue: at
//! Bitcoin's size a ring holds tens of thousands of peers, and drawing them
//! one over another would colour the whole ring as soon as a few had it.

use crate::sim::network::{PeerId, PeerState};
use crate::view::palette;
use crate::view::state::AppState;

/// Networks larger than this are painted as pixels.
pub const RASTER_PEERS: usize = 300;

/// Networks with more links than this draw only the selected peers' links: a
/// million lines (Bitcoin's size) take the canvas seconds.
pub const ALL_LINKS_MAX: usize = 100_000;

/// An RGBA colour, one byte per channel.
pub type Rgba = [u8; 4];

/// Uninformed peers in large networks: pale, so the informed ones stand out.
pub const PALE: &str = "#D5DBE3";

/// A `#RRGGBB` colour as opaque RGBA; anything else is black.
pub fn rgba(hex: &str) -> Rgba {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    if hex.len() == 7 && hex.starts_with('#') {
        [channel(1), channel(3), channel(5), 255]
    } else {
        [0, 0, 0, 255]
    }
}

/// A width x height picture, row by row, four bytes a pixel, transparent where nothing is painted.
#[derive(Clone, Debug, Default)]
pub struct Raster {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    /// Per pixel, for [`paint_shares`]: live peers, of which reached, and offline peers (kept
    /// between frames, like the pixels, rather than allocated for each).
    shares: Vec<[u32; 3]>,
}

impl Raster {
    /// An empty picture; [`Raster::clear`] sizes it.
    pub fn new() -> Raster {
        Raster::default()
    }

    /// Sizes the picture to `width` x `height` (keeping its memory) and makes it transparent.
    pub fn clear(&mut self, width: u32, height: u32) {
        self.width = width;
        self.height = height;
        let len = width as usize * height as usize * 4;
        self.pixels.clear();
        self.pixels.resize(len, 0);
    }

    /// The picture's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The pixels, row by row, RGBA.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The index (row by row) of the pixel under the point (x, y), if inside the picture.
    fn pixel_under(&self, x: f64, y: f64) -> Option<usize> {
        let inside =
            x >= 0.0 && y >= 0.0 && x < f64::from(self.width) && y < f64::from(self.height);
        inside.then(|| y as usize * self.width as usize + x as usize)
    }

    /// The colour at pixel (x, y), if inside.
    pub fn at(&self, x: u32, y: u32) -> Option<Rgba> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 4;
        let p = &self.pixels[i..i + 4];
        Some([p[0], p[1], p[2], p[3]])
    }

    /// Paints the square of pixels whose centres lie within `half` of (x, y) on both axes
    /// (at least the pixel under the point), clipped to the picture.
    pub fn square(&mut self, x: f64, y: f64, half: f64, colour: Rgba) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        let half = half.max(0.5);
        // Pixel columns x0..x1 and rows y0..y1 (half-open), at least one each, before clipping.
        let x0 = (x - half).round();
        let y0 = (y - half).round();
        let x1 = (x + half).round().max(x0 + 1.0);
        let y1 = (y + half).round().max(y0 + 1.0);
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        if x1 <= 0.0 || y1 <= 0.0 || x0 >= w || y0 >= h {
            return;
        }
        let (x0, x1) = (x0.max(0.0) as usize, x1.min(w) as usize);
        let (y0, y1) = (y0.max(0.0) as usize, y1.min(h) as usize);
        let row = self.width as usize * 4;
        for py in y0..y1 {
            let start = py * row + x0 * 4;
            let end = py * row + x1 * 4;
            for pixel in self.pixels[start..end].chunks_exact_mut(4) {
                pixel.copy_from_slice(&colour);
            }
        }
    }
}

impl Raster {
    /// Darkens the pixel under (x, y) by `amount` of 255: a painted pixel is left as it is, a
    /// transparent one becomes black that much more opaque (up to fully).
    pub fn shade(&mut self, x: f64, y: f64, amount: u8) {
        let Some(i) = self.pixel_under(x, y) else {
            return;
        };
        let pixel = &mut self.pixels[i * 4..i * 4 + 4];
        if pixel[..3] == [0, 0, 0] {
            pixel[3] = pixel[3].saturating_add(amount);
        }
    }

    /// Paints a disc of radius `r` around (x, y): the pixels whose centres lie within it
    /// (at least the pixel under the point), clipped to the picture. Small discs are squares.
    pub fn disc(&mut self, x: f64, y: f64, r: f64, colour: Rgba) {
        if r < DISC_RADIUS {
            return self.square(x, y, r, colour);
        }
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let y0 = (y - r).floor().max(0.0);
        let y1 = (y + r).ceil().min(h);
        let mut py = y0;
        while py < y1 {
            // The row's pixel centres at py + 0.5: those within r of (x, y) on this row.
            let dy = py + 0.5 - y;
            let reach = r * r - dy * dy;
            if reach >= 0.0 {
                let half = reach.sqrt();
                let x0 = (x - half - 0.5).ceil().max(0.0);
                let x1 = (x + half - 0.5).floor().min(w - 1.0);
                if x0 <= x1 {
                    let row = py as usize * self.width as usize * 4;
                    let (a, b) = (row + x0 as usize * 4, row + (x1 as usize + 1) * 4);
                    for pixel in self.pixels[a..b].chunks_exact_mut(4) {
                        pixel.copy_from_slice(&colour);
                    }
                }
            }
            py += 1.0;
        }
    }
}

/// From this radius in pixels a peer that has not heard yet is a white disc in a ring of its
/// role's colour; below it, too small for a ring to show, a pale dot.
const RING_RADIUS: f64 = 4.0;

/// The most messages in flight drawn as dots; more (tens of thousands cross a large network
/// at once) would hide the peers, so they shade the pixels they are on instead.
pub const FLIGHT_DOTS_MAX: usize = 2000;

/// How much darker one message in flight makes its pixel, out of 255.
const FLIGHT_SHADE: u8 = 40;

/// Below this radius in pixels a peer is painted as a square (a disc that small is one anyway).
const DISC_RADIUS: f64 = 2.5;

/// Per peer slot, whether the peer is selected: a region may select thousands, and a
/// frame asks about every peer (and, for links, every link).
pub fn selection_mask(state: &AppState) -> Vec<bool> {
    let mut mask = vec![false; state.network().peer_slots()];
    for peer in state.selected_peers() {
        if let Some(slot) = mask.get_mut(peer.index()) {
            *slot = true;
        }
    }
    mask
}

/// Paints the peers and messages of `state` into `raster` (sized `width` x `height`):
/// `screen` turns a layout position into pixels, `radius` is a peer's half-size there.
pub fn paint(
    raster: &mut Raster,
    state: &AppState,
    (width, height): (u32, u32),
    screen: impl Fn((f64, f64)) -> (f64, f64),
    radius: f64,
    highlight: bool,
) {
    raster.clear(width, height);
    let net = state.network();
    let layout = state.layout();
    let at = |peer: PeerId| layout.position(peer).map(&screen);
    let tx = state.current_tx();
    let sim = state.simulation();
    let source = tx.and_then(|tx| sim.origin(tx));
    let selected = selection_mask(state);
    let cut = state.cut_vertices();
    // Behind the bodies, larger squares: censoring, single points of failure, selection, source.
    let censor = rgba(palette::CENSOR);
    let cut_colour = rgba(palette::CUT);
    let selected_colour = rgba(palette::SELECTED);
    for peer in net.peers() {
        let wanted = if Some(peer.id) == source {
            Some((rgba(palette::SOURCE), radius + 4.0))
        } else if selected[peer.id.index()] {
            Some((selected_colour, radius + 3.0))
        } else if highlight && cut.binary_search(&peer.id).is_ok() {
            Some((cut_colour, radius + 2.0))
        } else if peer.state == PeerState::Censoring {
            Some((censor, radius + 1.5))
        } else {
            None
        };
        if let (Some((colour, half)), Some((x, y))) = (wanted, at(peer.id)) {
            raster.disc(x, y, half, colour);
        }
    }
    // Messages in flight, small and under the peers: thousands cross a large network at once,
    // and the wave is the peers changing colour.
    // Beyond FLIGHT_DOTS_MAX they shade their pixels instead, darker where more of them pass.
    let black = rgba(palette::MESSAGE);
    let dot = (radius * 0.35).max(0.5);
    let clock = state.clock();
    let shade = state.flights().len() > FLIGHT_DOTS_MAX;
    for flight in state.flights() {
        let (Some(a), Some(b)) = (layout.position(flight.from), layout.position(flight.to)) else {
            continue;
        };
        let (x, y) = screen(flight.position(clock, a, b));
        if shade {
            raster.shade(x, y, FLIGHT_SHADE);
        } else {
            raster.disc(x, y, dot, black);
        }
    }
    let pale = rgba(PALE);
    let white = [255, 255, 255, 255];
    let offline = rgba(palette::OFFLINE);
    let roles = crate::sim::network::Role::ALL.map(|role| (role, rgba(palette::role_colour(role))));
    if radius < DISC_RADIUS {
        // Too small to tell apart (10,000 peers and up): where several peers share a pixel,
        // it shows the share of them the transaction has reached, pale to the full colour.
        return paint_shares(raster, state, &at, radius);
    }
    // Uninformed first, so informed peers (the wave) are drawn over them where they overlap.
    for informed in [false, true] {
        for peer in net.peers() {
            let has = tx.and_then(|tx| sim.first_arrival(tx, peer.id)).is_some();
            if has != informed {
                continue;
            }
            let role = roles
                .iter()
                .find(|(role, _)| *role == peer.role)
                .map_or(pale, |(_, c)| *c);
            let Some((x, y)) = at(peer.id) else {
                continue;
            };
            if peer.state == PeerState::Offline {
                raster.disc(x, y, radius, offline);
            } else if has {
                raster.disc(x, y, radius, role);
            } else if radius >= RING_RADIUS {
                // Not heard yet: white inside a ring of the role's colour, as small networks show it.
                raster.disc(x, y, radius, role);
                raster.disc(x, y, radius - (radius * 0.3).clamp(1.0, 3.0), white);
            } else {
                raster.disc(x, y, radius, pale);
            }
        }
    }
}

/// Peers as the share of each pixel's peers that have the transaction, painted as squares of
/// half-size `radius`: pale where none have it, the full peers' colour where all do, offline
/// grey where every peer is offline.
fn paint_shares(
    raster: &mut Raster,
    state: &AppState,
    at: &impl Fn(PeerId) -> Option<(f64, f64)>,
    radius: f64,
) {
    let (width, height) = raster.size();
    // Per pixel: live peers, of which reached, and offline peers.
    let mut counts = std::mem::take(&mut raster.shares);
    counts.clear();
    counts.resize(width as usize * height as usize, [0; 3]);
    let tx = state.current_tx();
    let sim = state.simulation();
    for peer in state.network().peers() {
        let Some(i) = at(peer.id).and_then(|(x, y)| raster.pixel_under(x, y)) else {
            continue;
        };
        let cell = &mut counts[i];
        if peer.state == PeerState::Offline {
            cell[2] += 1;
        } else {
            cell[0] += 1;
            if tx.and_then(|tx| sim.first_arrival(tx, peer.id)).is_some() {
                cell[1] += 1;
            }
        }
    }
    let (pale, full, offline) = (rgba(PALE), rgba(palette::FULL), rgba(palette::OFFLINE));
    for (i, &[live, reached, off]) in counts.iter().enumerate() {
        if live + off == 0 {
            continue;
        }
        let colour = if live == 0 {
            offline
        } else {
            share_colour(pale, full, f64::from(reached) / f64::from(live))
        };
        let (x, y) = ((i % width as usize) as f64, (i / width as usize) as f64);
        raster.square(x + 0.5, y + 0.5, radius, colour);
    }
    raster.shares = counts;
}

/// The colour `share` of the way from `from` to `to` (0 gives `from`, 1 gives `to`).
pub fn share_colour(from: Rgba, to: Rgba, share: f64) -> Rgba {
    let share = share.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8;
    [
        mix(from[0], to[0]),
        mix(from[1], to[1]),
        mix(from[2], to[2]),
        255,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_from_hex() {
        assert_eq!(rgba("#0072B2"), [0x00, 0x72, 0xB2, 255]);
        assert_eq!(rgba("#FFFFFF"), [255, 255, 255, 255]);
        assert_eq!(rgba("red"), [0, 0, 0, 255]);
        assert_eq!(rgba("#12345"), [0, 0, 0, 255]);
    }

    #[test]
    fn a_square_covers_exactly_the_pixels_within_its_half_size() {
        let mut r = Raster::new();
        r.clear(10, 8);
        let red = [255, 0, 0, 255];
        r.square(4.5, 3.5, 1.0, red);
        // Pixel centres within 1 of (4.5, 3.5): x and y in 3.5..=5.5 and 2.5..=4.5, i.e.
        // columns 4 (centre 4.5) and, with round(), columns 4..5 and rows 3..4 (half-open).
        let painted: Vec<(u32, u32)> = (0..8)
            .flat_map(|y| (0..10).map(move |x| (x, y)))
            .filter(|&(x, y)| r.at(x, y) == Some(red))
            .collect();
        assert_eq!(painted, vec![(4, 3), (5, 3), (4, 4), (5, 4)]);
        // Everything else is still transparent.
        assert_eq!(r.at(0, 0), Some([0, 0, 0, 0]));
        assert_eq!(r.pixels().len(), 10 * 8 * 4);
    }

    #[test]
    fn a_disc_covers_exactly_the_pixels_whose_centres_lie_within_it() {
        let mut r = Raster::new();
        r.clear(40, 30);
        let c = [9, 9, 9, 255];
        let (cx, cy, radius) = (17.3, 12.8, 6.2);
        r.disc(cx, cy, radius, c);
        for y in 0..30 {
            for x in 0..40 {
                let (px, py) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
                let inside = (px - cx).powi(2) + (py - cy).powi(2) <= radius * radius;
                assert_eq!(r.at(x, y) == Some(c), inside, "pixel ({x}, {y})");
            }
        }
        // Clipped at the edges: a disc on the corner paints only what is inside.
        let mut r = Raster::new();
        r.clear(5, 5);
        r.disc(0.0, 0.0, 3.0, c);
        assert_eq!(r.at(0, 0), Some(c));
        assert_eq!(r.at(4, 4), Some([0, 0, 0, 0]));
    }

    #[test]
    fn a_peer_not_reached_yet_is_white_in_a_ring_of_its_roles_colour() {
        let state = AppState::with_preset("bitcoin-1000", 1).unwrap();
        let peer = PeerId(7);
        let role = rgba(palette::role_colour(
            state.network().peer(peer).unwrap().role,
        ));
        let at = state.layout().position(peer).unwrap();
        // Peer 7 at the picture's centre, the rest far outside it.
        let screen = |p: (f64, f64)| {
            if p == at {
                (50.0, 50.0)
            } else {
                (-1000.0, -1000.0)
            }
        };
        let mut raster = Raster::new();
        paint(&mut raster, &state, (100, 100), screen, 10.0, false);
        // Ring width: 30 % of the radius, 3 px; so white within 7 px, the role's colour to 10.
        assert_eq!(raster.at(50, 50), Some([255, 255, 255, 255]));
        assert_eq!(raster.at(55, 50), Some([255, 255, 255, 255]));
        assert_eq!(raster.at(58, 50), Some(role));
        assert_eq!(raster.at(50, 41), Some(role));
        assert_eq!(raster.at(61, 50), Some([0, 0, 0, 0]));
    }

    #[test]
    fn the_selection_mask_marks_exactly_the_selected_peers() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        let chosen = [PeerId(3), PeerId(17), PeerId(29)];
        state.dispatch(crate::view::state::Command::SelectPeers(chosen.to_vec()));
        let mask = selection_mask(&state);
        assert_eq!(mask.len(), state.network().peer_slots());
        for (i, &on) in mask.iter().enumerate() {
            assert_eq!(on, chosen.contains(&PeerId(i as u32)), "slot {i}");
        }
    }

    #[test]
    fn shading_darkens_a_pixel_by_each_message_on_it() {
        let mut r = Raster::new();
        r.clear(4, 4);
        r.shade(1.2, 2.7, 40);
        assert_eq!(r.at(1, 2), Some([0, 0, 0, 40]));
        r.shade(1.9, 2.1, 40);
        assert_eq!(r.at(1, 2), Some([0, 0, 0, 80]));
        for _ in 0..10 {
            r.shade(1.5, 2.5, 40);
        }
        assert_eq!(r.at(1, 2), Some([0, 0, 0, 255]));
        // Outside, or not a number: nothing.
        r.shade(-0.5, 1.0, 40);
        r.shade(4.0, 1.0, 40);
        r.shade(f64::NAN, 1.0, 40);
        assert_eq!(r.pixels().iter().filter(|&&b| b != 0).count(), 1);
        // A painted pixel keeps its colour.
        r.square(3.5, 3.5, 0.5, [1, 2, 3, 255]);
        r.shade(3.5, 3.5, 40);
        assert_eq!(r.at(3, 3), Some([1, 2, 3, 255]));
    }

    #[test]
    fn tiny_peers_sharing_a_pixel_show_the_share_reached() {
        let mut state = AppState::with_preset("bitcoin-30", 1).unwrap();
        state.dispatch(crate::view::state::Command::Broadcast);
        state.dispatch(crate::view::state::Command::Finish);
        let tx = state.current_tx().unwrap();
        let reached = |p: PeerId| state.simulation().first_arrival(tx, p).is_some();
        // Every peer on one pixel: all 30 have it after the run, so the pixel is full blue.
        let mut raster = Raster::new();
        paint(&mut raster, &state, (4, 4), |_| (1.5, 1.5), 0.5, false);
        assert!(state.network().peer_ids().all(reached));
        assert_eq!(raster.at(1, 1), Some(rgba(palette::FULL)));
        // Before any run, none has it: pale.
        let fresh = AppState::with_preset("bitcoin-30", 1).unwrap();
        paint(&mut raster, &fresh, (4, 4), |_| (1.5, 1.5), 0.5, false);
        assert_eq!(raster.at(1, 1), Some(rgba(PALE)));
        // Halfway: the colour halfway between, channel by channel.
        let half = share_colour([0, 100, 200, 255], [100, 0, 201, 255], 0.5);
        assert_eq!(half, [50, 50, 201, 255]);
        assert_eq!(
            share_colour([0, 0, 0, 255], [9, 9, 9, 255], 2.0),
            [9, 9, 9, 255]
        );
    }

    #[test]
    fn squares_are_clipped_and_bad_points_ignored() {
        let mut r = Raster::new();
        r.clear(4, 4);
        let c = [1, 2, 3, 255];
        r.square(-10.0, -10.0, 3.0, c);
        r.square(f64::NAN, 1.0, 3.0, c);
        r.square(100.0, 1.0, 3.0, c);
        assert!(r.pixels().iter().all(|&b| b == 0));
        r.square(0.0, 0.0, 1.0, c);
        assert_eq!(r.at(0, 0), Some(c));
        assert_eq!(r.at(4, 0), None);
        // A point at the far corner paints the corner pixel, and nothing outside.
        r.square(3.9, 3.9, 0.1, c);
        assert_eq!(r.at(3, 3), Some(c));
    }

    #[test]
    fn the_spread_is_painted_informed_in_the_role_colour_the_rest_pale() {
        let mut state = AppState::with_preset("bitcoin-1000", 1).unwrap();
        state.dispatch(crate::view::state::Command::Broadcast);
        state.dispatch(crate::view::state::Command::Finish);
        while state.is_busy() {
            state.dispatch(crate::view::state::Command::Tick { ms: 16.0 });
        }
        let tx = state.current_tx().unwrap();
        // A screen map that gives each peer its own place: peer i at (8i + 4, 8).
        let net = state.network();
        let column: std::collections::BTreeMap<(u64, u64), u32> = net
            .peer_ids()
            .map(|p| {
                let (x, y) = state.layout().position(p).unwrap();
                ((x.to_bits(), y.to_bits()), p.0)
            })
            .collect();
        assert_eq!(
            column.len(),
            net.n_peers(),
            "every peer has its own position"
        );
        let screen = |(x, y): (f64, f64)| {
            let i = column[&(x.to_bits(), y.to_bits())];
            (f64::from(8 * i + 4), 8.0)
        };
        let mut raster = Raster::new();
        let width = 8 * net.n_peers() as u32 + 8;
        // Discs of radius 3, 8 px apart: each peer has its own.
        paint(&mut raster, &state, (width, 17), screen, 3.0, false);
        let source = state.simulation().origin(tx).unwrap();
        for peer in net.peers() {
            let got = raster.at(8 * peer.id.0 + 4, 8).unwrap();
            let informed = state.simulation().first_arrival(tx, peer.id).is_some();
            let expected = if informed {
                rgba(palette::role_colour(peer.role))
            } else {
                rgba(PALE)
            };
            assert_eq!(got, expected, "{}", peer.id);
            // The source's larger square shows beside it.
            if peer.id == source {
                assert_eq!(raster.at(8 * peer.id.0 + 4, 3), Some(rgba(palette::SOURCE)));
            }
        }
    }
}
