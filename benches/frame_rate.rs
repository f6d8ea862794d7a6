//! Browser benchmark: time to show, frame rate and worst frame while a transaction spreads, in each layout, up to the whole Bitcoin network.
//!
//! Runs the built app (dist/, rebuilt when stale) in headless Chromium through
//! the end-to-end harness, and prints one line per network size and layout,
//! then the `bitcoin-full` preset's own line. Run with
//! `cargo bench --bench frame_rate`; the results go into BENCHMARKS.md by hand.
//! Frame rates are counted by `requestAnimationFrame` in the page: the app
//! draws in its own frame callback, so slow frames lower the count. The
//! longest main-thread task is read from the browser's long-task entries.
//! Screenshots of each line land in target/screenshots/bench-*.png.

#[cfg(not(target_arch = "wasm32"))]
#[allow(dead_code)]
#[path = "../tests/e2e/harness.rs"]
mod harness;

/// Helpers the measurements share, defined once in the page.
#[cfg(not(target_arch = "wasm32"))]
const TOOLS: &str = r#"
window.bench = {
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  // Frames per second over `ms`, and the longest gap between two frames.
  frames: (ms) => new Promise((r) => {
    let frames = 0, worst = 0; const t0 = performance.now(); let last = t0;
    const frame = (t) => { frames++; worst = Math.max(worst, t - last); last = t;
      if (t - t0 < ms) requestAnimationFrame(frame); else r({ fps: frames * 1000 / (t - t0), worst }); };
    requestAnimationFrame(frame);
  }),
  text: (id) => (document.querySelector(`[data-testid=${id}]`) || {}).textContent || '',
  choose: (id, value) => { const s = document.querySelector(`[data-testid=${id}]`); s.value = value; s.dispatchEvent(new Event('change', { bubbles: true })); },
  click: (id) => document.querySelector(`[data-testid=${id}]`).click(),
  busy: () => !!document.querySelector('[data-testid=work]'),
  longest: 0,
  // Main-thread tasks over 100 ms since the count was last reset.
  over100: 0,
  // Every long task's (over 50 ms) start and length, and what the work line said before each
  // (sampled by `watch`).
  long: [],
  said: [],
  watch: async (until) => { while (!until()) { bench.said.push([performance.now(), bench.text('work').trim()]); await bench.sleep(10); } },
  // Each long task since the count was last reset, with the work line shown before it.
  blame: () => bench.long.map(([start, ms]) => {
    const before = bench.said.filter(([t]) => t <= start).pop();
    return `${ms.toFixed(0)} ms after "${before ? before[1] : ''}"`;
  }).join('; '),
};
new PerformanceObserver((list) => { for (const e of list.getEntries()) { bench.longest = Math.max(bench.longest, e.duration); bench.long.push([e.startTime, e.duration]); if (e.duration > 100) bench.over100++; } })
  .observe({ type: 'longtask', buffered: true });
arguments[arguments.length - 1](true);
"#;

