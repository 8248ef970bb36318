//! The operator's tables: tax rates by country and the exchange-rate table.

use askama::Template;
use axum::extract::State;
use axum::response::{Redirect, Response};
use kenning_domain::fx::{ExchangeRate, RateDisplay, parse_rate};
use kenning_domain::money::Currency;
use kenning_domain::tax::TaxRate;
use serde::Deserialize;

use super::forms::CsrfForm;
use super::{Page, ok};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin_rates.html")]
struct RatesTemplate<'a> {
    page: Page<'a>,
    taxes: Vec<TaxRow>,
    currencies: Vec<CurrencyRow>,
    roundings: [&'static str; 4],
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
    let model = state.app.rates_page(&user).await?;
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
    let page = Page::new(&state, &ctx, "rates-title");
    ok(&RatesTemplate {
        taxes,
        currencies,
        roundings: ["exact", "whole", "ninety_nine", "tens"],
        page,
    })
}

#[derive(Deserialize)]
pub struct TaxForm {
    country: String,
    /// Percent, up to two decimals.
    percent: String,
}

pub async fn save_tax(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<TaxForm>,
) -> Result<Redirect, HttpError> {
    let bps = kenning_domain::money::percent_to_bps(&form.percent)
        .ok_or(kenning_domain::DomainError::InvalidTaxRate)?;
    let rate = TaxRate::new(form.country.parse()?, i64::from(bps))?;
    state.app.set_tax_rate(&user, rate).await?;
    Ok(Redirect::to("/admin/rates#tax"))
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
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<CurrencyForm>,
) -> Result<Redirect, HttpError> {
    let rate = ExchangeRate {
        currency: Currency::from_code(&form.currency)?,
        per_base_e8: parse_rate(&form.per_usd)?,
        rounding: form.rounding.parse()?,
        tax_inclusive: form.tax_inclusive.is_some(),
    };
    state.app.set_exchange_rate(&user, rate).await?;
    Ok(Redirect::to("/admin/rates#currencies"))
}
