//! The studio's coupons: a list with their use counts, each editable (uses, expiry),
//! ended or deleted, and a form to make one (a percentage or a fixed amount off).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::accounts::CurrentUser;
use kenning_app::pages::studio::CouponsPage;
use kenning_domain::DomainError;
use kenning_domain::coupon::{Coupon, Discount};
use kenning_domain::money::{Currency, Money};
use serde::Deserialize;

use super::forms::{CsrfForm, EmptyForm, KeptForm, Refused, day_value};
use super::{Labelled, Page, render};
use crate::api::coupons::{CouponLimitsRequest, CouponRequest};
use crate::api::types::MoneyDto;
use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "studio_coupons.html")]
struct CouponsTemplate<'a> {
    page: Page<'a>,
    coupons: Vec<CouponRow>,
    products: Vec<Labelled>,
    /// A form refused: `coupon` (the new one) or `limits-{code}`.
    refused: Refused,
}

/// A coupon in the list.
struct CouponRow {
    code: String,
    /// What it takes off.
    off: String,
    /// The product it is for, or "all products".
    product: String,
    /// How often it was used, of how many times.
    uses: String,
    /// When it expires, if it does.
    expires: String,
    /// Ended (expired) or used up: it no longer works.
    over: bool,
    /// No order used it: it may be deleted (else only ended).
    unused: bool,
    /// The edit form's values: uses allowed, and the expiry day (YYYY-MM-DD).
    max_uses: String,
    expires_on: String,
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    coupons_page(&state, &ctx, &user, Refused::default()).await
}

async fn coupons_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    refused: Refused,
) -> Result<Response, HttpError> {
    let page = Page::new(state, ctx, "studio-coupons");
    let model = state.app.coupons_page(user).await?;
    let coupons = model
        .coupons
        .iter()
        .map(|c| coupon_row(&page, c, &model))
        .collect();
    let products = model
        .products
        .iter()
        .map(|p| Labelled::new(p.id, p.title.get(ctx.locale)))
        .collect();
    Ok(render(
        refused.status(),
        &CouponsTemplate {
            page,
            coupons,
            products,
            refused,
        },
    ))
}

fn coupon_row(page: &Page<'_>, c: &Coupon, model: &CouponsPage) -> CouponRow {
    let off = match c.discount {
        Discount::Percent { bps } => {
            page.t_n("coupon-off-percent", "percent", i64::from(bps / 100))
        }
        Discount::Fixed { amount } => page.money(&amount),
    };
    let uses = match c.max_uses {
        Some(max) => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("uses", c.uses);
            args.set("max", max);
            page.tr
                .i18n
                .message(page.ctx.locale, "coupon-uses-of", Some(&args))
        }
        None => page.t_n("coupon-uses", "uses", c.uses),
    };
    let product = match c.product_id {
        Some(id) => (model.product(id))
            .map(|p| p.title.get(page.ctx.locale).to_owned())
            .unwrap_or_default(),
        None => page.t("field-coupon-all-products"),
    };
    let now = model.now_ms;
    CouponRow {
        code: c.code.to_string(),
        off,
        product,
        uses,
        expires: c.expires_at_ms.map(|at| page.date(&at)).unwrap_or_default(),
        over: c.expires_at_ms.is_some_and(|e| e <= now) || c.max_uses.is_some_and(|m| c.uses >= m),
        unused: c.uses == 0,
        max_uses: c.max_uses.map(|m| m.to_string()).unwrap_or_default(),
        expires_on: c.expires_at_ms.map(day_value).unwrap_or_default(),
    }
}

#[derive(Deserialize)]
pub struct CouponForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    product_id: String,
    /// `percent` or `amount`.
    #[serde(default)]
    off: String,
    #[serde(default)]
    percent: String,
    /// In major units (`5`, `4.50`), in `currency`.
    #[serde(default)]
    amount: String,
    #[serde(default)]
    currency: String,
    #[serde(flatten)]
    limits: LimitsForm,
}

/// How often and how long a coupon works, as the forms send it.
#[derive(Deserialize)]
pub struct LimitsForm {
    #[serde(default)]
    max_uses: String,
    /// YYYY-MM-DD; the coupon works until the end of that day (UTC).
    #[serde(default)]
    expires_on: String,
}

fn invalid() -> HttpError {
    HttpError::from(DomainError::InvalidCoupon)
}

impl LimitsForm {
    fn max_uses(&self) -> Result<Option<i64>, HttpError> {
        match self.max_uses.trim() {
            "" => Ok(None),
            n => n.parse().map(Some).map_err(|_| invalid()),
        }
    }

    fn expires_at(&self) -> Option<String> {
        match self.expires_on.trim() {
            "" => None,
            day => Some(format!("{day}T23:59:59Z")),
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    KeptForm(form, typed): KeptForm<CouponForm>,
) -> Result<Response, HttpError> {
    match new_coupon(&state, &user, form).await {
        Ok(()) => Ok(Redirect::to("/studio/coupons").into_response()),
        Err(e) => {
            let refused = Refused::of(&state, &ctx, "coupon", e, typed)?;
            coupons_page(&state, &ctx, &user, refused).await
        }
    }
}

async fn new_coupon(
    state: &AppState,
    user: &CurrentUser,
    form: CouponForm,
) -> Result<(), HttpError> {
    // An amount typed with the percentage left empty means the amount, whichever
    // button is on.
    let by_amount =
        form.off == "amount" || (form.percent.trim().is_empty() && !form.amount.trim().is_empty());
    let (percent, amount) = if by_amount {
        let currency = Currency::from_code(form.currency.trim())?;
        let money = Money::parse_major(form.amount.trim(), currency).map_err(|_| invalid())?;
        (None, Some(MoneyDto::from(money)))
    } else {
        (
            Some(form.percent.trim().parse().map_err(|_| invalid())?),
            None,
        )
    };
    let request = CouponRequest {
        code: form.code,
        product_id: Some(form.product_id),
        percent,
        amount,
        max_uses: form.limits.max_uses()?,
        expires_at: form.limits.expires_at(),
    };
    state.app.create_coupon(user, request.to_new()?).await?;
    Ok(())
}

pub async fn update(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(code): Path<String>,
    KeptForm(form, typed): KeptForm<LimitsForm>,
) -> Result<Response, HttpError> {
    let changed = async {
        let request = CouponLimitsRequest {
            max_uses: form.max_uses()?,
            expires_at: form.expires_at(),
        };
        let limits = request.to_limits()?;
        state.app.update_coupon(&user, &code, limits).await?;
        Ok::<_, HttpError>(())
    };
    match changed.await {
        Ok(()) => Ok(Redirect::to("/studio/coupons").into_response()),
        Err(e) => {
            let refused = Refused::of(&state, &ctx, format!("limits-{code}"), e, typed)?;
            coupons_page(&state, &ctx, &user, refused).await
        }
    }
}

pub async fn end(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    state.app.end_coupon(&user, &code).await?;
    Ok(Redirect::to("/studio/coupons"))
}

pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    state.app.delete_coupon(&user, &code).await?;
    Ok(Redirect::to("/studio/coupons"))
}
