//! The browser chat UI of jeju-rec: one Leptos page, rendered on the server (`ssr`) and
//! hydrated in the browser (`hydrate`, wasm32).
//!
//! How the parts fit:
//! - The server builds a [`PageState`] per request and renders [`render_page`] (or [`shell`]
//!   inside its own reactive owner). The page works without JavaScript: the question box is a
//!   plain `<form method="get" action="/">` with `q`, `session_id` and `lang`.
//! - [`shell`] writes the state as JSON into `<script type="application/json" id="jeju-state">`
//!   (every `<` escaped as `\u003c`) and, when [`PageState::hydrate`] is set, the module script
//!   that loads `/pkg/jeju_web.js` + `/pkg/jeju_web_bg.wasm` and calls [`hydrate`].
//! - `hydrate()` (browser) reads that JSON back and hydrates `<body>` with the same
//!   [`app::App`], so both sides render the same DOM. From then on questions go through
//!   `GET /api/ask/stream` (Server-Sent Events) and answers stream into the page.
//!
//! The bundle (`/pkg/jeju_web.js`, `/pkg/jeju_web_bg.wasm`, `/pkg/jeju_web.css`) is built by
//! `server/build.rs`; its `HYDRATE` constant is what the server puts in [`PageState::hydrate`].

pub mod app;
pub mod format;
pub mod i18n;
pub mod map;
pub mod model;
pub mod stream;

use jeju_api::{ApiError, AskResponse, Language};
use serde::{Deserialize, Serialize};

pub use app::App;

/// The `id` of the `<script>` element that carries the [`PageState`] JSON.
pub const STATE_ELEMENT_ID: &str = "jeju-state";
/// Where the bundle is served (the server adds its content hash: `/pkg/<version>`, see
/// [`PageState::assets`]).
pub const PKG_PATH: &str = "/pkg";
/// The bundle's files: the stylesheet, the wasm-bindgen module (`--target web`) and its wasm.
pub const STYLESHEET: &str = "jeju_web.css";
pub const SCRIPT: &str = "jeju_web.js";
pub const WASM: &str = "jeju_web_bg.wasm";
/// The page's icon.
pub const FAVICON: &str = "/favicon.svg";

/// Everything the page shows when it is rendered; the server builds one per request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PageState {
    /// The language of the UI and of new questions' answers (`?lang=`).
    pub language: Language,
    /// The conversation to continue; empty for a new one (the first answer brings one).
    pub session_id: String,
    /// The turns of this session already answered (server-rendered, e.g. the no-JS path).
    pub turns: Vec<ChatTurn>,
    /// Whether an LLM is configured (without one the page says answers come from rules).
    pub llm_configured: bool,
    /// Whether the wasm bundle exists (`HYDRATE` from `server/build.rs`): only then does the
    /// page load `/pkg/jeju_web.js` and hydrate. Without it the page works as plain HTML forms.
    #[serde(default)]
    pub hydrate: bool,
    /// Where the bundle's files are linked from: `/pkg/<content hash>` (cached for long,
    /// since a new bundle gets a new directory); empty: [`PKG_PATH`].
    #[serde(default)]
    pub assets: String,
}

impl PageState {
    /// The directory the page links the bundle's files from.
    pub fn assets_dir(&self) -> &str {
        if self.assets.is_empty() {
            PKG_PATH
        } else {
            &self.assets
        }
    }
}

/// One question and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatTurn {
    pub question: String,
    pub answer: Option<AskResponse>,
    pub error: Option<ApiError>,
}

impl PageState {
    /// The JSON that goes into the state `<script>`, safe inside it (see
    /// [`format::json_for_script`]).
    pub fn to_script_json(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "null".to_owned());
        format::json_for_script(&json)
    }
}

/// The page's one inline script, which loads the bundle from `assets_dir` and hydrates the
/// page (the server's Content-Security-Policy allows it by hash).
pub fn hydrate_module(assets_dir: &str) -> String {
    format!(
        "import init, {{ hydrate }} from '{assets_dir}/{SCRIPT}';\
init({{ module_or_path: '{assets_dir}/{WASM}' }}).then(() => hydrate());"
    )
}

/// The whole HTML document (without the doctype: [`render_page`] adds it).
///
/// `options` is put into context (the leptos_axum convention) and otherwise unused: the bundle
/// paths are fixed (`/pkg/jeju_web.js`, `/pkg/jeju_web_bg.wasm`, `/pkg/jeju_web.css`) because
/// `server/build.rs` names the files. The hydration script is included only when
/// `state.hydrate` is true.
#[cfg(feature = "ssr")]
pub fn shell(
    options: leptos::config::LeptosOptions,
    state: PageState,
) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;

    provide_context(options);
    let lang = state.language;
    let title = i18n::strings(lang).title;
    let state_json = state.to_script_json();
    let assets = state.assets_dir().to_owned();
    let stylesheet = format!("{assets}/{STYLESHEET}");
    let scripts = state.hydrate.then(|| {
        view! {
            <link rel="modulepreload" href=format!("{assets}/{SCRIPT}") />
            <link rel="preload" href=format!("{assets}/{WASM}") r#as="fetch" r#type="application/wasm" crossorigin="" />
            <script type="module">{hydrate_module(&assets)}</script>
        }
    });
    view! {
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <meta name="theme-color" content="#f6efe4" />
                <title>{title}</title>
                <link rel="icon" href=FAVICON r#type="image/svg+xml" />
                <link rel="stylesheet" href=stylesheet />
                <script type="application/json" id=STATE_ELEMENT_ID>
                    {state_json}
                </script>
                {scripts}
            </head>
            <body>
                <App state />
            </body>
        </html>
    }
}

/// The options matching the bundle of `server/build.rs` (output name `jeju_web`, served
/// under `/pkg`), for a server that has no other use for `LeptosOptions`.
#[cfg(feature = "ssr")]
pub fn leptos_options() -> leptos::config::LeptosOptions {
    leptos::config::LeptosOptions::builder()
        .output_name("jeju_web")
        .site_pkg_dir("pkg")
        .build()
}

/// The page as a complete HTML string (`<!DOCTYPE html>` + [`shell`] with
/// [`leptos_options`]), rendered inside its own reactive owner that is cleaned up afterwards
/// (so nothing outlives the request). This is all a server needs: no leptos_axum required.
#[cfg(feature = "ssr")]
pub fn render_page(state: PageState) -> String {
    use leptos::prelude::*;

    let owner = Owner::new();
    let html = owner.with(|| shell(leptos_options(), state).to_html());
    owner.cleanup();
    format!("<!DOCTYPE html>{html}")
}

/// Reads the server's [`PageState`] back from the page (`#jeju-state`).
#[cfg(feature = "hydrate")]
fn read_state() -> Option<PageState> {
    let text = leptos::prelude::document()
        .get_element_by_id(STATE_ELEMENT_ID)?
        .text_content()?;
    serde_json::from_str(&text).ok()
}

/// The browser entry point (called by the module script of [`shell`]): hydrates `<body>` with
/// the state the server rendered. Without a readable state the page stays server-rendered
/// (its forms still work) instead of hydrating something different.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::*;

    console_error_panic_hook::set_once();
    match read_state() {
        Some(state) => {
            leptos::mount::hydrate_body(move || view! { <App state /> });
            // Tells tests (and curious humans) that the page is interactive now.
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        }
        None => leptos::logging::error!("jeju-web: no readable #jeju-state; not hydrating"),
    }
}
