//! Browser benchmark: frame rate while a transaction spreads, layout settle time, time to interactive.
//!
//! Runs the built app (dist/, rebuilt when stale) in headless Chromium through
//! the end-to-end harness, and prints one line per network size. Run with
//! `cargo bench --bench frame_rate`; the results go into BENCHMARKS.md by hand.
//! Frame rates are counted by `requestAnimationFrame` in the page: the app
//! draws in its own frame callback, so slow frames lower the count.

#[cfg(not(target_arch = "wasm32"))]
#[allow(dead_code)]
#[path = "../tests/e2e/harness.rs"]
mod harness;

/// Measured in the page: load a preset, time the layout until it settles,
/// count frames idle and while a transaction spreads at 0.1x speed.
#[cfg(not(target_arch = "wasm32"))]
const MEASURE: &str = r#"
const [preset, peers, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const fps = (ms) => new Promise((r) => {
    let frames = 0; const t0 = performance.now();
    const frame = () => { frames++; if (performance.now() - t0 < ms) requestAnimationFrame(frame); else r(frames * 1000 / (performance.now() - t0)); };
    requestAnimationFrame(frame);
  });
  const select = document.querySelector('[data-testid=preset]');
  const t0 = performance.now();
  select.value = preset; select.dispatchEvent(new Event('change', { bubbles: true }));
  const shown = () => document.querySelector('[data-testid=stat-peers]').textContent.trim();
  while (shown() !== String(peers) || document.querySelector('[data-testid=graph]').dataset.layout !== 'settled') {
    if (performance.now() - t0 > 60000) break;
    await sleep(20);
  }
  const settle_ms = performance.now() - t0;
  const idle = await fps(2000);
  const speed = document.querySelector('[data-testid=speed]');
  speed.value = '0'; speed.dispatchEvent(new Event('change', { bubbles: true }));
  document.querySelector('[data-testid=broadcast]').click();
  const spreading = await fps(3000);
  const reached = document.querySelector('[data-testid=stat-reached]').textContent;
  done({ settle_ms, idle, spreading, reached });
})();
"#;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    harness::run("frame-rate", |page| async move {
        page.open().await;
        page.wait_for("[data-peer-id]", harness::WAIT).await;
        let interactive = page
            .client
            .execute("return performance.now();", vec![])
            .await
            .expect("the page answers");
        println!(
            "time to interactive (first peer listed, ms): {:.0}",
            interactive.as_f64().unwrap_or(f64::NAN)
        );
        println!(
            "{:>14} {:>16} {:>10} {:>15} {:>14}",
            "preset", "layout settle ms", "idle fps", "spreading fps", "reached by 3 s"
        );
        for (preset, peers) in [
            ("bitcoin-30", 30),
            ("bitcoin-1000", 1000),
            ("bitcoin-10000", 10_000),
        ] {
            let result = page
                .client
                .execute_async(MEASURE, vec![preset.into(), peers.into()])
                .await
                .unwrap_or_else(|e| panic!("measuring {preset}: {e}"));
            let number = |key: &str| result[key].as_f64().unwrap_or(f64::NAN);
            println!(
                "{preset:>14} {:>16.0} {:>10.1} {:>15.1} {:>14}",
                number("settle_ms"),
                number("idle"),
                number("spreading"),
                result["reached"].as_str().unwrap_or("?"),
            );
        }
    });
}

#[cfg(target_arch = "wasm32")]
fn main() {}
