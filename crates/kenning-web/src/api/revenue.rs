//! Tax rates, the exchange-rate table, revenue shares, statements and payouts.

use crate::sheet::Sheet;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kenning_app::checkout::CurrencyChoice;
use kenning_app::ports::PayoutRecord;
use kenning_app::revenue::{NamedShare, NewContract, Statements};
use kenning_domain::DomainError;
use kenning_domain::fx::{ExchangeRate, RateDisplay, parse_rate};
use kenning_domain::ids::ProductId;
use kenning_domain::locale::Locale;
use kenning_domain::money::{Currency, Money};
use kenning_domain::revenue::PartnerContract;
use kenning_domain::statement::{Period, SaleBreakdown, Statement};
use kenning_domain::tax::{Country, TaxRate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::path_id;
use super::types::{ErrorResponse, MoneyDto, TaxDto, parse_timestamp, timestamp};
use crate::context::{Ctx, SignedIn};
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaxRateDto {
    /// ISO 3166-1 alpha-2.
    #[schema(example = "DE")]
    pub country: String,
    /// Basis points: 1900 is 19 %.
    #[schema(example = 1900)]
    pub rate_bps: i64,
}

/// Tax rates on digital goods by buyer country.
#[utoipa::path(get, path = "/api/v1/tax-rates", tag = "money",
    responses((status = 200, body = Vec<TaxRateDto>)))]
