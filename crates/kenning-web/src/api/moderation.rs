//! Operators' moderation of the catalog: any product, in any status; taking one off
//! sale with a reason (its creator is told) and allowing it again.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kenning_app::moderation::ProductSearch;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::admin::ReasonRequest;
use super::path_id;
use super::types::{ErrorResponse, timestamp};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductsQuery {
    /// Words in the title (any language).
    pub q: Option<String>,
    /// draft, published or unpublished.
    pub status: Option<String>,
    /// A product kind (`course`, `ebook` …).
    pub kind: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HoldDto {
    pub reason: String,
    pub held_by: String,
    pub held_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminProduct {
    pub id: String,
    pub kind: String,
    pub status: String,
    /// In the caller's language, or the closest one.
    pub title: String,
    pub creator_id: String,
    pub creator_email: String,
    /// Present while an operator holds it off sale.
    pub hold: Option<HoldDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdminProducts {
    pub items: Vec<AdminProduct>,
}

/// Products in any status, newest first, with their creator and any hold (operators).
#[utoipa::path(get, path = "/api/v1/admin/products", tag = "admin",
    security(("bearer" = [])),
    params(ProductsQuery),
    responses(
        (status = 200, body = AdminProducts),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 422, description = "An unknown status or kind", body = ErrorResponse),
    ))]
pub async fn products(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(q): Query<ProductsQuery>,
) -> Result<Json<AdminProducts>, HttpError> {
    let search = ProductSearch {
        words: q.q,
        status: q.status.as_deref().map(str::parse).transpose()?,
        kind: q.kind.as_deref().map(str::parse).transpose()?,
    };
    let lines = state.app.products_for_operators(&user, &search).await?;
    let items = lines
        .into_iter()
        .map(|l| AdminProduct {
            id: l.product.id.to_string(),
            kind: l.product.kind.as_str().to_owned(),
            status: l.product.status.as_str().to_owned(),
            title: l.product.title.get(ctx.locale).to_owned(),
            creator_id: l.product.creator_id.to_string(),
            creator_email: l.creator_email,
            hold: l.hold.map(|h| HoldDto {
                reason: h.reason,
                held_by: h.held_by.to_string(),
                held_at: timestamp(h.held_at_ms),
            }),
        })
        .collect();
    Ok(Json(AdminProducts { items }))
}

/// Take a product off sale with a reason (operators). Its buyers keep their access; its
/// creator is told the reason and cannot publish it again until it is allowed.
#[utoipa::path(post, path = "/api/v1/admin/products/{id}/hold", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = ReasonRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, description = "Off sale already (`already_held`)", body = ErrorResponse),
        (status = 422, description = "No reason (`reason_required`)", body = ErrorResponse),
    ))]
pub async fn hold(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    crate::error::ApiJson(body): crate::error::ApiJson<ReasonRequest>,
) -> Result<StatusCode, HttpError> {
    state
        .app
        .hold_product(&user, path_id(&id)?, &body.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Allow a held product again (operators): its creator may publish it.
#[utoipa::path(delete, path = "/api/v1/admin/products/{id}/hold", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, description = "No such product, or it is not held", body = ErrorResponse),
    ))]
pub async fn release(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    state.app.release_product(&user, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