/// Measured in the page: load a preset in a layout; time until it is shown
/// (its peer count on screen) and until the layout settles; count frames idle
/// and while a transaction spreads at 0.1x.
#[cfg(not(target_arch = "wasm32"))]
const MEASURE: &str = r#"
const [preset, peers, arrangement, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
(async () => {
  const b = window.bench;
  b.choose('arrangement', arrangement);
  b.longest = 0;
  const t0 = performance.now();
  b.choose('preset', preset);
  while (b.text('stat-peers').trim() !== String(peers) && performance.now() - t0 < 60000) await b.sleep(20);
  const show_ms = performance.now() - t0;
  b.choose('arrangement', arrangement);
  const graph = () => document.querySelector('[data-testid=graph]');
  while (arrangement === '0' && graph().dataset.layout !== 'settled' && performance.now() - t0 < 60000) await b.sleep(20);
  const settle_ms = performance.now() - t0;
  await b.sleep(1000);
  const idle = await b.frames(2000);
  b.choose('speed', '0');
  b.click('broadcast');
  const spreading = await b.frames(3000);
  done({ show_ms, settle_ms, idle: idle.fps, spreading: spreading.fps, worst: spreading.worst,
         longest: b.longest, reached: b.text('stat-reached') });
})();
"#;

/// The whole network: time to show it, to finish a Bitcoin relay from N0 (Broadcast, then
/// Finish), and the frame rate of a replay at 10x.
#[cfg(not(target_arch = "wasm32"))]
const FULL: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const b = window.bench;
  b.longest = 0;
  b.over100 = 0;
  b.long = [];
  b.said = [];
  const t0 = performance.now();
  b.choose('preset', 'bitcoin-full');
  await b.watch(() => b.text('stat-peers').trim() === '110000' || performance.now() - t0 > 120000);
  const show_ms = performance.now() - t0;
  b.choose('arrangement', '1');
  // Long-task entries arrive a little after their task: read them once things are quiet.
  await b.sleep(1500);
  const show_longest = b.longest;
  const show_over100 = b.over100;
  const show_blame = b.blame();
  b.longest = 0;
  b.over100 = 0;
  b.long = [];
  b.said = [];
  const t1 = performance.now();
  b.click('broadcast');
  await b.sleep(50);
  b.click('finish');
  await b.sleep(50);
  await b.watch(() => !b.busy() || performance.now() - t1 > 120000);
  const relay_ms = performance.now() - t1;
  await b.sleep(500);
  const relay_longest = b.longest;
  const relay_over100 = b.over100;
  const relay_blame = b.blame();
  const reached = b.text('stat-reached');
  b.choose('speed', '6');
  b.click('replay');
  const replay = await b.frames(3000);
  // Edits of the whole network, each a click with time after it for its searches (the rings,
  // the reachable count, the cut vertices): the longest task among them.
  b.click('pause');
  await b.sleep(1500);
  b.longest = 0;
  b.over100 = 0;
  b.long = [];
  b.said = [];
  const edits = ['censor', 'censor', 'offline', 'undo', 'add-peer', 'remove', 'undo', 'undo'];
  for (const edit of edits) {
    b.said.push([performance.now(), edit]);
    b.click(edit);
    await b.sleep(1500);
  }
  const edit_longest = b.longest;
  const edit_over100 = b.over100;
  const edit_blame = b.blame();
  done({ edit_longest, edit_over100, edit_blame, edits: edits.join(', '), show_ms, show_longest, show_over100, show_blame, relay_blame, relay_ms, relay_longest, relay_over100, reached, replay: replay.fps, worst: replay.worst,
         heap_mb: (performance.memory ? performance.memory.usedJSHeapSize : 0) / 1e6,
         wasm_mb: Number(document.querySelector('[data-testid=graph]').dataset.memoryMb) });
})();
"#;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    harness::run_within(
        "frame-rate",
        std::time::Duration::from_secs(1800),
        |page| async move {
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
            page.client
                .execute_async(TOOLS, vec![])
                .await
                .expect("the page takes the helpers");
            println!(
                "{:>14} {:>14} {:>8} {:>9} {:>9} {:>11} {:>11} {:>14} {:>12}",
                "preset",
                "layout",
                "shown ms",
                "settle ms",
                "idle fps",
                "spread fps",
                "worst frame",
                "longest task",
                "reached by 3 s"
            );
            // `cargo bench --bench frame_rate -- NAME...` measures only the named presets
            // (`full` for the whole network).
            let wanted: Vec<String> = std::env::args()
                .skip(1)
                .filter(|a| !a.starts_with('-'))
                .collect();
            let measures = |name: &str| wanted.is_empty() || wanted.iter().any(|w| w == name);
            let sizes = [
                ("bitcoin-30", 30),
                ("bitcoin-1000", 1000),
                ("bitcoin-10000", 10_000),
            ];
            for (preset, peers) in sizes.into_iter().filter(|(p, _)| measures(p)) {
                for (arrangement, name) in [
                    ("0", "forces"),
                    ("1", "rings by hops"),
                    ("2", "rings by time"),
                ] {
                    let result = page
                        .client
                        .execute_async(
                            MEASURE,
                            vec![preset.into(), peers.into(), arrangement.into()],
                        )
                        .await
                        .unwrap_or_else(|e| panic!("measuring {preset}: {e}"));
                    let number = |key: &str| result[key].as_f64().unwrap_or(f64::NAN);
                    println!(
                    "{preset:>14} {name:>14} {:>8.0} {:>9.0} {:>9.1} {:>11.1} {:>9.0} ms {:>11.0} ms {:>12}",
                    number("show_ms"),
                    number("settle_ms"),
                    number("idle"),
                    number("spreading"),
                    number("worst"),
                    number("longest"),
                    result["reached"].as_str().unwrap_or("?").trim(),
                );
                    let _ = page
                        .screenshot(&format!("bench-{preset}-{}", name.replace(' ', "-")))
                        .await;
                }
            }
            if !measures("full") {
                return;
            }
            // The whole network may take minutes where it is slow: wait for it.
            page.client
                .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                    Some(std::time::Duration::from_secs(600)),
                    Some(std::time::Duration::from_secs(30)),
                    Some(std::time::Duration::ZERO),
                ))
                .await
                .expect("timeouts set");
            let result = page
                .client
                .execute_async(FULL, vec![])
                .await
                .unwrap_or_else(|e| panic!("measuring bitcoin-full: {e}"));
            let number = |key: &str| result[key].as_f64().unwrap_or(f64::NAN);
            println!(
            "bitcoin-full (110,000 peers, rings by hops): shown in {:.0} ms (longest task {:.0} ms, \
             {} over 100 ms); Broadcast + Finish: a Bitcoin relay from N0 done in {:.0} ms \
             (longest task {:.0} ms, {} over 100 ms), \
             reached {}; replay at 10x: {:.1} fps, worst frame {:.0} ms; wasm memory {:.0} MB, JS heap {:.0} MB",
            number("show_ms"),
            number("show_longest"),
            number("show_over100"),
            number("relay_ms"),
            number("relay_longest"),
            number("relay_over100"),
            result["reached"].as_str().unwrap_or("?").trim(),
            number("replay"),
            number("worst"),
            number("wasm_mb"),
            number("heap_mb"),
        );
            println!(
                "bitcoin-full's edits ({}): longest task {:.0} ms, {} over 100 ms",
                result["edits"].as_str().unwrap_or("?"),
                number("edit_longest"),
                number("edit_over100"),
            );
            println!(
                "bitcoin-full's long tasks (over 50 ms) while shown: {}; in the relay: {}; in the edits: {}",
                result["show_blame"].as_str().unwrap_or("?"),
                result["relay_blame"].as_str().unwrap_or("?"),
                result["edit_blame"].as_str().unwrap_or("?")
            );
            let _ = page.screenshot("bench-bitcoin-full").await;
        },
    );
}

#[cfg(target_arch = "wasm32")]
fn main() {}
