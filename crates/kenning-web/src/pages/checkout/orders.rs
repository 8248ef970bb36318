//! Orders from the site: "buy", the checkout page and paying it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::AppError;
use kenning_app::checkout::{AfterPayment, CurrencyChoice, GiftRequest, OrderRequest};
use kenning_domain::fx::RateDisplay;
use kenning_domain::ids::{OrderId, ProductId};
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::OrderStatus;
use serde::Deserialize;

use crate::api::path_id;
use kenning_app::accounts::CurrentUser;

use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::pages::forms::{CsrfForm, EmptyForm, KeptForm, Refused};
use crate::pages::storefront::refused_product_page;
use crate::pages::{Page, render};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct BuyForm {
    key: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    coupon: String,
    /// Set when buying as a gift: who it is for, and a message.
    #[serde(default)]
    gift_to: String,
    #[serde(default)]
    gift_message: String,
    /// Where the buyer is, for tax (the page offers the one it guessed).
    #[serde(default)]
    country: String,
    /// Set when buying one lesson on its own.
    #[serde(default)]
    lesson: String,
    /// The question, when buying a consultation.
    #[serde(default)]
    question: String,
}

/// "Buy": creates (or finds, for a resubmitted form) the order and opens its checkout.
pub async fn buy(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<BuyForm>,
) -> Result<Response, HttpError> {
    let product_id: ProductId = path_id(&id)?;
    match place_order(&state, &ctx, &user, product_id, &form).await {
        Ok(order) => Ok(Redirect::to(&format!("/orders/{order}")).into_response()),
        Err(e) => {
            let refused = Refused::of(&state, &ctx, "buy", e, typed)?;
            refused_product_page(&state, &ctx, product_id, refused).await
        }
    }
}

async fn place_order(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    product_id: ProductId,
    form: &BuyForm,
) -> Result<OrderId, HttpError> {
    // The form names the currency of the price the person saw.
    let currency = match Currency::from_code(&form.currency) {
        Ok(c) => CurrencyChoice::Exactly(c),
        Err(_) => CurrencyChoice::Prefer(ctx.currency),
    };
    let country = match form.country.trim() {
        "" => ctx.country.clone(),
        code => code.parse()?,
    };
    let (order, _) = state
        .app
        .create_order(
            user,
            OrderRequest {
                product_id,
                lesson_id: match form.lesson.trim() {
                    "" => None,
                    lesson => Some(path_id(lesson)?),
                },
                currency,
                idempotency_key: &form.key,
                coupon: Some(form.coupon.as_str()),
                gift: (!form.gift_to.trim().is_empty()).then_some(GiftRequest {
                    to: &form.gift_to,
                    message: &form.gift_message,
                }),
                country: &country,
                referral: ctx
                    .referral
                    .as_ref()
                    .map(|(code, since)| (code.as_str(), *since)),
                question: Some(form.question.as_str()),
            },
        )
        .await?;
    Ok(order.id)
}

/// "Get for free".
pub async fn claim(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let product_id: ProductId = path_id(&id)?;
    state.app.claim_free(&user, product_id).await?;
    Ok(Redirect::to(&format!("/products/{product_id}?purchased=1")))
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderTemplate<'a> {
    page: Page<'a>,
    order_id: String,
    product_id: String,
    product_title: String,
    total: String,
    /// When a coupon was used.
    discount: Option<DiscountLine>,
    /// When the buyer's country charges tax.
    tax: Option<TaxLine>,
    /// "1 CNY = 0.1296 EUR" when the price was converted.
    converted: Option<String>,
    paid: bool,
    /// Waiting for the bank's confirmation.
    processing: bool,
    /// Released unpaid: the buyer already held what it buys.
    released: bool,
    error: Option<String>,
    card_number: String,
    /// False when buyers pay on the provider's own page (Stripe Checkout).
    takes_cards: bool,
    /// Back from the provider's page, waiting for its confirmation.
    returning: bool,
}

/// The coupon used and what it took off.
struct DiscountLine {
    code: String,
    off: String,
}

/// The tax within the total.
struct TaxLine {
    label: String,
    amount: String,
}

/// How the order page is shown: after an ordinary visit, a refused payment, or on the
/// way back from the provider's page.
struct Shown {
    status: StatusCode,
    /// Why the payment was refused.
    error: Option<String>,
    /// The number typed, kept after a refusal.
    card_number: String,
    /// Back from the provider's page, waiting for its confirmation.
    returning: bool,
}

