//! The web app's entry point (binary `gossipscope-web`): Trunk builds it for wasm32 and it mounts [`gossipscope::ui::App`] on the page.

/// Mounts the app on the page's body, once the link and the autosave it opens with are read
/// (inflating them is the browser's, and asynchronous).
#[cfg(target_arch = "wasm32")]
fn main() {
    gossipscope::ui::crash::install();
    wasm_bindgen_futures::spawn_local(async {
        gossipscope::ui::storage::read_opening().await;
        yew::Renderer::<gossipscope::ui::App>::new().render();
    });
}

/// Natively there is no page to mount: build the web app with Trunk (see `scripts/serve`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {}

/// The page's allocator: talc, 3 KB smaller in the wasm than Rust's default dlmalloc and as
/// fast here (BENCHMARKS.md), over memory grown a good step at a time.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::cell::TalcSyncCell<GrowInSteps, talc::wasm::WasmBinning> =
    talc::cell::TalcSyncCell::new_wasm(GrowInSteps { end: None });

/// Where talc's memory comes from: the wasm memory, grown by at least an eighth of its size
/// whenever talc runs out. talc's own source grows it by just what one allocation needs, a
/// 64 KB page at a time for small ones, and at a few hundred megabytes the browser then took
/// 130-410 ms at once while the whole Bitcoin network was built (BENCHMARKS.md).
#[cfg(target_arch = "wasm32")]
#[derive(Debug)]
struct GrowInSteps {
    /// The end of the heap talc has, to extend it when the memory grows right after it.
    end: Option<core::ptr::NonNull<u8>>,
}

// SAFETY: `acquire` hands talc only memory it has just grown, which nothing else uses, and
// allocates nothing itself.
#[cfg(target_arch = "wasm32")]
unsafe impl talc::source::Source for GrowInSteps {
    fn acquire<B: talc::base::binning::Binning>(
        talc: &mut talc::base::Talc<Self, B>,
        layout: core::alloc::Layout,
    ) -> Result<(), ()> {
        const PAGE: usize = 64 * 1024;
        // Room for the allocation and talc's bookkeeping; if it is still too little, talc
        // asks again.
        let needed = (layout.size() + layout.align() + 256).div_ceil(PAGE);
        let pages = needed.max(core::arch::wasm32::memory_size(0) / 8).max(16);
        let first = core::arch::wasm32::memory_grow(0, pages);
        if first == usize::MAX {
            return Err(());
        }
        let base = (first * PAGE) as *mut u8;
        let bytes = pages * PAGE;
        // SAFETY: the memory just grown spans `bytes` from `base`.
        let new_end = unsafe { base.add(bytes) };
        if let Some(old_end) = talc.source.end.take() {
            if old_end.as_ptr() == base {
                // SAFETY: the heap ends at `base`, and the memory after it is new.
                talc.source.end = Some(unsafe { talc.extend(old_end, new_end) });
                return Ok(());
            }
        }
        // SAFETY: the memory is new and unused.
        talc.source.end = unsafe { talc.claim(base, bytes) };
        Ok(())
    }
}
