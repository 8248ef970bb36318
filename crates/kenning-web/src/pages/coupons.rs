//! The studio's coupons: a list with their use counts and a form to make one.

use askama::Template;
use axum::extract::State;
use axum::response::{Redirect, Response};
use kenning_app::pages::studio::CouponsPage;
use kenning_domain::coupon::{Coupon, Discount};
use serde::Deserialize;

use super::forms::CsrfForm;
use super::{Labelled, Page, ok};
use crate::api::coupons::CouponRequest;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "studio_coupons.html")]
struct CouponsTemplate<'a> {
    page: Page<'a>,
    coupons: Vec<CouponRow>,
    products: Vec<Labelled>,
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
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    let page = Page::new(&state, &ctx, "studio-coupons");
    let model = state.app.coupons_page(&user).await?;
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
    ok(&CouponsTemplate {
        page,
        coupons,
        products,
    })
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
    CouponRow {
        code: c.code.to_string(),
        off,
        product,
        uses,
        expires: c.expires_at_ms.map(|at| page.date(&at)).unwrap_or_default(),
    }
}

#[derive(Deserialize)]
pub struct CouponForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    product_id: String,
    #[serde(default)]
    percent: String,
    #[serde(default)]
    max_uses: String,
    /// YYYY-MM-DD; the coupon works until the end of that day (UTC).
    #[serde(default)]
    expires_on: String,
}

pub async fn create(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<CouponForm>,
) -> Result<Redirect, HttpError> {
    let invalid = || HttpError::from(kenning_domain::DomainError::InvalidCoupon);
    let request = CouponRequest {
        code: form.code,
        product_id: Some(form.product_id),
        percent: Some(form.percent.trim().parse().map_err(|_| invalid())?),
        amount: None,
        max_uses: match form.max_uses.trim() {
            "" => None,
            n => Some(n.parse().map_err(|_| invalid())?),
        },
        expires_at: match form.expires_on.trim() {
            "" => None,
            day => Some(format!("{day}T23:59:59Z")),
        },
    };
    state.app.create_coupon(&user, request.to_new()?).await?;
    Ok(Redirect::to("/studio/coupons"))
}
