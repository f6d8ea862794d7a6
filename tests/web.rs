//! Browser tests of the web app (wasm-bindgen-test in headless Chromium), and the native half of their golden check.
//!
//! `tests/data/web-golden.json` holds one fixed network (the page's
//! Bitcoin-style network of 2,000 peers, seed 7), a fingerprint of it, and the
//! numbers the core gives when N0 broadcasts over it with the flood and the
//! bitcoin relay policies (the latter draws Poisson timers, so it also checks
//! that floating-point draws agree across platforms).
//! Natively, `cargo test --test web` checks the core against that file; in the
//! browser, `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target
//! wasm32-unknown-unknown --test web` checks that the core compiled to wasm
//! gives the same numbers. The app tests mount the real [`App`], click its
//! controls, and check the page against what the app's state computes. If a
//! change to the core moves the numbers on purpose, rewrite the file with
//! `GOSSIPSCOPE_BLESS=1 cargo test --test web`.

use gossipscope::sim::engine::Simulation;
use gossipscope::sim::generate::{generate, GeneratorSpec};
use gossipscope::sim::network::{Network, PeerId};
use gossipscope::sim::relay::RelayPolicy;
use serde::{Deserialize, Serialize};

/// The golden files, compiled in so the browser build needs no file system: one network with a
/// constant latency, one with log-normal latencies (drawn with `ln`, `exp` and `cos`, which the
/// core takes from libm so that native and wasm round them alike).
const GOLDEN_FILES: [(&str, &str); 2] = [
    ("web-golden.json", include_str!("data/web-golden.json")),
    (
        "web-golden-lognormal.json",
        include_str!("data/web-golden-lognormal.json"),
    ),
];

/// How to fill in or refresh the golden file.
const BLESS_HINT: &str = "if the change is intended, rewrite tests/data/web-golden.json with \
                          `GOSSIPSCOPE_BLESS=1 cargo test --test web`";

/// A fixed network, the runs over it, and what every platform must get.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Golden {
    about: String,
    network: GeneratorSpec,
    seed: u64,
    source: u32,
    expected_network: Option<NetworkFacts>,
    runs: Vec<Run>,
}

/// What the generated network must look like.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct NetworkFacts {
    peers: usize,
    links: usize,
    /// FNV-1a over every link's ends and latency, in link order.
    link_hash: String,
}

/// One relay policy run over the network.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Run {
    policy: String,
    expected: Option<RunFacts>,
}

/// The numbers of one run; times in whole microseconds, so comparisons are exact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct RunFacts {
    reached: usize,
    reachable: usize,
    messages: u64,
    redundant: u64,
    t50_us: Option<u64>,
    t90_us: Option<u64>,
    t100_us: Option<u64>,
}

/// What the core gives for the golden file's inputs.
#[derive(Clone, Debug, PartialEq)]
struct Actual {
    network: NetworkFacts,
    runs: Vec<RunFacts>,
}

fn us(ms: Option<f64>) -> Option<u64> {
    ms.map(|ms| (ms * 1000.0).round() as u64)
}

fn link_hash(network: &Network) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for link in network.links() {
        for word in [u64::from(link.from.0), u64::from(link.to.0), link.latency.0] {
            for byte in word.to_le_bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
    }
    format!("{hash:016x}")
}

impl Golden {
    /// Every golden file, with its name.
    fn all() -> Vec<(&'static str, Golden)> {
        GOLDEN_FILES
            .iter()
            .map(|&(name, text)| {
                let golden = serde_json::from_str(text)
                    .unwrap_or_else(|e| panic!("tests/data/{name} does not parse: {e}"));
                (name, golden)
            })
            .collect()
    }

    /// The expected numbers, as [`Golden::run`] returns them.
    fn expected(&self) -> Actual {
        let missing = || format!("tests/data/web-golden.json lacks expected numbers; {BLESS_HINT}");
        Actual {
            network: self
                .expected_network
                .clone()
                .unwrap_or_else(|| panic!("{}", missing())),
            runs: self
                .runs
                .iter()
                .map(|r| {
                    r.expected
                        .clone()
                        .unwrap_or_else(|| panic!("{}", missing()))
                })
                .collect(),
        }
    }

