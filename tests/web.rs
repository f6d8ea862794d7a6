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
//! gives the same numbers, and that the page shows them after a click on its
//! run button. If a change to the core moves the numbers on purpose, rewrite
//! the file with `GOSSIPSCOPE_BLESS=1 cargo test --test web`.

use gossipscope::sim::engine::Simulation;
use gossipscope::sim::generate::{generate, GeneratorSpec};
use gossipscope::sim::network::{Network, PeerId};
use gossipscope::sim::relay::RelayPolicy;
use serde::{Deserialize, Serialize};

/// The golden file, compiled in so the browser build needs no file system.
const GOLDEN_JSON: &str = include_str!("data/web-golden.json");

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
    fn load() -> Golden {
        serde_json::from_str(GOLDEN_JSON).expect("tests/data/web-golden.json parses")
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
    let mut golden = Golden::load();
    let actual = golden.run();
    if std::env::var_os("GOSSIPSCOPE_BLESS").is_some() {
        golden.expected_network = Some(actual.network);
        for (run, facts) in golden.runs.iter_mut().zip(actual.runs) {
            run.expected = Some(facts);
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/web-golden.json");
        let text = serde_json::to_string_pretty(&golden).expect("serialises") + "\n";
        std::fs::write(path, text).expect("tests/data/web-golden.json is writable");
        return;
    }
    assert_eq!(
        actual,
        golden.expected(),
        "the core's numbers for tests/data/web-golden.json changed; {BLESS_HINT}"
    );
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::Golden;
    use gossipscope::ui::format;
    use gossipscope::ui::run::network_spec;
    use gossipscope::ui::{App, AppProps};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement};

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

    /// Waits up to `timeout_ms` for the element with this `data-testid` to appear.
    async fn wait_for(root: &Element, id: &str, timeout_ms: i32) -> Element {
        wait_until(timeout_ms, || by_testid(root, id).is_some()).await;
        by_testid(root, id).expect("it appeared")
    }

    fn text(root: &Element, id: &str) -> String {
        by_testid(root, id)
            .unwrap_or_else(|| panic!("no [data-testid='{id}']"))
            .text_content()
            .unwrap_or_default()
    }

    /// Types into a field as a person would: sets its value and fires the event Yew listens to.
    fn set_field(root: &Element, id: &str, value: &str) {
        let el = by_testid(root, id).unwrap_or_else(|| panic!("no [data-testid='{id}']"));
        let kind = if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
            input.set_value(value);
            "input"
        } else {
            el.dyn_ref::<HtmlSelectElement>()
                .expect("an input or a select")
                .set_value(value);
            "change"
        };
        let init = EventInit::new();
        init.set_bubbles(true);
        let event = Event::new_with_event_init_dict(kind, &init).expect("an event");
        el.dispatch_event(&event).expect("dispatched");
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
        let golden = Golden::load();
        assert_eq!(golden.run(), golden.expected(), "wasm and native disagree");
    }

    #[wasm_bindgen_test]
    fn page_generates_the_golden_network() {
        let golden = Golden::load();
        assert_eq!(
            network_spec(golden.expected().network.peers as u32),
            golden.network,
            "the page and tests/data/web-golden.json must describe the same network"
        );
    }

    #[wasm_bindgen_test]
    async fn clicking_run_shows_the_golden_numbers() {
        let golden = Golden::load();
        let expected = golden.expected();
        let root = mount_point();
        let app =
            yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { autorun: false })
                .render();
        let run_button = wait_for(&root, "run", 2_000).await;
        assert_eq!(
            run_button.text_content().unwrap_or_default().trim(),
            "Generate and flood"
        );
        assert!(
            by_testid(&root, "stats").is_none(),
            "no results before the first run"
        );

        set_field(&root, "peers", &expected.network.peers.to_string());
        set_field(&root, "seed", &golden.seed.to_string());
        for (run, facts) in golden.runs.iter().zip(&expected.runs) {
            set_field(&root, "policy", &run.policy);
            sleep(20).await;
            click(&root, "run");
            let summary = format!("seed {}, {} relay", golden.seed, run.policy);
            wait_until(30_000, || {
                by_testid(&root, "summary")
                    .and_then(|e| e.text_content())
                    .is_some_and(|t| t.contains(&summary))
            })
            .await;

            let policy = &run.policy;
            assert_eq!(
                count(&text(&root, "stat-reached")),
                facts.reached as u64,
                "{policy}"
            );
            assert_eq!(
                count(&text(&root, "stat-reachable")),
                facts.reachable as u64,
                "{policy}"
            );
            assert_eq!(
                count(&text(&root, "stat-peers")),
                expected.network.peers as u64,
                "{policy}"
            );
            assert_eq!(
                count(&text(&root, "stat-links")),
                expected.network.links as u64,
                "{policy}"
            );
            assert_eq!(
                count(&text(&root, "stat-messages")),
                facts.messages,
                "{policy}"
            );
            assert_eq!(
                count(&text(&root, "stat-redundant")),
                facts.redundant,
                "{policy}"
            );
            let t100 = facts.t100_us.map(|us| us as f64 / 1000.0);
            assert_eq!(text(&root, "stat-t100"), format::opt_ms(t100), "{policy}");
            let sim_ms: f64 = text(&root, "stat-sim-ms")
                .replace(',', "")
                .parse()
                .expect("the simulation time is a number");
            assert!(sim_ms >= 0.0, "{policy}");
        }

        app.destroy();
        root.remove();
    }

    #[wasm_bindgen_test]
    async fn a_bad_peer_count_shows_a_message() {
        let root = mount_point();
        let app =
            yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { autorun: false })
                .render();
        wait_for(&root, "run", 2_000).await;
        set_field(&root, "peers", "ten thousand");
        sleep(20).await;
        click(&root, "run");
        let error = wait_for(&root, "error", 2_000).await;
        let message = error.text_content().unwrap_or_default();
        assert!(
            message.contains("whole number"),
            "unexpected message: {message}"
        );
        assert!(by_testid(&root, "stats").is_none());

        app.destroy();
        root.remove();
    }
}
