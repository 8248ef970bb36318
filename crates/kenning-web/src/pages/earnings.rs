//! Earnings: monthly statements per currency (and as CSV), the referral link, the
//! creator's affiliate programme, partner contracts and, for operators, payout runs.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Redirect, Response};
use kenning_app::pages::earnings::Contract;
use kenning_app::ports::PayoutRecord;
use kenning_domain::money::{Currency, bps_to_percent};
use std::collections::HashMap;

use kenning_app::revenue::SaleDetail;
use kenning_domain::ids::OrderId;
use kenning_domain::statement::{SaleBreakdown, Statement};
use serde::Deserialize;

use super::forms::{CsrfForm, KeptForm};
use super::{Page, ok};
use crate::api::revenue::{DEFAULT_PAYOUT_MINIMUM, period_of, statements_csv};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// One currency's month.
struct StatementBlock {
    currency: String,
    opening: String,
    earned: String,
    refunded: String,
    paid_out: String,
    closing: String,
    lines: Vec<StatementRow>,
}

/// One movement of a statement.
struct StatementRow {
    date: String,
    /// What it was (sale, refund, payout …).
    kind: String,
    role: String,
    order_id: String,
    /// The product sold, for sales and refunds.
    product: String,
    /// Where the sale's money went ("Paid $35.69 · tax $5.70 · …").
    breakdown: String,
    amount: String,
}

/// The creator's affiliate programme as its form shows it.
struct ProgramFields {
    /// Percent, without the sign.
    percent: String,
    cookie_days: i64,
}

/// A partner contract.
struct ContractRow {
    role: String,
    share: String,
    /// The product it covers, or "all products".
    scope: String,
    from: String,
    until: String,
}

/// A payout run's line, for operators.
struct PayoutRow {
    when: String,
    account_id: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "earnings.html")]
struct EarningsTemplate<'a> {
    page: Page<'a>,
    month: String,
    previous: String,
    next: String,
    statements: Vec<StatementBlock>,
    referral_link: String,
    /// For creators.
    program: Option<ProgramFields>,
    contracts: Vec<ContractRow>,
    /// Recent payouts, for operators.
    payouts: Option<Vec<PayoutRow>>,
    payout_minimum: i64,
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct MonthParams {
    month: Option<String>,
    done: Option<String>,
}

fn percent(bps: u16) -> String {
    format!("{}%", kenning_domain::money::bps_to_percent(bps))
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(params): Query<MonthParams>,
    headers: axum::http::HeaderMap,
) -> Result<Response, HttpError> {
    let period = period_of(&state, params.month.as_deref())?;
    let model = state.app.earnings_page(&user, period).await?;
    let page = Page::new(&state, &ctx, "earnings-title");
    let base = crate::api::public_base(&state, &headers);
    ok(&EarningsTemplate {
        month: period.to_string(),
        previous: period.previous().to_string(),
        next: period.next().to_string(),
        statements: model
            .statements
            .statements
            .iter()
            .map(|s| statement_block(&page, s, &model.statements.sales))
            .collect(),
        referral_link: format!("{base}/?ref={}", model.referral_code),
        program: model.program.map(|p| ProgramFields {
            percent: bps_to_percent(p.bps),
            cookie_days: p.cookie_days,
        }),
        contracts: model
            .contracts
            .iter()
            .map(|c| contract_row(&page, c))
            .collect(),
        payouts: model
            .payouts
            .map(|list| list.iter().map(|p| payout_row(&page, p)).collect()),
        payout_minimum: DEFAULT_PAYOUT_MINIMUM,
        done: params.done,
        page,
    })
}

/// Where a sale's money went, in one line.
fn breakdown_line(page: &Page<'_>, b: &SaleBreakdown) -> String {
    page.t_args(
        "earnings-breakdown",
        &[
            ("paid", page.money(&b.paid)),
            ("tax", page.money(&b.tax)),
            ("payment", page.money(&b.payment_fee)),
            ("platform", page.money(&b.platform_fee)),
            ("others", page.money(&b.others)),
            ("yours", page.money(&b.yours)),
        ],
    )
}

