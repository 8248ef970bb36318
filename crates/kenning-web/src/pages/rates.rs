//! The operator's tables: tax rates by country and the exchange-rate table.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::accounts::CurrentUser;
use kenning_domain::fx::{ExchangeRate, RateDisplay, parse_rate};
use kenning_domain::money::Currency;
use kenning_domain::tax::TaxRate;
use serde::Deserialize;

use super::forms::{KeptForm, Refused, Typed};
use super::{Page, render};
use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin_rates.html")]
struct RatesTemplate<'a> {
    page: Page<'a>,
    taxes: Vec<TaxRow>,
    currencies: Vec<CurrencyRow>,
    roundings: [&'static str; 4],
    /// A form refused: each names itself in a hidden `form` field (`currency-USD`,
    /// `currency-new`, `tax-DE`, `tax-new`).
    refused: Refused,
}

/// A country's tax rate.
struct TaxRow {
    country: String,
    /// In percent, without the sign.
    percent: String,
}

/// A currency of the rate table.
struct CurrencyRow {
    code: String,
    per_usd: String,
    rounding: String,
    tax_inclusive: bool,
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    rates_page(&state, &ctx, &user, Refused::default()).await
}

async fn rates_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    refused: Refused,
) -> Result<Response, HttpError> {
    let model = state.app.rates_page(user).await?;
    let taxes = model
        .taxes
        .iter()
        .map(|r| TaxRow {
            country: r.country.to_string(),
            percent: kenning_domain::money::bps_to_percent(r.rate_bps),
        })
        .collect();
    let currencies = model
        .currencies
        .iter()
        .map(|r| CurrencyRow {
            code: r.currency.code().to_owned(),
            per_usd: RateDisplay(r.per_base_e8).to_string(),
            rounding: r.rounding.as_str().to_owned(),
            tax_inclusive: r.tax_inclusive,
        })
        .collect();
    let page = Page::new(state, ctx, "rates-title");
    Ok(render(
        refused.status(),
        &RatesTemplate {
            taxes,
            currencies,
            roundings: ["exact", "whole", "ninety_nine", "tens"],
            refused,
            page,
        },
    ))
}

/// After a change to a table: back to it, or the page again with the refused form's
/// values and the reason beside it.
async fn after_change(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    typed: Typed,
    done: Result<(), HttpError>,
    back: &str,
) -> Result<Response, HttpError> {
    match done {
        Ok(()) => Ok(Redirect::to(back).into_response()),
        Err(e) => {
            let form = typed.get("form").unwrap_or_default().to_owned();
            let refused = Refused::of(state, ctx, form, e, typed)?;
            rates_page(state, ctx, user, refused).await
        }
    }
}

#[derive(Deserialize)]
pub struct TaxForm {
    country: String,
    /// Percent, up to two decimals.
    percent: String,
}

pub async fn save_tax(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    KeptForm(form, typed): KeptForm<TaxForm>,
) -> Result<Response, HttpError> {
    let done = async {
        let bps = kenning_domain::money::percent_to_bps(&form.percent)
            .ok_or(kenning_domain::DomainError::InvalidTaxRate)?;
        let rate = TaxRate::new(form.country.parse()?, i64::from(bps))?;
        state.app.set_tax_rate(&user, rate).await?;
        Ok(())
    };
    after_change(&state, &ctx, &user, typed, done.await, "/admin/rates#tax").await
}

#[derive(Deserialize)]
pub struct CurrencyForm {
    currency: String,
    per_usd: String,
    rounding: String,
    /// A checkbox: present when ticked.
    tax_inclusive: Option<String>,
}

pub async fn save_currency(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    KeptForm(form, typed): KeptForm<CurrencyForm>,
) -> Result<Response, HttpError> {
    let done = async {
        let rate = ExchangeRate {
            currency: Currency::from_code(form.currency.trim())?,
            per_base_e8: parse_rate(form.per_usd.trim())?,
            rounding: form.rounding.parse()?,
            tax_inclusive: form.tax_inclusive.is_some(),
        };
        state.app.set_exchange_rate(&user, rate).await?;
        Ok(())
    };
    let back = "/admin/rates#currencies";
    after_change(&state, &ctx, &user, typed, done.await, back).await
}
