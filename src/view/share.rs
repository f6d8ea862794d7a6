//! Share links and saved scenarios: a scenario in a URL fragment, and the limits that keep imports sane.
//!
//! A link holds the whole scenario (network, inputs, seed, relay policy) as
//! JSON, deflated and base64url-encoded after `#s=`. The browser saves (the
//! autosave and the network a link replaced) keep the JSON as it is, so saving
//! after an edit needs no compressor; saves of earlier versions are deflated
//! like a link. Reading either checks every step and says which failed; a bad
//! text yields an error and nothing else.
//!
//! Deflating and inflating are the platform's: the browser's own
//! `CompressionStream` and `DecompressionStream` in the app (so the page ships
//! no compressor), miniz natively ([`encode`], [`decode`]). Around them, the
//! steps here are the same for both.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::sim::scenario::Scenario;

/// What precedes the encoded scenario in a URL fragment.
pub const PREFIX: &str = "s=";

/// The most peers an import may hold: as many as the app draws and keeps responsive
/// (measured: a 110,000-peer Bitcoin-like network froze the tab for seconds at a time).
pub const MAX_IMPORT_PEERS: usize = crate::view::state::MAX_APP_PEERS as usize;

/// One past the highest peer id an import may use (per-peer state is sized by it).
pub const MAX_IMPORT_PEER_ID: u64 = 2 * MAX_IMPORT_PEERS as u64;

/// The most links an import may hold: ten per peer, as many as Bitcoin Core opens.
pub const MAX_IMPORT_LINKS: u64 = 10 * MAX_IMPORT_PEERS as u64;

/// The most transactions an import may broadcast: the app traces every message of each.
pub const MAX_IMPORT_BROADCASTS: usize = 100;

/// Broadcasts times peer ids: each transaction keeps a record per peer, traced.
pub const MAX_IMPORT_TRANSACTION_CELLS: u64 = 2_000_000;

/// The longest scenario text accepted, in bytes (the largest network the app takes, spelled
/// out and pretty-printed, is about 20 MB). Inflating a link stops here too.
pub const MAX_SCENARIO_BYTES: usize = 32 * 1024 * 1024;

/// What a link's fragment or a browser save holds, before any inflating.
#[derive(Clone, Debug, PartialEq)]
pub enum Packed<'a> {
    /// Scenario JSON as it is: a save made by this version.
    Json(&'a str),
    /// Deflated scenario JSON: a share link, or a save of an earlier version.
    Deflated(Vec<u8>),
}

/// Reads the outside of `text`, a link's fragment (with or without `#`) or a browser save.
pub fn unpack(text: &str) -> Result<Packed<'_>, String> {
    let text = text.strip_prefix('#').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        return Ok(Packed::Json(text));
    }
    let data = text
        .strip_prefix(PREFIX)
        .ok_or("this link holds no gossipscope scenario (it should contain #s=...)")?;
    let deflated = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| {
            format!("the link is damaged: it is not valid base64 ({e}); was it cut short?")
        })?;
    Ok(Packed::Deflated(deflated))
}

/// Why inflating a link's data gave no text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateError {
    /// It would grow past [`MAX_SCENARIO_BYTES`]; inflating stopped there.
    TooLarge,
    /// It is not deflate data, or it ends too soon.
    Damaged,
    /// The browser has no way to inflate (no `DecompressionStream`).
    Unsupported,
}

/// The scenario JSON that inflating a link's data gave, or why there is none.
pub fn inflated_text(inflated: Result<Vec<u8>, InflateError>) -> Result<String, String> {
    let json = inflated.map_err(|e| match e {
        InflateError::TooLarge => {
            format!("the link's scenario is larger than {MAX_SCENARIO_BYTES} bytes")
        }
        InflateError::Damaged => {
            "the link is damaged: its data does not decompress; was it cut short?".to_string()
        }
        InflateError::Unsupported => {
            "this browser cannot decompress links (it has no DecompressionStream)".to_string()
        }
    })?;
    String::from_utf8(json).map_err(|_| "the link is damaged: its scenario is not text".into())
}

