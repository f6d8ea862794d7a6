//! Large networks as pixels: peers and messages in flight painted as small squares into an RGBA buffer that the canvas copies in one call.
//!
//! Above [`RASTER_PEERS`] peers a canvas path per peer costs more than the
//! frame has: 110,000 peers are 110,000 calls from wasm into the browser and a
//! fill of as many shapes. Painting the same squares into a buffer here costs a
//! few milliseconds, and the page copies it with one `putImageData`. The
//! picture is the one the canvas would draw at that size (where circles are
//! already drawn as squares): informed peers in their role's colour, the rest
//! pale, offline grey, with the source, selection, single points of failure and
//! censoring as larger squares behind, and messages in flight as black dots.

use crate::sim::network::{PeerId, PeerState};
use crate::sim::time::Time;
use crate::view::palette;
use crate::view::state::{AppState, Flight};

/// Networks larger than this are painted as pixels.
pub const RASTER_PEERS: usize = 2000;

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

/// Where a message in flight is at `clock`: the share of its trip done, along the
/// straight line from its sender to its receiver.
pub fn flight_position(
    flight: &Flight,
    from: (f64, f64),
    to: (f64, f64),
    clock: Time,
) -> (f64, f64) {
    let span = (flight.arrives - flight.sent).0.max(1) as f64;
    let done = ((clock - flight.sent).0 as f64 / span).clamp(0.0, 1.0);
    (
        from.0 + (to.0 - from.0) * done,
        from.1 + (to.1 - from.1) * done,
    )
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
    let selected = state.selected_peers();
    let cut = state.cut_vertices();
    // Behind the bodies, larger squares: censoring, single points of failure, selection, source.
    let censor = rgba(palette::CENSOR);
    let cut_colour = rgba(palette::CUT);
    let selected_colour = rgba(palette::SELECTED);
    for peer in net.peers() {
        let wanted = if Some(peer.id) == source {
            Some((rgba(palette::SOURCE), radius + 4.0))
        } else if selected.contains(&peer.id) {
            Some((selected_colour, radius + 3.0))
        } else if highlight && cut.binary_search(&peer.id).is_ok() {
            Some((cut_colour, radius + 2.0))
        } else if peer.state == PeerState::Censoring {
            Some((censor, radius + 1.5))
        } else {
            None
        };
        if let (Some((colour, half)), Some((x, y))) = (wanted, at(peer.id)) {
            raster.square(x, y, half, colour);
        }
    }
    let pale = rgba(PALE);
    let offline = rgba(palette::OFFLINE);
    let roles = crate::sim::network::Role::ALL.map(|role| (role, rgba(palette::role_colour(role))));
    // Uninformed first, so informed peers (the wave) are drawn over them where they overlap.
    for informed in [false, true] {
        for peer in net.peers() {
            let has = tx.and_then(|tx| sim.first_arrival(tx, peer.id)).is_some();
            if has != informed {
                continue;
            }
            let colour = if peer.state == PeerState::Offline {
                offline
            } else if has {
                roles
                    .iter()
                    .find(|(role, _)| *role == peer.role)
                    .map_or(pale, |(_, c)| *c)
            } else {
                pale
            };
            if let Some((x, y)) = at(peer.id) {
                raster.square(x, y, radius, colour);
            }
        }
    }
    let black = rgba(palette::MESSAGE);
    let dot = (radius * 0.6).max(1.0);
    let clock = state.clock();
    for flight in state.flights() {
        let (Some(a), Some(b)) = (layout.position(flight.from), layout.position(flight.to)) else {
            continue;
        };
        let (x, y) = screen(flight_position(flight, a, b, clock));
        raster.square(x, y, dot, black);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::trace::MessageKind;

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
    fn a_flight_is_where_its_share_of_the_trip_says() {
        let flight = Flight {
            from: PeerId(0),
            to: PeerId(1),
            sent: Time(1000),
            arrives: Time(5000),
            kind: MessageKind::Tx,
        };
        let (a, b) = ((0.0, 0.0), (100.0, -40.0));
        assert_eq!(flight_position(&flight, a, b, Time(1000)), a);
        assert_eq!(flight_position(&flight, a, b, Time(2000)), (25.0, -10.0));
        assert_eq!(flight_position(&flight, a, b, Time(5000)), b);
        assert_eq!(flight_position(&flight, a, b, Time(9000)), b);
        assert_eq!(flight_position(&flight, a, b, Time(0)), a);
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
        // A screen map that gives each peer its own pixel column: peer i at (2i + 1, 1).
        let net = state.network();
        let column: std::collections::BTreeMap<(u64, u64), u32> = net
            .peer_ids()
            .map(|p| {
                let (x, y) = state.layout().position(p).unwrap();
                ((x.to_bits(), y.to_bits()), p.0)
            })
            .collect();
        assert_eq!(column.len(), net.n_peers(), "every peer has its own position");
        let screen = |(x, y): (f64, f64)| {
            let i = column[&(x.to_bits(), y.to_bits())];
            (f64::from(2 * i + 1), 1.5)
        };
        let mut raster = Raster::new();
        let width = 2 * net.n_peers() as u32 + 2;
        paint(&mut raster, &state, (width, 3), screen, 0.5, false);
        let source = state.simulation().origin(tx).unwrap();
        for peer in net.peers() {
            let got = raster.at(2 * peer.id.0 + 1, 1).unwrap();
            let informed = state.simulation().first_arrival(tx, peer.id).is_some();
            let expected = if informed {
                rgba(palette::role_colour(peer.role))
            } else {
                rgba(PALE)
            };
            assert_eq!(got, expected, "{}", peer.id);
            // The source's larger square shows beside it.
            if peer.id == source {
                assert_eq!(raster.at(2 * peer.id.0, 1), Some(rgba(palette::SOURCE)));
            }
        }
    }
}