fn statement_block(
    page: &Page<'_>,
    s: &Statement,
    sales: &HashMap<OrderId, SaleDetail>,
) -> StatementBlock {
    StatementBlock {
        currency: s.currency.code().to_owned(),
        opening: page.money(&s.opening),
        earned: page.money(&s.earned),
        refunded: page.money(&s.refunded),
        paid_out: page.money(&s.paid_out),
        closing: page.money(&s.closing),
        lines: s
            .lines
            .iter()
            .map(|l| {
                let sale = l.order_id.and_then(|o| sales.get(&o));
                StatementRow {
                    date: page.date(&l.at_ms),
                    kind: page.t(&format!("earnings-kind-{}", l.kind)),
                    role: page.t(&format!("earnings-role-{}", l.payee.as_str())),
                    order_id: l.order_id.map(|o| o.to_string()).unwrap_or_default(),
                    product: (sale.map(|d| d.product_title.get(page.ctx.locale).to_owned()))
                        .unwrap_or_default(),
                    breakdown: (sale.filter(|_| l.kind == "sale"))
                        .map(|d| breakdown_line(page, &d.breakdown))
                        .unwrap_or_default(),
                    amount: page.money(&l.amount),
                }
            })
            .collect(),
    }
}

fn contract_row(page: &Page<'_>, c: &Contract) -> ContractRow {
    let contract = &c.contract;
    ContractRow {
        role: page.t(if c.as_partner {
            "earnings-role-partner"
        } else {
            "earnings-role-creator"
        }),
        share: percent(contract.bps),
        scope: match contract.product_id {
            Some(p) => p.to_string(),
            None => page.t("earnings-contract-all"),
        },
        from: page.date(&contract.starts_at_ms),
        until: contract
            .ends_at_ms
            .map(|e| page.date(&e))
            .unwrap_or_default(),
    }
}

fn payout_row(page: &Page<'_>, p: &PayoutRecord) -> PayoutRow {
    PayoutRow {
        when: page.datetime(&p.created_at_ms),
        account_id: p.account_id.to_string(),
        amount: page.money(&p.amount),
    }
}

/// The month's statements as a spreadsheet.
pub async fn csv(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(params): Query<MonthParams>,
) -> Result<Response, HttpError> {
    let period = period_of(&state, params.month.as_deref())?;
    let found = state.app.statements(&user, period).await?;
    let body = statements_csv(&found, ctx.locale)?;
    Ok(super::attachment(
        "text/csv; charset=utf-8",
        &format!("kenning-statement-{period}.csv"),
        body,
    ))
}

#[derive(Deserialize)]
pub struct ProgramForm {
    /// Percent, up to two decimals.
    percent: String,
    cookie_days: i64,
}

/// A typed percentage as basis points.
fn bps_of(text: &str) -> Result<u16, HttpError> {
    Ok(kenning_domain::money::percent_to_bps(text)
        .ok_or(kenning_domain::DomainError::InvalidShare)?)
}

pub async fn save_program(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<ProgramForm>,
) -> Result<Redirect, HttpError> {
    state
        .app
        .set_affiliate_program(&user, bps_of(&form.percent)?, form.cookie_days)
        .await?;
    Ok(Redirect::to("/earnings?done=program"))
}

#[derive(Deserialize)]
pub struct PayoutForm {
    #[serde(default)]
    currency: String,
    minimum: i64,
}

/// Runs payouts (operators).
pub async fn run_payouts(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<PayoutForm>,
) -> Result<Redirect, HttpError> {
    let currency = match form.currency.trim() {
        "" => None,
        code => Some(Currency::from_code(code)?),
    };
    let made = state.app.run_payouts(&user, currency, form.minimum).await?;
    Ok(Redirect::to(&format!(
        "/earnings?done=payouts-{}",
        made.len()
    )))
}

#[derive(Deserialize)]
pub struct CoCreatorsForm {
    /// One "e-mail percent" per line.
    #[serde(default)]
    shares: String,
}

/// Replaces a product's co-creators from the studio form.
pub async fn save_cocreators(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    axum::extract::Path(id): axum::extract::Path<String>,
    KeptForm(form, typed): KeptForm<CoCreatorsForm>,
) -> Result<Response, HttpError> {
    let product = crate::api::path_id(&id)?;
    let done = async {
        let mut shares = Vec::new();
        for line in form.shares.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (email, share) = line
                .rsplit_once(char::is_whitespace)
                .ok_or(kenning_domain::DomainError::InvalidShare)?;
            shares.push(kenning_app::revenue::NamedShare {
                email: email.trim().to_owned(),
                bps: bps_of(share)?,
            });
        }
        state.app.set_cocreators(&user, product, &shares).await?;
        Ok(())
    };
    let done = done.await;
    super::studio::after_change(&state, &ctx, &user, product, "cocreators", typed, done).await
}