/// A link's fragment (without `#`) for deflated scenario JSON.
pub fn fragment_of(deflated: &[u8]) -> String {
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// `scenario` as compact JSON: what a browser save keeps, and what a link deflates.
pub fn scenario_json(scenario: &Scenario) -> String {
    scenario.to_json_compact()
}

/// The fragment (without `#`) that carries `scenario`, compressed as small as deflate makes it
/// (natively; the app deflates with the browser's `CompressionStream`).
#[cfg(not(target_arch = "wasm32"))]
pub fn encode(scenario: &Scenario) -> String {
    fragment_of(&miniz_oxide::deflate::compress_to_vec(
        scenario_json(scenario).as_bytes(),
        9,
    ))
}

/// The scenario a link's fragment or a browser save carries (natively; the app inflates with
/// the browser's `DecompressionStream`).
#[cfg(not(target_arch = "wasm32"))]
pub fn decode(text: &str) -> Result<Scenario, String> {
    read_scenario(&json_in(text)?)
}

/// The scenario JSON a link's fragment or a browser save holds, inflated if need be (natively).
#[cfg(not(target_arch = "wasm32"))]
pub fn json_in(text: &str) -> Result<String, String> {
    match unpack(text)? {
        Packed::Json(json) => Ok(json.to_string()),
        Packed::Deflated(deflated) => inflated_text(inflate(&deflated)),
    }
}

/// `deflated` inflated with miniz, stopping at [`MAX_SCENARIO_BYTES`].
#[cfg(not(target_arch = "wasm32"))]
pub fn inflate(deflated: &[u8]) -> Result<Vec<u8>, InflateError> {
    use miniz_oxide::inflate::{decompress_to_vec_with_limit, TINFLStatus};
    decompress_to_vec_with_limit(deflated, MAX_SCENARIO_BYTES).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => InflateError::TooLarge,
        _ => InflateError::Damaged,
    })
}

/// The longest link drawn as a QR code: beyond this the code's modules get too
/// small to scan from across a classroom.
pub const MAX_QR_CHARS: usize = 2_000;

/// `link` as a QR code, an SVG picture with a quiet zone, black on white.
pub fn qr_svg(link: &str) -> Result<String, String> {
    if link.len() > MAX_QR_CHARS {
        return Err(format!(
            "the link is {} characters, too long to scan as a QR code (at most {MAX_QR_CHARS})",
            link.len()
        ));
    }
    let code = qrcodegen::QrCode::encode_binary(link.as_bytes(), qrcodegen::QrCodeEcc::Low)
        .map_err(|e| format!("no QR code for this link: {e}"))?;
    // The standard's quiet zone of 4 modules a side; whole pixels per module, at least 240
    // pixels across in all.
    let across = code.size() + 2 * QR_QUIET_ZONE;
    let module = (QR_MIN_PIXELS + across - 1) / across;
    let pixels = across * module;
    let mut squares = String::new();
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                let (left, top) = ((x + QR_QUIET_ZONE) * module, (y + QR_QUIET_ZONE) * module);
                squares.push_str(&format!("M{left} {top}h{module}v{module}h-{module}z"));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{pixels}\" \
         height=\"{pixels}\" viewBox=\"0 0 {pixels} {pixels}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{pixels}\" height=\"{pixels}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{squares}\"/></svg>"
    ))
}

/// The light margin round a QR code, in modules (ISO/IEC 18004 asks for 4).
const QR_QUIET_ZONE: i32 = 4;

/// A QR code's least width on the page, in pixels.
const QR_MIN_PIXELS: i32 = 240;

/// Reads a scenario file's text, refusing what is malformed or too large to load.
pub fn read_scenario(text: &str) -> Result<Scenario, String> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(format!(
            "the scenario is {} MB, more than the {} MB this app loads",
            text.len() / (1024 * 1024),
            MAX_SCENARIO_BYTES / (1024 * 1024)
        ));
    }
    let scenario = Scenario::from_json(text).map_err(|e| e.to_string())?;
    fits_the_app(&scenario)?;
    Ok(scenario)
}

/// A scenario's peers, and its links (at most, for a generator), read without building it.
pub fn size_of(scenario: &Scenario) -> (u64, u64) {
    match &scenario.generator {
        Some(spec) => (spec.topology.n_peers(), spec.max_links()),
        None => (scenario.peers.len() as u64, scenario.links.len() as u64),
    }
}

