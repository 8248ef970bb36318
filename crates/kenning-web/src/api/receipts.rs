//! Receipts of paid orders.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, MoneyDto, OrderResponse, timestamp};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// Who sold, on a receipt.
#[derive(Debug, Serialize, ToSchema)]
pub struct SellerDto {
    pub name: String,
    pub address: Option<String>,
    pub tax_id: Option<String>,
}

/// A paid order's receipt (invoice), for bookkeeping: the page and the PDF at
/// `/orders/{id}/receipt` say the same.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptResponse {
    /// One unbroken series per calendar year, e.g. `2026-000042` (absent on orders paid
    /// before receipts were numbered).
    pub number: Option<String>,
    pub order: OrderResponse,
    /// The operator when it is the merchant of record, else the creator.
    pub seller: SellerDto,
    /// The creator the operator sells for (when the operator is the seller).
    pub on_behalf_of: Option<String>,
    pub buyer_name: String,
    pub buyer_email: String,
    /// The product's title in the caller's language.
    pub item: String,
    /// The total without tax.
    pub net: MoneyDto,
    pub card_last4: Option<String>,
    pub refunds: Vec<RefundLineDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundLineDto {
    pub at: String,
    pub amount: MoneyDto,
}

/// The receipt of a paid order: the buyer's own (operators: any). Unpaid or someone
/// else's: 404.
#[utoipa::path(get, path = "/api/v1/orders/{id}/receipt", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 200, body = ReceiptResponse), (status = 404, body = ErrorResponse)))]
pub async fn get_receipt(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ReceiptResponse>, HttpError> {
    let r = state.app.receipt(&user, path_id(&id)?).await?;
    let refunded = state.app.refunded(&r.order).await?;
    let (seller, on_behalf_of) = match &r.merchant {
        Some(m) => (
            SellerDto {
                name: m.name.clone(),
                address: m.address.clone(),
                tax_id: m.tax_id.clone(),
            },
            Some(r.product.creator_name.clone()),
        ),
        None => (
            SellerDto {
                name: r.product.creator_name.clone(),
                address: None,
                tax_id: None,
            },
            None,
        ),
    };
    Ok(Json(ReceiptResponse {
        number: r.number.map(|n| n.to_string()),
        seller,
        on_behalf_of,
        buyer_name: r.buyer.display_name.as_str().to_owned(),
        buyer_email: r.buyer.email.as_str().to_owned(),
        item: r.product.title.get(ctx.locale).to_owned(),
        net: r.order.net().into(),
        card_last4: r.card_last4.clone(),
        refunds: r
            .refunds
            .iter()
            .map(|(at, amount)| RefundLineDto {
                at: timestamp(*at),
                amount: (*amount).into(),
            })
            .collect(),
        order: OrderResponse::from(&r.order).with_refunded(refunded),
    }))
}
