//! Refunds of paid orders.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kenning_app::refunds::RefundAmount;
use kenning_domain::ids::OrderId;
use serde::Deserialize;
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, OrderResponse};
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefundRequest {
    /// How much to give back, in minor units; omit for all that is left.
    pub amount_minor: Option<i64>,
    /// Kept with the refund (at most 500 characters).
    #[serde(default)]
    pub reason: String,
}

/// Refund an order in full or in part: the product's creator within the refund window
/// (14 days by default), an operator at any time. A full refund ends the buyer's access.
#[utoipa::path(post, path = "/api/v1/orders/{id}/refunds", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = RefundRequest,
    responses(
        (status = 201, body = OrderResponse),
        (status = 404, description = "No such order of your products", body = ErrorResponse),
        (status = 409, description = "Not paid, or past the refund window", body = ErrorResponse),
        (status = 422, description = "More than is left, or not positive", body = ErrorResponse),
    ))]
pub async fn refund_order(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RefundRequest>,
) -> Result<(StatusCode, Json<OrderResponse>), HttpError> {
    let id: OrderId = path_id(&id)?;
    let done = state
        .app
        .refund_order(
            &user,
            id,
            body.amount_minor
                .map_or(RefundAmount::Rest, RefundAmount::Minor),
            &body.reason,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(OrderResponse::from(&done.order).with_refunded(done.refunded)),
    ))
}
