//! The console's payouts: what a run would pay, to whom (by name, with the payout
//! details they gave), approved with one button; and the latest payouts.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Redirect, Response};
use kenning_domain::money::Currency;
use serde::Deserialize;

use super::forms::CsrfForm;
use super::{Page, ok};
use crate::api::revenue::DEFAULT_PAYOUT_MINIMUM;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// A line of the preview or of the latest payouts.
struct PayeeRow {
    name: String,
    email: String,
    reference: String,
    amount: String,
    when: String,
}

#[derive(Template)]
#[template(path = "admin_payouts.html")]
struct PayoutsTemplate<'a> {
    page: Page<'a>,
    currency: String,
    minimum: i64,
    preview: Vec<PayeeRow>,
    latest: Vec<PayeeRow>,
    /// How many payouts the last approval made.
    done: Option<i64>,
}

#[derive(Deserialize)]
pub struct PayoutQuery {
    #[serde(default)]
    currency: String,
    minimum: Option<i64>,
    done: Option<i64>,
}

fn currency_of(code: &str) -> Result<Option<Currency>, HttpError> {
    match code.trim() {
        "" => Ok(None),
        code => Ok(Some(Currency::from_code(code)?)),
    }
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(q): Query<PayoutQuery>,
) -> Result<Response, HttpError> {
    let minimum = q.minimum.unwrap_or(DEFAULT_PAYOUT_MINIMUM);
    let currency = currency_of(&q.currency)?;
    let (preview, latest) = tokio::try_join!(
        state.app.payout_preview(&user, currency, minimum),
        state.app.payouts(&user),
    )?;
    let page = Page::new(&state, &ctx, "admin-payouts");
    let preview = preview
        .iter()
        .map(|p| PayeeRow {
            name: p.name.clone(),
            email: p.email.clone(),
            reference: p.reference.clone().unwrap_or_default(),
            amount: page.tr.money(&p.amount),
            when: String::new(),
        })
        .collect();
    let latest = latest
        .iter()
        .map(|p| PayeeRow {
            name: String::new(),
            email: p.account_id.to_string(),
            reference: String::new(),
            amount: page.tr.money(&p.amount),
            when: page.tr.datetime(p.created_at_ms),
        })
        .collect();
    ok(&PayoutsTemplate {
        currency: currency.map(|c| c.code().to_owned()).unwrap_or_default(),
        minimum,
        preview,
        latest,
        done: q.done,
        page,
    })
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    currency: String,
    minimum: i64,
}

/// Approves the run previewed: pays everyone owed at least the minimum now.
pub async fn approve(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<ApproveForm>,
) -> Result<Redirect, HttpError> {
    let currency = currency_of(&form.currency)?;
    let made = state.app.run_payouts(&user, currency, form.minimum).await?;
    Ok(Redirect::to(&format!(
        "/admin/payouts?done={}&minimum={}&currency={}",
        made.len(),
        form.minimum,
        form.currency.trim()
    )))
}
