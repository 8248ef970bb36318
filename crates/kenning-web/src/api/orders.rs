//! Orders, payment and the library.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use kenning_app::checkout::{CurrencyChoice, GiftRequest, OrderRequest};
use kenning_app::refunds::RefundAmount;
use kenning_domain::DomainError;
use kenning_domain::ids::{OrderId, ProductId};
use kenning_domain::money::Currency;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::types::{
    CreateOrderRequest, ErrorResponse, LibraryItemResponse, LibraryResponse, MoneyDto,
    OrderResponse, PayOrderRequest, ProductSummary, timestamp,
};
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
                order: OrderResponse::from(&s.order).with_refunded(
                    kenning_domain::money::Money::new(s.refunded_minor, s.order.total.currency),
                ),
                buyer_email: s.buyer_email.clone(),
            })
            .collect(),
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

/// A gift as its claim page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftResponse {
    pub code: String,
    /// Where the person it is for claims it.
    pub claim_path: String,
    pub product_id: String,
    pub product_title: String,
    pub from: String,
    pub to: String,
    pub message: String,
    /// Paid for, so it can be claimed.
    pub paid: bool,
    pub claimed: bool,
}

impl GiftResponse {
    fn new(v: &kenning_app::gifts::GiftView, locale: kenning_domain::locale::Locale) -> Self {
        GiftResponse {
            code: v.gift.code.clone(),
            claim_path: format!("/gifts/{}", v.gift.code),
            product_id: v.product.id.to_string(),
            product_title: v.product.title.get(locale).to_owned(),
            from: v.from.clone(),
            to: v.gift.recipient.as_str().to_owned(),
            message: v.gift.message.clone(),
            paid: v.paid,
            claimed: v.gift.claimed_by.is_some(),
        }
    }
}

/// The gifts the caller bought for others, newest first.
#[utoipa::path(get, path = "/api/v1/gifts", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<GiftResponse>), (status = 401, body = ErrorResponse)))]
pub async fn my_gifts(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Json<Vec<GiftResponse>>, HttpError> {
    let gifts = state.app.my_gifts(&user).await?;
    Ok(Json(
        gifts
            .iter()
            .map(|g| GiftResponse::new(g, ctx.locale))
            .collect(),
    ))
}

/// A gift, by the code in its link.
#[utoipa::path(get, path = "/api/v1/gifts/{code}", tag = "orders",
    params(("code" = String, Path, description = "The code in the claim link")),
    responses((status = 200, body = GiftResponse), (status = 404, body = ErrorResponse)))]
pub async fn get_gift(
    State(state): State<AppState>,
    crate::context::Ctx(ctx): crate::context::Ctx,
    Path(code): Path<String>,
) -> Result<Json<GiftResponse>, HttpError> {
    let gift = state.app.gift(&code).await?;
    Ok(Json(GiftResponse::new(&gift, ctx.locale)))
}

/// Claim a gift: the caller must be signed in with the e-mail it was bought for.
#[utoipa::path(post, path = "/api/v1/gifts/{code}/claim", tag = "orders",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The code in the claim link")),
    responses((status = 200, body = GiftResponse), (status = 403, body = ErrorResponse), (status = 409, body = ErrorResponse)))]
pub async fn claim_gift(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(code): Path<String>,
) -> Result<Json<GiftResponse>, HttpError> {
    let gift = state.app.claim_gift(&user, &code).await?;
    Ok(Json(GiftResponse::new(&gift, ctx.locale)))
}
