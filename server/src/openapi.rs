//! The OpenAPI document of the JSON API (`GET /api/openapi.json`), derived from the handlers'
//! annotations and the [`jeju_api`] types, so it cannot drift from them.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jeju-rec API",
        description = "Restaurant recommendations and data answers for Jeju island from a graph of the contest data. Errors are `ApiError` objects with a stable `code`; each code has one HTTP status.",
    ),
    paths(crate::routes::ask, crate::routes::ask_stream, crate::routes::health),
    components(schemas(
        jeju_api::AskRequest,
        jeju_api::AskResponse,
        jeju_api::ApiError,
        jeju_api::ErrorCode,
        jeju_api::Health,
        jeju_api::ReviewIndexHealth,
        jeju_api::WarmingUp,
        jeju_api::StreamEvent,
        jeju_api::StageEvent,
        jeju_api::PreliminaryPicks,
    ))
)]
struct ApiDoc;

/// The document as JSON.
pub fn document() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}
