//! Personal podcast feeds of audio series.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use kenning_domain::ids::ProductId;
use serde::Serialize;
use utoipa::ToSchema;

use super::types::ErrorResponse;
use super::{path_id, public_base};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedResponse {
    /// The new personal podcast feed address; the previous one no longer works.
    pub feed_url: String,
}

/// Replace your personal podcast feed of an audio series (if the old address leaked).
#[utoipa::path(post, path = "/api/v1/library/{id}/feed/rotate", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id of an audio series you own")),
    responses((status = 200, body = FeedResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
pub async fn rotate_feed(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<FeedResponse>, HttpError> {
    let product: ProductId = path_id(&id)?;
    let path = state.app.rotate_feed(&user, product).await?;
    Ok(Json(FeedResponse {
        feed_url: format!("{}{path}", public_base(&state, &headers)),
    }))
}
