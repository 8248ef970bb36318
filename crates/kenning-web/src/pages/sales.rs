//! The studio's sales: paid orders of the creator's products (every product's for
//! operators), with what was refunded and a form to refund, in full or in part.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::accounts::CurrentUser;
use kenning_app::refunds::RefundAmount;
use kenning_domain::ids::OrderId;
use kenning_domain::money::Money;
use serde::Deserialize;

use super::forms::{KeptForm, Refused};
use super::{Page, render};
use crate::api::path_id;
use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::state::AppState;

struct SaleRow {
    order_id: String,
    date: String,
    product: String,
    buyer: String,
    total: String,
    refunded: Option<String>,
    /// What is left to refund, in major units (the form's default).
    left: Option<String>,
}

#[derive(Template)]
#[template(path = "studio_sales.html")]
struct SalesTemplate<'a> {
    page: Page<'a>,
    rows: Vec<SaleRow>,
    refunded: bool,
    /// A refund asked for, to confirm before any money moves.
    confirming: Option<Confirmation>,
    /// A refund refused (form `refund-{order id}`).
    refused: Refused,
}

/// What a refund will do, shown before it is made.
struct Confirmation {
    order_id: String,
    /// "Refund $5.00 of $29.99 to …" as a sentence.
    summary: String,
    /// Whether the buyer loses access (a refund of all that is left).
    revokes: bool,
    /// The form's values, sent again on confirming.
    amount: String,
    reason: String,
}

#[derive(Deserialize)]
pub struct SalesParams {
    refunded: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(params): Query<SalesParams>,
) -> Result<Response, HttpError> {
    let shown = Shown {
        refunded: params.refunded.is_some(),
        ..Shown::default()
    };
    sales_page(&state, &ctx, &user, shown).await
}

/// How the sales page is shown: after a refund, asking to confirm one, or with one
/// refused.
#[derive(Default)]
struct Shown {
    refunded: bool,
    /// The order and the refund form as sent, to confirm.
    confirm: Option<(OrderId, RefundForm)>,
    refused: Refused,
}

async fn sales_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    shown: Shown,
) -> Result<Response, HttpError> {
    let page = Page::new(state, ctx, "studio-sales");
    let sales = state.app.my_sales(user).await?;
    let confirming = match &shown.confirm {
        Some((id, form)) => {
            let sale = (sales.iter())
                .find(|s| s.order.id == *id)
                .ok_or_else(|| HttpError::from_app(&kenning_app::AppError::NotFound("order")))?;
            Some(confirmation(&page, sale, form)?)
        }
        None => None,
    };
    let rows = sales
        .iter()
        .map(|s| {
            let o = &s.order;
            let refunded = s.refunded();
            let left = s.refundable()?;
            Ok(SaleRow {
                order_id: o.id.to_string(),
                date: page.date(&o.paid_at_ms.unwrap_or(o.created_at_ms)),
                product: s.product_title.get(ctx.locale).to_owned(),
                buyer: s.buyer_email.clone(),
                total: page.money(&o.total),
                refunded: (s.refunded_minor > 0).then(|| page.money(&refunded)),
                left: (left.amount_minor > 0).then(|| page.money(&left)),
            })
        })
        .collect::<Result<_, kenning_domain::DomainError>>()?;
    Ok(render(
        shown.refused.status(),
        &SalesTemplate {
            rows,
            refunded: shown.refunded,
            confirming,
            refused: shown.refused,
            page,
        },
    ))
}

/// What refunding `form`'s amount of a sale will do; an amount that is not money, or
/// more than is left, is refused here, before anything is asked.
fn confirmation(
    page: &Page<'_>,
    sale: &kenning_app::ports::SaleLine,
    form: &RefundForm,
) -> Result<Confirmation, HttpError> {
    let left = sale.refundable()?;
    let amount = match form.amount.trim() {
        "" => left,
        typed => Money::parse_major(typed, left.currency)?,
    };
    if amount.amount_minor <= 0 || amount.amount_minor > left.amount_minor {
        return Err(kenning_domain::DomainError::InvalidAmount.into());
    }
    let summary = page.t_args(
        "sales-confirm-summary",
        &[
            ("amount", page.money(&amount)),
            ("total", page.money(&sale.order.total)),
            ("buyer", sale.buyer_email.clone()),
            (
                "product",
                sale.product_title.get(page.ctx.locale).to_owned(),
            ),
        ],
    );
    Ok(Confirmation {
        order_id: sale.order.id.to_string(),
        summary,
        revokes: amount == left,
        amount: amount.major_digits(),
        reason: form.reason.clone(),
    })
}

#[derive(Deserialize)]
pub struct RefundForm {
    /// In major units; empty refunds all that is left.
    #[serde(default)]
    amount: String,
    #[serde(default)]
    pub(crate) reason: String,
    /// Present once the person has seen what the refund does and confirmed it.
    #[serde(default)]
    confirmed: Option<String>,
}

impl RefundForm {
    /// How much to give back, as typed.
    pub(crate) fn amount(&self) -> RefundAmount<'_> {
        match self.amount.trim() {
            "" => RefundAmount::Rest,
            typed => RefundAmount::Major(typed),
        }
    }
}

/// A refund: the first press shows what it will do (the amount, and whether the buyer
/// loses access); the second, confirmed, makes it.
pub async fn refund(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<RefundForm>,
) -> Result<Response, HttpError> {
    let id: OrderId = path_id(&id)?;
    let refused = |e| Refused::of(&state, &ctx, format!("refund-{id}"), e, typed.clone());
    if form.confirmed.is_none() {
        let shown = Shown {
            confirm: Some((id, form)),
            ..Shown::default()
        };
        return match sales_page(&state, &ctx, &user, shown).await {
            Ok(page) => Ok(page),
            Err(e) if e.status.is_server_error() => Err(e),
            Err(e) => sales_refused(&state, &ctx, &user, refused(e)?).await,
        };
    }
    match (state.app)
        .refund_order(&user, id, form.amount(), &form.reason)
        .await
    {
        Ok(_) => Ok(Redirect::to("/studio/sales?refunded=1").into_response()),
        Err(e) => sales_refused(&state, &ctx, &user, refused(e.into())?).await,
    }
}

async fn sales_refused(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    refused: Refused,
) -> Result<Response, HttpError> {
    let shown = Shown {
        refused,
        ..Shown::default()
    };
    sales_page(state, ctx, user, shown).await
}
