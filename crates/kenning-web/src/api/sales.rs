//! Sales: paid orders of your products, what you refund from.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::types::{ErrorResponse, OrderResponse};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SaleResponse {
    #[serde(flatten)]
    pub order: OrderResponse,
    pub buyer_email: String,
}

/// Paid orders of your products (every product's for operators), newest first, with
/// what was refunded: what you refund from.
#[utoipa::path(get, path = "/api/v1/me/sales", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<SaleResponse>), (status = 403, body = ErrorResponse)))]
pub async fn my_sales(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<Vec<SaleResponse>>, HttpError> {
    let sales = state.app.my_sales(&user).await?;
    Ok(Json(
        sales
            .iter()
            .map(|s| SaleResponse {
                order: OrderResponse::from(&s.order).with_refunded(s.refunded()),
                buyer_email: s.buyer_email.clone(),
            })
            .collect(),
    ))
}
