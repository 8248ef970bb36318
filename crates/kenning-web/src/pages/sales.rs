//! The studio's sales: paid orders of the creator's products (every product's for
//! operators), with what was refunded and a form to refund, in full or in part.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};
use kenning_app::refunds::RefundAmount;
use kenning_domain::ids::OrderId;
use serde::Deserialize;

use super::forms::CsrfForm;
use super::{Page, ok};
use crate::api::path_id;
use crate::context::SignedIn;
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
    let page = Page::new(&state, &ctx, "studio-sales");
    let rows = state
        .app
        .my_sales(&user)
        .await?
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
                left: (left.amount_minor > 0).then(|| left.major_digits()),
            })
        })
        .collect::<Result<_, kenning_domain::DomainError>>()?;
    ok(&SalesTemplate {
        rows,
        refunded: params.refunded.is_some(),
        page,
    })
}

#[derive(Deserialize)]
pub struct RefundForm {
    /// In major units; empty refunds all that is left.
    #[serde(default)]
    amount: String,
    #[serde(default)]
    pub(crate) reason: String,
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

pub async fn refund(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RefundForm>,
) -> Result<Redirect, HttpError> {
    let id: OrderId = path_id(&id)?;
    state
        .app
        .refund_order(&user, id, form.amount(), &form.reason)
        .await?;
    Ok(Redirect::to("/studio/sales?refunded=1"))
}