    /// Generates the network and runs every policy over it through the core.
    fn run(&self) -> Actual {
        let generated = generate(&self.network, self.seed).expect("the golden network generates");
        let network = NetworkFacts {
            peers: generated.network.n_peers(),
            links: generated.network.n_links(),
            link_hash: link_hash(&generated.network),
        };
        let runs = self
            .runs
            .iter()
            .map(|run| {
                let policy = RelayPolicy::from_name(&run.policy).expect("a known relay policy");
                let mut sim = Simulation::new(generated.network.clone(), policy, self.seed)
                    .expect("a valid policy");
                let tx = sim
                    .broadcast(PeerId(self.source))
                    .expect("the source exists");
                sim.run();
                let m = sim.metrics(tx);
                RunFacts {
                    reached: m.reached,
                    reachable: m.reachable,
                    messages: m.messages,
                    redundant: m.redundant,
                    t50_us: us(m.t50_ms),
                    t90_us: us(m.t90_ms),
                    t100_us: us(m.t100_ms),
                }
            })
            .collect();
        Actual { network, runs }
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_core_matches_golden_file() {
    for (name, mut golden) in Golden::all() {
        let actual = golden.run();
        if std::env::var_os("GOSSIPSCOPE_BLESS").is_some() {
            golden.expected_network = Some(actual.network);
            for (run, facts) in golden.runs.iter_mut().zip(actual.runs) {
                run.expected = Some(facts);
            }
            let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
            let text = serde_json::to_string_pretty(&golden).expect("serialises") + "\n";
            std::fs::write(&path, text).expect("the golden file is writable");
            continue;
        }
        assert_eq!(
            actual,
            golden.expected(),
            "the core's numbers for tests/data/{name} changed; {BLESS_HINT}"
        );
    }
}

/// The flood run of the constant-latency golden file against closed forms: each peer relays
/// once to every neighbour but its parent, so messages = 2 * links - (peers - 1), and with one
/// latency everywhere the times are hop distances (breadth-first, computed here) times it.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_flood_golden_numbers_follow_from_the_network() {
    let (_, golden) = Golden::all().remove(0);
    let generated = generate(&golden.network, golden.seed).unwrap();
    let net = &generated.network;
    let latency = net.links().next().unwrap().latency;
    assert!(net.links().all(|l| l.latency == latency), "one latency");
    // Breadth-first distances from the source, written out here rather than taken from the core.
    let mut depth = vec![None; net.peer_slots()];
    let mut frontier = vec![PeerId(golden.source)];
    depth[golden.source as usize] = Some(0u64);
    while let Some(peer) = frontier.pop() {
        for adj in net.adjacent(peer) {
            let next = depth[peer.index()].unwrap() + 1;
            if depth[adj.peer.index()].is_none_or(|d| next < d) {
                depth[adj.peer.index()] = Some(next);
                frontier.push(adj.peer);
            }
        }
    }
    let mut depths: Vec<u64> = depth.into_iter().flatten().collect();
    depths.sort_unstable();
    let peers = depths.len();
    let at_share = |share: f64| depths[((peers as f64 * share).ceil() as usize) - 1] * latency.0;
    let flood = golden.expected().runs[0].clone();
    assert_eq!(golden.runs[0].policy, "flood");
    assert_eq!(flood.reached, peers);
    assert_eq!(
        flood.messages,
        2 * net.n_links() as u64 - (peers as u64 - 1)
    );
    assert_eq!(flood.t50_us, Some(at_share(0.5)));
    assert_eq!(flood.t90_us, Some(at_share(0.9)));
    assert_eq!(flood.t100_us, Some(at_share(1.0)));
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::Golden;
    use gossipscope::sim::network::PeerId;
    use gossipscope::ui::App;
    use gossipscope::view::state::{AppState, Command};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use web_sys::{Element, HtmlElement};

    wasm_bindgen_test_configure!(run_in_browser);

    /// Resolves after `ms` milliseconds, letting the page render.
    async fn sleep(ms: i32) {
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            web_sys::window()
                .expect("a window")
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .expect("setTimeout works");
        });
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .expect("the timer resolves");
    }

    /// A fresh, attached element to mount the app into.
    fn mount_point() -> Element {
        let document = web_sys::window()
            .expect("a window")
            .document()
            .expect("a document");
        let div = document.create_element("div").expect("a div");
        document
            .body()
            .expect("a body")
            .append_child(&div)
            .expect("attached");
        div
    }

    /// The element with this `data-testid` inside `root`, if any.
    fn by_testid(root: &Element, id: &str) -> Option<Element> {
        root.query_selector(&format!("[data-testid='{id}']"))
            .expect("a valid selector")
    }

    /// Waits up to `timeout_ms` for `ready` to hold.
    async fn wait_until(timeout_ms: i32, mut ready: impl FnMut() -> bool) {
        let mut waited = 0;
        while !ready() {
            assert!(waited < timeout_ms, "still not ready after {timeout_ms} ms");
            sleep(25).await;
            waited += 25;
        }
    }

    fn text(root: &Element, id: &str) -> String {
        by_testid(root, id)
            .unwrap_or_else(|| panic!("no [data-testid='{id}']"))
            .text_content()
            .unwrap_or_default()
    }

    fn click(root: &Element, id: &str) {
        by_testid(root, id)
            .unwrap_or_else(|| panic!("no [data-testid='{id}']"))
            .dyn_into::<HtmlElement>()
            .expect("an HTML element")
            .click();
    }

    /// A shown count ("1,234") as a number.
    fn count(text: &str) -> u64 {
        text.replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("'{text}' is a count"))
    }

    #[wasm_bindgen_test]
    fn core_in_wasm_matches_golden_file() {
        for (name, golden) in Golden::all() {
            assert_eq!(
                golden.run(),
                golden.expected(),
                "{name}: wasm and native disagree"
            );
        }
    }

    /// The peer-list entry of a peer.
    fn peer_entry(root: &Element, peer: u32) -> Option<HtmlElement> {
        root.query_selector(&format!("[data-peer-id='{peer}']"))
            .expect("a valid selector")
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    }

    /// Mounts the app (on its default network: no autosave from an earlier test) and waits for its peer list.
    async fn mount_app() -> (Element, yew::AppHandle<App>) {
        let window = web_sys::window().expect("a window");
        window
            .local_storage()
            .ok()
            .flatten()
            .expect("local storage")
            .clear()
            .expect("cleared");
        let _ = window.location().set_hash("");
        let root = mount_point();
        let app = yew::Renderer::<App>::with_root(root.clone()).render();
        wait_until(3_000, || peer_entry(&root, 0).is_some()).await;
        (root, app)
    }

    #[wasm_bindgen_test]
    async fn broadcast_and_finish_show_what_the_state_computes() {
        let (root, app) = mount_app().await;
        peer_entry(&root, 0).expect("N0 is listed").click();
        sleep(30).await;
        assert_eq!(text(&root, "inspector-id"), "N0");
        click(&root, "broadcast");
        sleep(30).await;
        click(&root, "finish");
        wait_until(2_000, || by_testid(&root, "stat-reached").is_some()).await;
        sleep(30).await;
        // The same commands on a fresh state, here in wasm, give the numbers to expect.
        let mut state = AppState::new();
        state.dispatch(Command::SelectPeer {
            peer: PeerId(0),
            additive: false,
        });
        state.dispatch(Command::Broadcast);
        state.dispatch(Command::Finish);
        let m = state
            .simulation()
            .metrics(state.current_tx().expect("a transaction"));
        assert_eq!(count(&text(&root, "stat-reached")), m.reached as u64);
        assert_eq!(count(&text(&root, "stat-reachable")), m.reachable as u64);
        assert_eq!(count(&text(&root, "stat-messages")), m.messages);
        assert_eq!(count(&text(&root, "stat-redundant")), m.redundant);
        assert_eq!(m.reached, 30, "everyone in the 30-peer preset hears of it");
        // Every entry of the peer list now shows its hop count.
        let hops = root
            .query_selector_all("[data-peer-id][data-hops='']")
            .expect("a valid selector");
        assert_eq!(hops.length(), 0);
        app.destroy();
    }

    #[wasm_bindgen_test]
    async fn add_peer_then_undo_and_redo() {
        let (root, app) = mount_app().await;
        let peers = count(&text(&root, "stat-peers"));
        click(&root, "add-peer");
        sleep(30).await;
        assert_eq!(count(&text(&root, "stat-peers")), peers + 1);
        assert_eq!(
            text(&root, "inspector-id"),
            format!("N{peers}"),
            "the new peer is selected"
        );
        click(&root, "undo");
        sleep(30).await;
        assert_eq!(count(&text(&root, "stat-peers")), peers);
        click(&root, "redo");
        sleep(30).await;
        assert_eq!(count(&text(&root, "stat-peers")), peers + 1);
        app.destroy();
    }

    #[wasm_bindgen_test]
    async fn a_refused_link_shows_the_limit() {
        let (root, app) = mount_app().await;
        let state = AppState::new();
        let net = state.network();
        let full = net
            .peer_ids()
            .find(|&p| net.link_counts(p).outbound == 8)
            .expect("a peer with 8 outbound links");
        let target = net
            .peer_ids()
            .find(|&p| {
                p != full
                    && net.peer(p).is_some_and(|x| x.reachable)
                    && net.link_between(full, p).is_none()
            })
            .expect("a reachable peer it is not linked to");
        peer_entry(&root, full.0).expect("listed").click();
        sleep(20).await;
        let init = web_sys::MouseEventInit::new();
        init.set_bubbles(true);
        init.set_shift_key(true);
        let shift_click =
            web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("an event");
        peer_entry(&root, target.0)
            .expect("listed")
            .dispatch_event(&shift_click)
            .expect("dispatched");
        sleep(20).await;
        let links = count(&text(&root, "stat-links"));
        click(&root, "add-link");
        sleep(30).await;
        assert_eq!(
            text(&root, "message"),
            format!("{full} already has 8 outbound links")
        );
        assert_eq!(count(&text(&root, "stat-links")), links, "nothing changed");
        app.destroy();
    }

    #[wasm_bindgen_test]
    async fn the_browsers_streams_inflate_what_deflate_gives_and_stop_at_the_limit() {
        use gossipscope::ui::deflate::{deflate, inflate};
        use gossipscope::view::share::{InflateError, MAX_SCENARIO_BYTES};
        // "hello" as raw deflate, as zlib writes it (zlib.compress(b"hello") without its
        // 2-byte header and 4-byte checksum).
        let hello = [0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
        assert_eq!(inflate(&hello).await, Ok(b"hello".to_vec()));
        assert_eq!(inflate(&hello[..3]).await, Err(InflateError::Damaged));
        assert_eq!(inflate(b"not deflate").await, Err(InflateError::Damaged));
        let text = gossipscope::view::share::scenario_json(&AppState::new().to_scenario());
        let deflated = deflate(text.as_bytes()).await.expect("deflated");
        assert!(
            deflated.len() < text.len(),
            "{} of {}",
            deflated.len(),
            text.len()
        );
        assert_eq!(inflate(&deflated).await, Ok(text.into_bytes()));
        let bomb = deflate(&vec![b' '; MAX_SCENARIO_BYTES + 1])
            .await
            .expect("deflated");
        assert_eq!(inflate(&bomb).await, Err(InflateError::TooLarge));
    }
}
