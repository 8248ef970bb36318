//! The library: everything the caller is entitled to.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;

use super::public_base;
use super::types::{
    ErrorResponse, LibraryItemResponse, LibraryResponse, ProductSummary, timestamp,
};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// Everything the caller is entitled to.
#[utoipa::path(get, path = "/api/v1/library", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = LibraryResponse), (status = 401, body = ErrorResponse)))]
pub async fn library(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    headers: HeaderMap,
) -> Result<Json<LibraryResponse>, HttpError> {
    let items = state.app.library_with_feeds(&user).await?;
    let base = public_base(&state, &headers);
    let items = items
        .iter()
        .map(|item| LibraryItemResponse {
            product: ProductSummary::new(&item.product, ctx.locale, ctx.currency),
            granted_at: timestamp(item.granted_at_ms),
            feed_url: item.feed_path.as_ref().map(|path| format!("{base}{path}")),
        })
        .collect();
    Ok(Json(LibraryResponse { items }))
}
