//! Orders: creating them, reading them, and paying them (a card typed here, or the
//! provider's own page).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use kenning_app::checkout::{CurrencyChoice, GiftRequest, OrderRequest};
use kenning_domain::DomainError;
use kenning_domain::ids::{OrderId, ProductId};
use kenning_domain::money::Currency;
use serde::Serialize;
use utoipa::ToSchema;

use super::types::{CreateOrderRequest, ErrorResponse, OrderResponse, PayOrderRequest};
use super::{path_id, public_base};
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

/// Create an order for a product. Requires an `Idempotency-Key` header: a retry with the
/// same key from the same person returns the same order and answer, marked with
/// `Idempotent-Replayed: true`.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders",
    security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "Unique per purchase attempt")),
    request_body = CreateOrderRequest,
    responses(
        (status = 201, body = OrderResponse, headers(
            ("Idempotent-Replayed" = String, description = "`true` when this key was seen before")
        )),
        (status = 401, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, description = "Already owned, free, or key reused", body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn create_order(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateOrderRequest>,
) -> Result<
    (
        StatusCode,
        [(HeaderName, HeaderValue); 1],
        Json<OrderResponse>,
    ),
    HttpError,
> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or(DomainError::InvalidIdempotencyKey)?;
    let product_id: ProductId = path_id(&body.product_id)?;
    let currency = match body.currency.as_deref() {
        Some(code) => CurrencyChoice::Exactly(Currency::from_code(code)?),
        None => CurrencyChoice::Prefer(ctx.currency),
    };
    let country = match body.country.as_deref() {
        Some(code) => code.parse()?,
        None => ctx.country.clone(),
    };
    let now = state.app.now_ms();
    let (order, created) = state
        .app
        .create_order(
            &user,
            OrderRequest {
                product_id,
                lesson_id: body.lesson_id.as_deref().map(path_id).transpose()?,
                currency,
                idempotency_key: key,
                coupon: body.coupon.as_deref(),
                gift: body.gift_to.as_deref().map(|to| GiftRequest {
                    to,
                    message: body.gift_message.as_deref().unwrap_or_default(),
                }),
                country: &country,
                referral: body.referral.as_deref().map(|code| (code, now)),
                question: body.question.as_deref(),
            },
        )
        .await?;
    let replayed = HeaderValue::from_static(if created { "false" } else { "true" });
    Ok((
        StatusCode::CREATED,
        [(HeaderName::from_static("idempotent-replayed"), replayed)],
        Json(OrderResponse::from(&order)),
    ))
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<OrderResponse>), (status = 401, body = ErrorResponse)))]
pub async fn list_orders(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<Vec<OrderResponse>>, HttpError> {
    let orders = state.app.my_orders(&user).await?;
    let mut out = Vec::with_capacity(orders.len());
    for order in &orders {
        let refunded = state.app.refunded(order).await?;
        out.push(OrderResponse::from(order).with_refunded(refunded));
    }
    Ok(Json(out))
}

/// One of the caller's orders; anyone else's is 404.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses((status = 200, body = OrderResponse), (status = 404, body = ErrorResponse)))]
pub async fn get_order(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<OrderResponse>, HttpError> {
    let id: OrderId = path_id(&id)?;
    let view = state.app.my_order(&user, id).await?;
    let refunded = state.app.refunded(&view.order).await?;
    Ok(Json(
        OrderResponse::from(&view.order).with_refunded(refunded),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutSessionResponse {
    /// Where to send the buyer to pay (the provider's page); null when already paid.
    pub url: Option<String>,
}

/// Open the payment provider's own checkout page for an order (Stripe Checkout, when
/// Kenning runs with a Stripe key). The order is settled by the provider's webhook.
#[utoipa::path(post, path = "/api/v1/orders/{id}/checkout-session", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, body = CheckoutSessionResponse),
        (status = 404, description = "No such order of yours", body = ErrorResponse),
        (status = 409, description = "The provider takes cards directly (the sandbox): use /pay", body = ErrorResponse),
    ))]
pub async fn checkout_session(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CheckoutSessionResponse>, HttpError> {
    let site = public_base(&state, &headers);
    let url = state
        .app
        .hosted_checkout(&user, path_id(&id)?, ctx.locale, &site)
        .await?;
    Ok(Json(CheckoutSessionResponse { url }))
}

/// Pay an order with a card through the payment provider (the offline sandbox by
/// default). Paying a paid order returns it and charges nothing.
#[utoipa::path(post, path = "/api/v1/orders/{id}/pay", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    request_body = PayOrderRequest,
    responses(
        (status = 200, body = OrderResponse),
        (status = 402, description = "Card declined", body = ErrorResponse),
        (status = 404, description = "No such order of yours", body = ErrorResponse),
        (status = 409, description = "A payment is already in progress", body = ErrorResponse),
        (status = 422, description = "Invalid card number", body = ErrorResponse),
    ))]
pub async fn pay_order(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PayOrderRequest>,
) -> Result<Json<OrderResponse>, HttpError> {
    let id: OrderId = path_id(&id)?;
    let order = state.app.pay(&user, id, &body.card_number).await?;
    Ok(Json(OrderResponse::from(&order)))
}