pub async fn list_tax_rates(
    State(state): State<AppState>,
) -> Result<Json<Vec<TaxRateDto>>, HttpError> {
    let rates = state.app.tax_rates().await?;
    Ok(Json(
        rates
            .into_iter()
            .map(|r| TaxRateDto {
                country: r.country.to_string(),
                rate_bps: i64::from(r.rate_bps),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetTaxRateRequest {
    /// 0 to 5000 basis points.
    pub rate_bps: i64,
}

/// Set a country's tax rate (operators).
#[utoipa::path(put, path = "/api/v1/admin/tax-rates/{country}", tag = "money",
    security(("bearer" = [])),
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2")),
    request_body = SetTaxRateRequest,
    responses(
        (status = 200, body = TaxRateDto),
        (status = 403, body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn set_tax_rate(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(country): Path<String>,
    ApiJson(body): ApiJson<SetTaxRateRequest>,
) -> Result<Json<TaxRateDto>, HttpError> {
    let rate = TaxRate::new(country.parse()?, body.rate_bps)?;
    state.app.set_tax_rate(&user, rate.clone()).await?;
    Ok(Json(TaxRateDto {
        country: rate.country.to_string(),
        rate_bps: i64::from(rate.rate_bps),
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExchangeRateDto {
    #[schema(example = "CNY")]
    pub currency: String,
    /// Units of the currency per US dollar, up to eight decimals.
    #[schema(example = "7.1")]
    pub per_usd: String,
    /// exact, whole, ninety_nine or tens: how converted prices are rounded (always up).
    #[schema(example = "whole")]
    pub rounding: String,
    /// Whether prices in this currency are shown with tax included.
    pub tax_inclusive: bool,
}

impl From<&ExchangeRate> for ExchangeRateDto {
    fn from(r: &ExchangeRate) -> Self {
        ExchangeRateDto {
            currency: r.currency.code().to_owned(),
            per_usd: RateDisplay(r.per_base_e8).to_string(),
            rounding: r.rounding.as_str().to_owned(),
            tax_inclusive: r.tax_inclusive,
        }
    }
}

/// The rate table prices are converted with.
#[utoipa::path(get, path = "/api/v1/exchange-rates", tag = "money",
    responses((status = 200, body = Vec<ExchangeRateDto>)))]
pub async fn list_exchange_rates(
    State(state): State<AppState>,
) -> Result<Json<Vec<ExchangeRateDto>>, HttpError> {
    let rates = state.app.exchange_rates().await?;
    Ok(Json(rates.iter().map(ExchangeRateDto::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetExchangeRateRequest {
    pub per_usd: String,
    pub rounding: String,
    pub tax_inclusive: bool,
}

/// Set a currency's row of the rate table (operators).
#[utoipa::path(put, path = "/api/v1/admin/exchange-rates/{currency}", tag = "money",
    security(("bearer" = [])),
    params(("currency" = String, Path, description = "ISO 4217 code")),
    request_body = SetExchangeRateRequest,
    responses(
        (status = 200, body = ExchangeRateDto),
        (status = 403, body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn set_exchange_rate(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(currency): Path<String>,
    ApiJson(body): ApiJson<SetExchangeRateRequest>,
) -> Result<Json<ExchangeRateDto>, HttpError> {
    let rate = ExchangeRate {
        currency: Currency::from_code(&currency)?,
        per_base_e8: parse_rate(&body.per_usd)?,
        rounding: body.rounding.parse()?,
        tax_inclusive: body.tax_inclusive,
    };
    state.app.set_exchange_rate(&user, rate.clone()).await?;
    Ok(Json(ExchangeRateDto::from(&rate)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteParams {
    /// ISO 4217; defaults to the caller's currency.
    pub currency: Option<String>,
    /// ISO 3166-1 alpha-2; defaults to the caller's country.
    pub country: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteResponse {
    /// The price before tax (after any running sale).
    pub price: MoneyDto,
    pub tax: TaxDto,
    /// What the buyer pays.
    pub total: MoneyDto,
    /// Set when the price was converted with the rate table.
    pub converted_from: Option<String>,
}

/// What a product costs a buyer in a currency and country, tax included.
#[utoipa::path(get, path = "/api/v1/products/{id}/quote", tag = "money",
    params(("id" = String, Path, description = "Product id"), QuoteParams),
    responses((status = 200, body = QuoteResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Not for sale (free, or not priced)", body = ErrorResponse),
        (status = 422, body = ErrorResponse)))]
pub async fn quote(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Query(params): Query<QuoteParams>,
) -> Result<Json<QuoteResponse>, HttpError> {
    let choice = match params.currency.as_deref() {
        Some(code) => CurrencyChoice::Exactly(Currency::from_code(code)?),
        None => CurrencyChoice::Prefer(ctx.currency),
    };
    let country: Country = match params.country.as_deref() {
        Some(code) => code.parse()?,
        None => ctx.country.clone(),
    };
    let quote = state.app.quote(path_id(&id)?, choice, &country).await?;
    Ok(Json(QuoteResponse {
        price: quote.offer.price.into(),
        tax: TaxDto::from(&quote.taxed.line),
        total: quote.taxed.total.into(),
        converted_from: quote.offer.conversion.map(|c| c.from.code().to_owned()),
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CoCreatorDto {
    pub email: String,
    /// Basis points of the product's net sales: 2500 is 25 %.
    pub bps: u16,
}

/// A product's co-creators (its creator and operators).
#[utoipa::path(get, path = "/api/v1/products/{id}/cocreators", tag = "money",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, body = Vec<CoCreatorDto>), (status = 403, body = ErrorResponse)))]
pub async fn get_cocreators(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Vec<CoCreatorDto>>, HttpError> {
    let found = state.app.cocreators(&user, path_id(&id)?).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|(share, email)| CoCreatorDto {
                email: email.as_str().to_owned(),
                bps: share.bps,
            })
            .collect(),
    ))
}

/// Replace a product's co-creators; each is paid their share of every later sale.
#[utoipa::path(put, path = "/api/v1/products/{id}/cocreators", tag = "money",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = Vec<CoCreatorDto>,
    responses((status = 200, body = Vec<CoCreatorDto>), (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn set_cocreators(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Vec<CoCreatorDto>>,
) -> Result<Json<Vec<CoCreatorDto>>, HttpError> {
    let product: ProductId = path_id(&id)?;
    let shares: Vec<NamedShare> = body
        .iter()
        .map(|s| NamedShare {
            email: s.email.clone(),
            bps: s.bps,
        })
        .collect();
    state.app.set_cocreators(&user, product, &shares).await?;
    Ok(Json(body))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContractRequest {
    pub partner_email: String,
    /// One product; or give `creator_id` for all of a creator's products.
    pub product_id: Option<String>,
    pub creator_id: Option<String>,
    /// Basis points of the net sales.
    pub bps: u16,
    /// RFC 3339; defaults to now.
    pub starts_at: Option<String>,
    /// RFC 3339; omit for open-ended.
    pub ends_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractResponse {
    pub id: String,
    pub partner_id: String,
    pub creator_id: String,
    pub product_id: Option<String>,
    pub bps: u16,
    pub starts_at: String,
    pub ends_at: Option<String>,
}

impl From<&PartnerContract> for ContractResponse {
    fn from(c: &PartnerContract) -> Self {
        ContractResponse {
            id: c.id.to_string(),
            partner_id: c.partner_id.to_string(),
            creator_id: c.creator_id.to_string(),
            product_id: c.product_id.map(|p| p.to_string()),
            bps: c.bps,
            starts_at: timestamp(c.starts_at_ms),
            ends_at: c.ends_at_ms.map(timestamp),
        }
    }
}

/// Sign a partner contract (利益分配) (operators).
#[utoipa::path(post, path = "/api/v1/admin/partner-contracts", tag = "money",
    security(("bearer" = [])),
    request_body = ContractRequest,
    responses((status = 201, body = ContractResponse), (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn create_contract(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<ContractRequest>,
) -> Result<(StatusCode, Json<ContractResponse>), HttpError> {
    let new = NewContract {
        partner_email: body.partner_email,
        product_id: body.product_id.as_deref().map(path_id).transpose()?,
        creator_id: body.creator_id.as_deref().map(path_id).transpose()?,
        bps: body.bps,
        starts_at_ms: moment(body.starts_at.as_deref())?,
        ends_at_ms: moment(body.ends_at.as_deref())?,
    };
    let contract = state.app.create_partner_contract(&user, new).await?;
    Ok((StatusCode::CREATED, Json(ContractResponse::from(&contract))))
}

/// An optional RFC 3339 moment of a contract.
fn moment(text: Option<&str>) -> Result<Option<i64>, HttpError> {
    match text {
        Some(t) => Ok(Some(parse_timestamp(t).ok_or(DomainError::InvalidShare)?)),
        None => Ok(None),
    }
}

/// Contracts you are a party to, as creator or partner.
#[utoipa::path(get, path = "/api/v1/me/contracts", tag = "money",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ContractResponse>), (status = 401, body = ErrorResponse)))]
pub async fn my_contracts(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<Vec<ContractResponse>>, HttpError> {
    let found = state.app.my_contracts(&user).await?;
    Ok(Json(found.iter().map(ContractResponse::from).collect()))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AffiliateProgramDto {
    /// Commission on referred sales' net, in basis points (0 to 9000; 0 is off).
    pub bps: u16,
    /// How many days after following a link a purchase still counts (1 to 365).
    pub cookie_days: i64,
}

/// Your affiliate programme (creators).
#[utoipa::path(get, path = "/api/v1/me/affiliate-program", tag = "money",
    security(("bearer" = [])),
    responses((status = 200, body = AffiliateProgramDto), (status = 401, body = ErrorResponse)))]
pub async fn get_affiliate_program(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<AffiliateProgramDto>, HttpError> {
    let p = state.app.affiliate_program(user.account.id).await?;
    Ok(Json(AffiliateProgramDto {
        bps: p.bps,
        cookie_days: p.cookie_days,
    }))
}

/// Set your affiliate programme (creators).
#[utoipa::path(put, path = "/api/v1/me/affiliate-program", tag = "money",
    security(("bearer" = [])),
    request_body = AffiliateProgramDto,
    responses((status = 200, body = AffiliateProgramDto), (status = 403, body = ErrorResponse),
        (status = 422, body = ErrorResponse)))]
pub async fn set_affiliate_program(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<AffiliateProgramDto>,
) -> Result<Json<AffiliateProgramDto>, HttpError> {
    let p = state
        .app
        .set_affiliate_program(&user, body.bps, body.cookie_days)
        .await?;
    Ok(Json(AffiliateProgramDto {
        bps: p.bps,
        cookie_days: p.cookie_days,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralResponse {
    pub code: String,
    /// Add `?ref=<code>` to any page link; this one points at the catalog.
    pub link: String,
}

/// Your referral code (分销), made on first use.
#[utoipa::path(get, path = "/api/v1/me/referral", tag = "money",
    security(("bearer" = [])),
    responses((status = 200, body = ReferralResponse), (status = 401, body = ErrorResponse)))]
pub async fn my_referral(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    headers: axum::http::HeaderMap,
) -> Result<Json<ReferralResponse>, HttpError> {
    let code = state.app.referral_code(&user).await?;
    let base = super::public_base(&state, &headers);
    Ok(Json(ReferralResponse {
        link: format!("{base}/?ref={code}"),
        code,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatementParams {
    /// YYYY-MM (UTC); defaults to this month.
    pub month: Option<String>,
    /// `csv` for a spreadsheet instead of JSON.
    pub format: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineDto {
    pub at: String,
    /// sale, refund or payout
    pub kind: String,
    pub order_id: Option<String>,
    /// creator, cocreator, partner or affiliate
    pub role: String,
    /// Positive: owed to you.
    pub amount: MoneyDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementDto {
    pub currency: String,
    pub opening: MoneyDto,
    pub earned: MoneyDto,
    pub refunded: MoneyDto,
    pub paid_out: MoneyDto,
    pub closing: MoneyDto,
    pub lines: Vec<StatementLineDto>,
}

impl From<&Statement> for StatementDto {
    fn from(s: &Statement) -> Self {
        StatementDto {
            currency: s.currency.code().to_owned(),
            opening: s.opening.into(),
            earned: s.earned.into(),
            refunded: s.refunded.into(),
            paid_out: s.paid_out.into(),
            closing: s.closing.into(),
            lines: s
                .lines
                .iter()
                .map(|l| StatementLineDto {
                    at: timestamp(l.at_ms),
                    kind: l.kind.clone(),
                    order_id: l.order_id.map(|o| o.to_string()),
                    role: l.payee.as_str().to_owned(),
                    amount: l.amount.into(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementsResponse {
    pub month: String,
    pub statements: Vec<StatementDto>,
}

/// Reads `?month=` (this month when absent).
pub(crate) fn period_of(state: &AppState, month: Option<&str>) -> Result<Period, HttpError> {
    match month.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Ok(m.parse()?),
        None => Ok(Period::containing(state.app.now_ms())),
    }
}

/// The statement CSV: one row per movement, amounts in major units.
/// The statements as a spreadsheet: one row per movement, with the product a sale or
/// refund was of and, for sales, where the buyer's money went (product titles in
/// `locale`).
pub(crate) fn statements_csv(found: &Statements, locale: Locale) -> Result<Vec<u8>, HttpError> {
    let mut sheet = Sheet::new(&[
        "date",
        "kind",
        "role",
        "order",
        "product",
        "currency",
        "amount",
        "paid",
        "tax",
        "payment_fee",
        "platform_fee",
        "other_shares",
    ])?;
    for s in &found.statements {
        for l in &s.lines {
            let sale = l.order_id.and_then(|o| found.sales.get(&o));
            let money = |pick: fn(&SaleBreakdown) -> Money| {
                (sale.filter(|_| l.kind == "sale"))
                    .map(|d| pick(&d.breakdown).major_digits())
                    .unwrap_or_default()
            };
            sheet.row([
                timestamp(l.at_ms),
                l.kind.clone(),
                l.payee.as_str().to_owned(),
                l.order_id.map(|o| o.to_string()).unwrap_or_default(),
                (sale.map(|d| d.product_title.get(locale).to_owned())).unwrap_or_default(),
                s.currency.code().to_owned(),
                l.amount.major_digits(),
                money(|b| b.paid),
                money(|b| b.tax),
                money(|b| b.payment_fee),
                money(|b| b.platform_fee),
                money(|b| b.others),
            ])?;
        }
    }
    sheet.finish()
}

/// Your statements for a month, one per currency: what you were owed at its start,
/// earned, had refunded, were paid, and are owed at its end. `?format=csv` for a
/// spreadsheet.
#[utoipa::path(get, path = "/api/v1/me/statements", tag = "money",
    security(("bearer" = [])),
    params(StatementParams),
    responses((status = 200, body = StatementsResponse), (status = 401, body = ErrorResponse),
        (status = 422, body = ErrorResponse)))]
pub async fn my_statements(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(params): Query<StatementParams>,
) -> Result<Response, HttpError> {
    let period = period_of(&state, params.month.as_deref())?;
    let found = state.app.statements(&user, period).await?;
    if params.format.as_deref() == Some("csv") {
        let body = statements_csv(&found, ctx.locale)?;
        return Ok(crate::pages::attachment(
            "text/csv; charset=utf-8",
            &format!("kenning-statement-{period}.csv"),
            body,
        ));
    }
    Ok(Json(StatementsResponse {
        month: period.to_string(),
        statements: found.statements.iter().map(StatementDto::from).collect(),
    })
    .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PayoutRunRequest {
    /// Only this currency; omit for all.
    pub currency: Option<String>,
    /// Pay only balances of at least this many major units (default 50).
    pub minimum: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutResponse {
    pub id: String,
    pub account_id: String,
    pub amount: MoneyDto,
    pub created_at: String,
}

impl From<&PayoutRecord> for PayoutResponse {
    fn from(p: &PayoutRecord) -> Self {
        PayoutResponse {
            id: p.id.to_string(),
            account_id: p.account_id.to_string(),
            amount: p.amount.into(),
            created_at: timestamp(p.created_at_ms),
        }
    }
}

/// The minimum balance a payout run pays when none is given, in major units.
pub const DEFAULT_PAYOUT_MINIMUM: i64 = 50;

/// Run payouts: everyone owed at least the minimum is paid out (operators).
#[utoipa::path(post, path = "/api/v1/admin/payouts", tag = "money",
    security(("bearer" = [])),
    request_body = PayoutRunRequest,
    responses((status = 200, body = Vec<PayoutResponse>), (status = 403, body = ErrorResponse),
        (status = 422, body = ErrorResponse)))]
pub async fn run_payouts(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<PayoutRunRequest>,
) -> Result<Json<Vec<PayoutResponse>>, HttpError> {
    let currency = body
        .currency
        .as_deref()
        .map(Currency::from_code)
        .transpose()?;
    let made = state
        .app
        .run_payouts(
            &user,
            currency,
            body.minimum.unwrap_or(DEFAULT_PAYOUT_MINIMUM),
        )
        .await?;
    Ok(Json(made.iter().map(PayoutResponse::from).collect()))
}

/// The latest payouts (operators).
#[utoipa::path(get, path = "/api/v1/admin/payouts", tag = "money",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<PayoutResponse>), (status = 403, body = ErrorResponse)))]
pub async fn list_payouts(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<Vec<PayoutResponse>>, HttpError> {
    let found = state.app.payouts(&user).await?;
    Ok(Json(found.iter().map(PayoutResponse::from).collect()))
}
