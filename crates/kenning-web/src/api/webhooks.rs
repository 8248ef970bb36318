//! Payment providers' webhooks.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::Serialize;
use utoipa::ToSchema;

use super::types::ErrorResponse;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    /// applied, or duplicate (delivered before: nothing changed)
    pub status: String,
}

/// A payment provider's webhook (`stripe`). The body is checked against the signature
/// header before anything is read from it; a delivery that fails is refused with 400 and
/// logged. A second delivery of an event changes nothing.
#[utoipa::path(post, path = "/api/v1/webhooks/{provider}", tag = "orders",
    params(("provider" = String, Path, description = "stripe")),
    responses(
        (status = 200, body = WebhookResponse),
        (status = 400, description = "Signature, timestamp or event refused", body = ErrorResponse),
        (status = 404, description = "No such provider configured", body = ErrorResponse),
    ))]
pub async fn webhook(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<WebhookResponse>, HttpError> {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let outcome = state
        .app
        .receive_webhook(&provider, &body, signature)
        .await?;
    let status = match outcome {
        kenning_app::checkout::EventOutcome::Applied => "applied",
        kenning_app::checkout::EventOutcome::Duplicate => "duplicate",
    };
    Ok(Json(WebhookResponse {
        status: status.to_owned(),
    }))
}
