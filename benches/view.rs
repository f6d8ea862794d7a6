//! Criterion benchmarks of the view: the force-directed layout's settling, ticking and hit-testing.

#[cfg(not(target_arch = "wasm32"))]
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
#[cfg(not(target_arch = "wasm32"))]
use gossipscope::sim::generate::{generate, GeneratorSpec, Topology};
#[cfg(not(target_arch = "wasm32"))]
use gossipscope::sim::network::Network;
#[cfg(not(target_arch = "wasm32"))]
use gossipscope::view::layout::Layout;
#[cfg(not(target_arch = "wasm32"))]
use std::hint::black_box;

/// A Bitcoin-like network of `peers` peers with the scenario defaults.
#[cfg(not(target_arch = "wasm32"))]
fn bitcoin(peers: u32) -> Network {
    generate(&GeneratorSpec::new(Topology::bitcoin(peers)), 1)
        .expect("the benchmark network generates")
        .network
}

/// A layout of `net` that has run `ticks` ticks from its first placement: still moving.
#[cfg(not(target_arch = "wasm32"))]
fn warm_layout(net: &Network, ticks: usize) -> Layout {
    let mut layout = Layout::new(1);
    layout.sync(net);
    for _ in 0..ticks {
        layout.tick(net);
    }
    assert!(!layout.is_settled(), "the benchmark layout is still moving");
    layout
}

#[cfg(not(target_arch = "wasm32"))]
fn benches(c: &mut Criterion) {
    let net_1k = bitcoin(1_000);
    let net_10k = bitcoin(10_000);

    let mut slow = c.benchmark_group("layout");
    slow.sample_size(20);
    slow.bench_function("layout settle 1000 peers", |b| {
        b.iter(|| {
            let mut layout = Layout::new(1);
            layout.sync(&net_1k);
            let ticks = layout.settle(&net_1k, 1_000);
            assert!(layout.is_settled());
            black_box(ticks)
        })
    });
    slow.bench_function("layout first sync 10000 peers", |b| {
        b.iter(|| {
            let mut layout = Layout::new(1);
            layout.sync(&net_10k);
            layout
        })
    });
    slow.finish();

    let warm_1k = warm_layout(&net_1k, 20);
    c.bench_function("layout tick 1000 peers", |b| {
        b.iter_batched_ref(
            || warm_1k.clone(),
            |layout| layout.tick(&net_1k),
            BatchSize::SmallInput,
        )
    });
    let warm_10k = warm_layout(&net_10k, 20);
    c.bench_function("layout tick 10000 peers", |b| {
        b.iter_batched_ref(
            || warm_10k.clone(),
            |layout| layout.tick(&net_10k),
            BatchSize::SmallInput,
        )
    });
    let (min_x, min_y, max_x, max_y) = warm_10k.bounds().expect("peers are placed");
    c.bench_function("layout nearest 10000 peers", |b| {
        let mut k = 0u32;
        b.iter(|| {
            // Points spread over the layout, a new one each call.
            k = k.wrapping_add(1);
            let x = min_x + (max_x - min_x) * f64::from(k % 97) / 97.0;
            let y = min_y + (max_y - min_y) * f64::from(k % 89) / 89.0;
            warm_10k.nearest(black_box(x), black_box(y), 20.0)
        })
    });
}

#[cfg(not(target_arch = "wasm32"))]
criterion_group!(view, benches);
#[cfg(not(target_arch = "wasm32"))]
criterion_main!(view);

/// The benchmarks run natively only.
#[cfg(target_arch = "wasm32")]
fn main() {}
