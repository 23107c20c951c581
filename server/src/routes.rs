//! The HTTP routes.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::StreamExt;
use jeju_api::{
    ApiError, AskRequest, AskResponse, ErrorCode, Health, HealthStatus, Language, MAX_BODY_BYTES,
};
use jeju_web::PageState;
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tracing::Instrument;

use crate::turn::{clean_question, message_language, run_turn};
use crate::{bundle, openapi, AppState};

/// The server's routes with their limits and headers.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/ask", post(ask))
        .route("/api/ask/stream", get(ask_stream))
        .route("/api/health", get(health))
        .route("/api/live", get(live))
        .route("/api/ready", get(ready))
        .route("/api/openapi.json", get(openapi_json))
        .route("/metrics", get(metrics))
        .route("/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .route("/pkg/{file}", get(pkg_file))
        .route("/pkg/{version}/{*file}", get(pkg_file_versioned))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // A request id per request (the proxy's `X-Request-Id` when it sent one), on the
        // request's span (so every log line of a turn carries it) and echoed in the response.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // Gzip for pages, JSON, wasm and JS; never for the event stream (the default
        // predicate leaves `text/event-stream` alone).
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(),
        ))
        .with_state(state)
}

/// The page may load scripts, styles, the wasm and the answer stream from this server only;
/// its one inline script (the hydration module, [`jeju_web::hydrate_module`]) is allowed by
/// its SHA-256, so an injected `<script>` or `on…=` handler would not run even if escaping
/// failed. `'wasm-unsafe-eval'` lets it compile its WebAssembly, and nothing else.
pub fn content_security_policy() -> HeaderValue {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(jeju_web::hydrate_module(&crate::assets_dir()).as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest);
    let policy = format!(
        "default-src 'none'; script-src 'self' 'sha256-{hash}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    // Base64 and ASCII text: always a valid header value.
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// An [`ApiError`] as an HTTP response with its code's status.
pub struct ErrorResponse(pub ApiError);

impl IntoResponse for ErrorResponse {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.0)).into_response()
    }
}

fn rejection_code(rejection: &JsonRejection) -> ErrorCode {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ErrorCode::BodyTooLarge
    } else {
        ErrorCode::InvalidRequest
    }
}

/// Answers a question (the whole result at once).
#[utoipa::path(
    post,
    path = "/api/ask",
    request_body = AskRequest,
    responses(
        (status = 200, description = "The answer", body = AskResponse),
        (status = 400, description = "Empty or too long question, or a malformed request", body = ApiError),
        (status = 413, description = "Request body too large", body = ApiError),
        (status = 429, description = "Too many questions waiting", body = ApiError),
        (status = 503, description = "The graph database cannot be reached", body = ApiError),
        (status = 504, description = "The turn took too long", body = ApiError),
        (status = 500, description = "A bug (logged on the server)", body = ApiError),
    )
)]
pub async fn ask(
    State(state): State<Arc<AppState>>,
    body: Result<Json<AskRequest>, JsonRejection>,
) -> Response {
    let req = match body {
        Ok(Json(req)) => req,
        Err(rejection) => {
            let code = rejection_code(&rejection);
            state.metrics.error(code);
            return ErrorResponse(ApiError::new(code, Language::default())).into_response();
        }
    };
    let lang = message_language(&req);
    if let Err(code) = clean_question(&req.question) {
        state.metrics.error(code);
        return ErrorResponse(ApiError::new(code, lang)).into_response();
    }
    // The turn runs in its own task: a panic in it becomes an `internal` error.
    let task = tokio::spawn({
        let state = state.clone();
        async move { run_turn(&state, req, None).await }.instrument(tracing::Span::current())
    });
    match task.await {
        Ok((_, Ok(response))) => Json(response).into_response(),
        Ok((_, Err(e))) => ErrorResponse(e).into_response(),
        Err(join) => {
            tracing::error!(error = %join, "turn task failed");
            ErrorResponse(ApiError::new(ErrorCode::Internal, lang)).into_response()
        }
    }
}

/// Query of `GET /api/ask/stream`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StreamQuery {
    /// The question.
    pub question: Option<String>,
    pub session_id: Option<String>,
    /// `ko` or `en`.
    pub language: Option<String>,
}

