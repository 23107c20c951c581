//! The page's static files (wasm, JavaScript glue, CSS), built by `build.rs` and embedded in
//! the binary: `HYDRATE` and `WEB_BUNDLE`.

include!(concat!(env!("OUT_DIR"), "/web_bundle.rs"));

/// A bundled file by its name under `/pkg/`: (content type, bytes).
pub fn file(name: &str) -> Option<(&'static str, &'static [u8])> {
    WEB_BUNDLE
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, mime, bytes)| (*mime, *bytes))
}
