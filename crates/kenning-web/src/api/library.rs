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
    let items = state.app.library(&user).await?;
    let base = public_base(&state, &headers);
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        let feed_url = state
            .app
            .feed_path(&user, &item.product)
            .await?
            .map(|path| format!("{base}{path}"));
        out.push(LibraryItemResponse {
            product: ProductSummary::new(&item.product, ctx.locale, ctx.currency),
            granted_at: timestamp(item.granted_at_ms),
            feed_url,
        });
    }
    Ok(Json(LibraryResponse { items: out }))
}