/// Answers a question as Server-Sent Events: `stage` events while the pipeline runs, a
/// `pick` per recommendation as soon as it is chosen, then `answer` (or `error`) last.
#[utoipa::path(
    get,
    path = "/api/ask/stream",
    params(StreamQuery),
    responses(
        (status = 200, description = "An event stream (text/event-stream) of StreamEvent: event `stage` (StageEvent), `pick` (PickCard), `answer` (AskResponse, last) or `error` (ApiError, last)", content_type = "text/event-stream", body = jeju_api::StreamEvent),
        (status = 400, description = "Empty or too long question", body = ApiError),
    )
)]
pub async fn ask_stream(
    State(state): State<Arc<AppState>>,
    Query(q): Query<StreamQuery>,
) -> Response {
    let req = AskRequest {
        question: q.question.unwrap_or_default(),
        session_id: q.session_id,
        language: q.language.as_deref().and_then(Language::parse),
    };
    let lang = message_language(&req);
    if let Err(code) = clean_question(&req.question) {
        state.metrics.error(code);
        return ErrorResponse(ApiError::new(code, lang)).into_response();
    }
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let span = tracing::Span::current();
    tokio::spawn({
        let state = state.clone();
        async move {
            let errors = tx.clone();
            let task = tokio::spawn(
                async move { run_turn(&state, req, Some(tx)).await }
                    .instrument(tracing::Span::current()),
            );
            if let Err(join) = task.await {
                tracing::error!(error = %join, "turn task failed");
                let _ = errors.send(jeju_api::StreamEvent::Error(ApiError::new(
                    ErrorCode::Internal,
                    lang,
                )));
            }
        }
        .instrument(span)
    });
    let events = tokio_stream::wrappers::UnboundedReceiverStream::new(rx).map(|event| {
        Ok::<Event, Infallible>(Event::default().event(event.name()).data(event.data_json()))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Which parts answer. 200 while the graph answers (status `ok`, or `degraded` when the LLM
/// or review search is missing), 503 when it does not.
#[utoipa::path(
    get,
    path = "/api/health",
    responses(
        (status = 200, description = "The graph answers", body = Health),
        (status = 503, description = "The graph does not answer", body = Health),
    )
)]
pub async fn health(State(state): State<Arc<AppState>>) -> Response {
    let parts = state.pipeline.health().await;
    let status = if !parts.graph {
        HealthStatus::Down
    } else if parts.llm == Some(false) || !parts.review_search {
        HealthStatus::Degraded
    } else {
        HealthStatus::Ok
    };
    let body = Health {
        status,
        graph: parts.graph,
        llm: parts.llm,
        review_search: parts.review_search,
        review_index: state.review_index(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let code = if parts.graph {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body)).into_response()
}

/// The span of one request: method, path and request id.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}

/// The process is up (a liveness probe: no part is asked).
async fn live() -> Response {
    Json(serde_json::json!({"live": true})).into_response()
}

/// Ready for questions: the graph answers, and the shared session store when one is
/// configured. 200 or 503 (a readiness probe: a load balancer sends no questions until 200).
async fn ready(State(state): State<Arc<AppState>>) -> Response {
    let parts = state.pipeline.health().await;
    let store = state.sessions.store_answers().await;
    let ready = parts.graph && store != Some(false);
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "ready": ready,
        "graph": parts.graph,
        "session_store": store,
    });
    (code, Json(body)).into_response()
}

/// `/metrics` in the Prometheus text format ([`crate::metrics`]).
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}

/// The page's icon (an SVG tangerine), cached for a day.
async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
        .into_response()
}

const FAVICON: &[u8] = include_bytes!("../assets/favicon.svg");

async fn openapi_json() -> Response {
    Json(openapi::document()).into_response()
}

/// A bundle file under its content-hashed directory (`/pkg/<version>/…`, the page's links):
/// cached for a year, since another bundle gets another directory. A stale version (a page
/// from before a deploy) gets the current file, not cached.
async fn pkg_file_versioned(Path((version, file)): Path<(String, String)>) -> Response {
    let cache = if version == bundle::VERSION {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    match bundle::file(&file) {
        Some((mime, bytes)) => (
            [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache)],
            bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn pkg_file(Path(file): Path<String>) -> Response {
    match bundle::file(&file) {
        Some((mime, bytes)) => (
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"code": "not_found", "message": "no such endpoint"})),
        )
            .into_response()
    } else {
        Redirect::to("/").into_response()
    }
}

/// Query of the page.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    session_id: Option<String>,
    lang: Option<String>,
    /// A question from the plain form (no JavaScript).
    q: Option<String>,
}

/// The page's language: `?lang=`, else the browser's `Accept-Language`, else Korean.
fn page_language(query: Option<&str>, headers: &HeaderMap) -> Language {
    if let Some(l) = query.and_then(Language::parse) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let first = accept.split(',').next().unwrap_or("").trim();
    if first.to_ascii_lowercase().starts_with("en") {
        Language::En
    } else {
        Language::Ko
    }
}

/// The chat page with the conversation so far. With `q`, answers it first and redirects to
/// the conversation (so a reload does not ask again).
async fn page(
    State(state): State<Arc<AppState>>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let language = page_language(query.lang.as_deref(), &headers);
    if let Some(q) = query.q {
        let req = AskRequest {
            question: q,
            session_id: query.session_id.clone(),
            language: Some(language),
        };
        let task = tokio::spawn({
            let state = state.clone();
            async move { run_turn(&state, req, None).await }.instrument(tracing::Span::current())
        });
        let session_id = match task.await {
            Ok((id, _)) => id,
            Err(join) => {
                tracing::error!(error = %join, "turn task failed");
                query.session_id.unwrap_or_default()
            }
        };
        return Redirect::to(&format!(
            "/?session_id={session_id}&lang={}#latest",
            language.code()
        ))
        .into_response();
    }
    let (session_id, turns) = state.sessions.page_turns(query.session_id.as_deref()).await;
    let page = PageState {
        language,
        session_id,
        turns,
        llm_configured: state.pipeline.has_llm(),
        hydrate: bundle::HYDRATE,
        assets: crate::assets_dir(),
    };
    let html = jeju_web::render_page(page);
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Html(html),
    )
        .into_response()
}