/// Checks, before anything is built, that a valid scenario is small enough for a browser tab.
///
/// The core's own caps (checked by [`Scenario::validate`]) bound what the CLI
/// takes; the app traces and draws every peer and message, so it takes less.
pub fn fits_the_app(scenario: &Scenario) -> Result<(), String> {
    let (peers, links) = size_of(scenario);
    let cli = "(the command-line tool takes more)";
    if peers > MAX_IMPORT_PEERS as u64 {
        return Err(format!(
            "the scenario has {peers} peers; the app loads at most {MAX_IMPORT_PEERS} {cli}"
        ));
    }
    if links > MAX_IMPORT_LINKS {
        return Err(format!(
            "the scenario could have {links} links; the app loads at most {MAX_IMPORT_LINKS} {cli}"
        ));
    }
    let ids = scenario.id_space().map_err(|e| e.to_string())?;
    if ids > MAX_IMPORT_PEER_ID {
        return Err(format!(
            "the scenario uses peer ids up to {}; the app loads ids below {MAX_IMPORT_PEER_ID} {cli}",
            ids - 1
        ));
    }
    let broadcasts = scenario.broadcasts().count();
    if broadcasts > MAX_IMPORT_BROADCASTS || broadcasts as u64 * ids > MAX_IMPORT_TRANSACTION_CELLS
    {
        return Err(format!(
            "the scenario broadcasts {broadcasts} transactions over {ids} peer ids; the app takes at most {MAX_IMPORT_BROADCASTS}, and at most {MAX_IMPORT_TRANSACTION_CELLS} transactions times peer ids {cli}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::presets;

    /// The whole number that follows `key` in `svg`.
    fn number_after(svg: &str, key: &str) -> u32 {
        let rest = svg.split(key).nth(1).expect("the key is in the SVG");
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().unwrap()
    }

    /// The modules across the code `qr_svg` draws for `text`, read off the SVG: its width
    /// over one module's side (the first dark square's), less the quiet zone's 4 a side.
    fn modules_drawn(text: &str) -> usize {
        let svg = qr_svg(text).unwrap();
        let width = number_after(&svg, "width=\"") as f64;
        // The path's first square: "M{x} {y}h{side}...".
        let path = svg.split(" d=\"M").nth(1).expect("a path");
        let side: String = path
            .split('h')
            .nth(1)
            .expect("a side")
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let module: f64 = side.parse().unwrap();
        assert!(width >= 240.0, "at least 240 pixels across: {width}");
        (width / module) as usize - 8
    }

    /// The SVG's dark squares painted into a greyscale picture, one byte per pixel.
    fn painted(svg: &str) -> (usize, Vec<u8>) {
        let side = number_after(svg, "width=\"") as usize;
        let mut pixels = vec![255u8; side * side];
        let path = svg.split(" d=\"").nth(1).expect("a path");
        let path = &path[..path.find('"').expect("the path ends")];
        for square in path.split('z').filter(|s| !s.is_empty()) {
            // "M{x} {y}h{s}v{s}h-{s}"
            let square = square.strip_prefix('M').expect("a square starts with M");
            let (x, rest) = square.split_once(' ').unwrap();
            let (y, rest) = rest.split_once('h').unwrap();
            let (s, _) = rest.split_once('v').unwrap();
            let (x, y, s): (usize, usize, usize) =
                (x.parse().unwrap(), y.parse().unwrap(), s.parse().unwrap());
            for row in y..y + s {
                pixels[row * side + x..row * side + x + s].fill(0);
            }
        }
        (side, pixels)
    }

    #[test]
    fn a_share_links_qr_code_reads_back_as_the_link() {
        let link = format!(
            "https://example.org/gossipscope/#{}",
            encode(&presets::scenario("bitcoin-1000", 7).unwrap())
        );
        let (side, pixels) = painted(&qr_svg(&link).unwrap());
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in the picture");
        let (_, text) = grids[0].decode().expect("the code decodes");
        assert_eq!(text, link);
    }

    #[test]
    fn a_qr_code_has_the_size_the_standard_gives_for_its_length_at_level_l() {
        // ISO/IEC 18004's byte-mode capacities at error correction L: version 1 holds 17
        // bytes, version 2 32, version 14 458; a version-v code is 17 + 4v modules across.
        assert_eq!(modules_drawn(&"a".repeat(17)), 21);
        assert_eq!(modules_drawn(&"a".repeat(18)), 25);
        assert_eq!(modules_drawn(&"a".repeat(442)), 73);
        let too_long = "a".repeat(MAX_QR_CHARS + 1);
        assert!(qr_svg(&too_long).unwrap_err().contains("too long to scan"));
    }

    #[test]
    fn a_link_round_trips_the_scenario() {
        let mut scenario = presets::scenario("bitcoin-30", 4).unwrap();
        let built = scenario.build().unwrap();
        scenario = Scenario::from_network(&built.network, 4, scenario.relay.clone());
        let fragment = encode(&scenario);
        assert!(fragment.starts_with("s="));
        assert!(
            fragment.len() < 6_000,
            "a 30-peer network fits a link: {} bytes",
            fragment.len()
        );
        assert_eq!(decode(&fragment).unwrap(), scenario);
        assert_eq!(decode(&format!("#{fragment}")).unwrap(), scenario);
        // A browser save keeps the JSON as it is, and reads back the same.
        let saved = scenario_json(&scenario);
        assert!(saved.starts_with('{'));
        assert_eq!(unpack(&saved), Ok(Packed::Json(saved.as_str())));
        assert_eq!(decode(&saved).unwrap(), scenario);
    }

    #[test]
    fn a_link_that_inflates_past_the_limit_is_refused_where_inflating_stops() {
        // 40 MB of spaces deflate to about 40 KB: a link a stranger can send.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 40 << 20], 9);
        assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
        let Packed::Deflated(data) = unpack(&fragment_of(&bomb)).unwrap() else {
            panic!("a link's fragment is deflated data");
        };
        assert_eq!(inflate(&data), Err(InflateError::TooLarge));
        let err = decode(&fragment_of(&bomb)).unwrap_err();
        assert!(
            err.contains(&format!("larger than {MAX_SCENARIO_BYTES} bytes")),
            "{err}"
        );
        // Just under the limit it inflates (and is then refused as no scenario).
        let under = miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_SCENARIO_BYTES], 9);
        assert_eq!(inflate(&under).map(|t| t.len()), Ok(MAX_SCENARIO_BYTES));
    }

    #[test]
    fn damaged_links_are_refused_with_the_reason() {
        let fragment = encode(&presets::scenario("tutorial-6", 1).unwrap());
        assert!(decode("#x=abc")
            .unwrap_err()
            .contains("no gossipscope scenario"));
        assert!(decode("s=###").unwrap_err().contains("base64"));
        let cut = &fragment[..fragment.len() / 2];
        assert!(decode(cut).unwrap_err().contains("cut short"));
        let not_a_scenario = format!(
            "s={}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"{\"format\": 3}", 6))
        );
        assert!(decode(&not_a_scenario)
            .unwrap_err()
            .contains("not a valid scenario"));
    }

    #[test]
    fn exactly_the_apps_broadcast_limit_loads_and_one_more_does_not() {
        use crate::sim::action::Action;
        use crate::sim::scenario::TimedAction;
        let mut scenario = presets::scenario("tutorial-6", 1).unwrap();
        let broadcast = |i: usize| TimedAction {
            at_ms: i as f64,
            action: Action::Broadcast {
                peer: crate::sim::network::PeerId(0),
            },
        };
        scenario.timeline = (0..MAX_IMPORT_BROADCASTS).map(broadcast).collect();
        assert_eq!(fits_the_app(&scenario), Ok(()));
        scenario.timeline.push(broadcast(MAX_IMPORT_BROADCASTS));
        assert!(fits_the_app(&scenario)
            .unwrap_err()
            .contains("101 transactions"));
    }

    #[test]
    fn huge_imports_are_refused_before_they_are_built() {
        let mut scenario = presets::scenario("bitcoin-30", 1).unwrap();
        if let Some(spec) = &mut scenario.generator {
            spec.topology = crate::sim::generate::Topology::bitcoin(500_000);
        }
        let err = read_scenario(&scenario.to_json()).unwrap_err();
        assert!(err.contains("500000 peers"), "{err}");
    }
}
