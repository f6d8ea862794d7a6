//! Deflating and inflating with the browser's own `CompressionStream` and `DecompressionStream`
//! ("deflate-raw", the format of a share link), so that the page ships no compressor.

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ReadableStream, ReadableStreamDefaultReader, ReadableWritablePair};

use crate::ui::storage::describe;
use crate::view::share::{InflateError, MAX_SCENARIO_BYTES};

// The two streams, bound here: web-sys has them only behind its unstable APIs' flag.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(extends = js_sys::Object)]
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;

    #[wasm_bindgen(extends = js_sys::Object)]
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
}

/// Deflate without a header or checksum: what a share link holds.
const FORMAT: &str = "deflate-raw";

/// `bytes` deflated; the error names what the browser refused.
pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let stream = CompressionStream::new(FORMAT).map_err(|e| describe(&e))?;
    let output = source(bytes)
        .map_err(|e| describe(&e))?
        .pipe_through(stream.unchecked_ref::<ReadableWritablePair>());
    read_all(output, usize::MAX)
        .await
        .map_err(|e| e.map_or_else(|| "too large".to_string(), |e| describe(&e)))
}

/// `deflated` inflated, stopping as soon as it grows past [`MAX_SCENARIO_BYTES`].
pub async fn inflate(deflated: &[u8]) -> Result<Vec<u8>, InflateError> {
    let stream = DecompressionStream::new(FORMAT).map_err(|_| InflateError::Unsupported)?;
    let output = source(deflated)
        .map_err(|_| InflateError::Damaged)?
        .pipe_through(stream.unchecked_ref::<ReadableWritablePair>());
    read_all(output, MAX_SCENARIO_BYTES)
        .await
        .map_err(|e| e.map_or(InflateError::TooLarge, |_| InflateError::Damaged))
}

/// A stream of `bytes`.
fn source(bytes: &[u8]) -> Result<ReadableStream, JsValue> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    Ok(Blob::new_with_u8_array_sequence(&parts)?.stream())
}

/// Everything `stream` gives, up to `limit` bytes: `Err(None)` past the limit (the stream is
/// then cancelled), `Err(Some(error))` if the stream fails.
async fn read_all(stream: ReadableStream, limit: usize) -> Result<Vec<u8>, Option<JsValue>> {
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut all = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(Some)?;
        let done = Reflect::get(&chunk, &"done".into()).map_err(Some)?;
        if done.as_bool() != Some(false) {
            return Ok(all);
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(Some)?
            .unchecked_into();
        let start = all.len();
        if start + value.length() as usize > limit {
            let _ = reader.cancel();
            return Err(None);
        }
        all.resize(start + value.length() as usize, 0);
        value.copy_to(&mut all[start..]);
    }
}