async fn order_page(
    state: &AppState,
    ctx: &crate::context::RequestContext,
    user: &kenning_app::accounts::CurrentUser,
    id: OrderId,
    shown: Shown,
) -> Result<Response, HttpError> {
    let view = state.app.order_to_pay(user, id).await?;
    let page = Page::new(state, ctx, "checkout-title");
    let order = &view.order;
    let template = OrderTemplate {
        order_id: order.id.to_string(),
        product_id: view.product.id.to_string(),
        product_title: view.product.title.get(ctx.locale).to_owned(),
        total: page.money(&order.total),
        discount: order.coupon.as_ref().map(|code| DiscountLine {
            code: code.to_string(),
            off: page.money(&Money::new(order.discount_minor, order.total.currency)),
        }),
        tax: (order.tax.as_ref().filter(|t| t.rate_bps > 0)).map(|t| TaxLine {
            label: crate::pages::receipts::tax_label(page.tr, t),
            amount: page.money(&t.amount),
        }),
        // "1 CNY = 0.1296 EUR": the rate the price was converted at, as a sentence.
        converted: (order.conversion).map(|c| {
            format!(
                "1 {} = {} {}",
                c.from.code(),
                RateDisplay(c.rate_e8),
                order.total.currency.code()
            )
        }),
        paid: order.status == OrderStatus::Paid,
        processing: order.status == OrderStatus::Processing,
        released: order.status == OrderStatus::Released,
        error: shown.error,
        card_number: shown.card_number,
        takes_cards: state.app.takes_cards(),
        returning: shown.returning,
        page,
    };
    Ok(render(shown.status, &template))
}

#[derive(Deserialize)]
pub struct OrderParams {
    /// Set on the way back from the provider's payment page.
    paying: Option<String>,
}

pub async fn order(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    axum::extract::Query(params): axum::extract::Query<OrderParams>,
) -> Result<Response, HttpError> {
    let id: OrderId = path_id(&id)?;
    let shown = Shown {
        status: StatusCode::OK,
        error: None,
        card_number: String::new(),
        returning: params.paying.is_some(),
    };
    order_page(&state, &ctx, &user, id, shown).await
}

/// "Pay" with a provider that takes cards on its own page: off to that page.
/// A paying address opened as a page (a "processing" page refreshing itself, a stale
/// form sent back through the login, a bookmark): the order's own page, which shows
/// where the payment stands.
pub async fn back_to_order(Path(id): Path<String>) -> Result<Redirect, HttpError> {
    let id: OrderId = path_id(&id)?;
    Ok(Redirect::to(&format!("/orders/{id}")))
}

pub async fn pay_hosted(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let id: OrderId = path_id(&id)?;
    let site = crate::api::public_base(&state, &headers);
    let url = state
        .app
        .hosted_checkout(&user, id, ctx.locale, &site)
        .await?;
    Ok(Redirect::to(
        url.as_deref().unwrap_or(&format!("/orders/{id}")),
    ))
}

#[derive(Deserialize)]
pub struct PayForm {
    card_number: String,
}

pub async fn pay(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PayForm>,
) -> Result<Response, HttpError> {
    let id: OrderId = path_id(&id)?;
    match state.app.pay_from_site(&user, id, &form.card_number).await {
        Ok(next) => Ok(Redirect::to(&after_payment(id, &next)).into_response()),
        // Already held: the order page says it was cancelled (a reload posts nothing).
        Err(AppError::AlreadyOwned) => Ok(Redirect::to(&format!("/orders/{id}")).into_response()),
        // A refused card, a bad number or another tab paying is shown on the checkout
        // page, not an error page.
        Err(
            e @ (AppError::PaymentDeclined(_) | AppError::Invalid(_) | AppError::PaymentInProgress),
        ) => {
            let report = HttpError::from_app(&e);
            let shown = Shown {
                status: report.status,
                error: Some(report.message(&state.i18n, ctx.locale)),
                card_number: form.card_number,
                returning: false,
            };
            order_page(&state, &ctx, &user, id, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Where a buyer goes once paid.
fn after_payment(order: OrderId, next: &AfterPayment) -> String {
    match next {
        AfterPayment::Processing => format!("/orders/{order}"),
        AfterPayment::Gift(code) => format!("/gifts/{code}?sent=1"),
        AfterPayment::Lesson(lesson) => format!("/lessons/{lesson}"),
        AfterPayment::Question => "/questions?asked=1".to_owned(),
        AfterPayment::Product(product) => format!("/products/{product}?purchased=1"),
    }
}
