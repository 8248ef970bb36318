//! Coupons: creators make them; buyers give the code when ordering.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kenning_app::coupons::{CouponLimits, NewCoupon};
use kenning_domain::DomainError;
use kenning_domain::coupon::{Coupon, Discount};
use kenning_domain::ids::ProductId;
use kenning_domain::money::{Currency, Money};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, MoneyDto, parse_timestamp, timestamp};
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CouponRequest {
    /// 3 to 32 letters, digits, `-` or `_` (stored in upper case).
    pub code: String,
    /// One of your products; omit for all of them.
    pub product_id: Option<String>,
    /// 1 to 99 percent off. Give this or `amount`.
    pub percent: Option<u16>,
    /// A fixed amount off, in one currency.
    pub amount: Option<MoneyDto>,
    /// How many orders may use it; omit for no limit.
    pub max_uses: Option<i64>,
    /// RFC 3339; omit for never.
    pub expires_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CouponResponse {
    pub code: String,
    pub product_id: Option<String>,
    pub percent: Option<u16>,
    pub amount: Option<MoneyDto>,
    pub max_uses: Option<i64>,
    pub uses: i64,
    pub expires_at: Option<String>,
}

impl From<&Coupon> for CouponResponse {
    fn from(c: &Coupon) -> Self {
        let (percent, amount) = match c.discount {
            Discount::Percent { bps } => (Some(bps / 100), None),
            Discount::Fixed { amount } => (None, Some(MoneyDto::from(amount))),
        };
        CouponResponse {
            code: c.code.to_string(),
            product_id: c.product_id.map(|p| p.to_string()),
            percent,
            amount,
            max_uses: c.max_uses,
            uses: c.uses,
            expires_at: c.expires_at_ms.map(timestamp),
        }
    }
}

impl CouponRequest {
    pub fn to_new(&self) -> Result<NewCoupon, HttpError> {
        let discount = match (self.percent, &self.amount) {
            (Some(percent), None) => Discount::Percent {
                bps: percent.saturating_mul(100),
            },
            (None, Some(amount)) => Discount::Fixed {
                amount: Money::new(amount.amount_minor, Currency::from_code(&amount.currency)?),
            },
            _ => return Err(DomainError::InvalidCoupon.into()),
        };
        Ok(NewCoupon {
            code: self.code.clone(),
            product_id: self
                .product_id
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(path_id::<ProductId>)
                .transpose()?,
            discount,
            max_uses: self.max_uses,
            expires_at_ms: match self.expires_at.as_deref().filter(|e| !e.is_empty()) {
                Some(at) => Some(parse_timestamp(at).ok_or(DomainError::InvalidCoupon)?),
                None => None,
            },
        })
    }
}

/// Create a coupon (creators, for their own products).
#[utoipa::path(post, path = "/api/v1/coupons", tag = "orders",
    security(("bearer" = [])),
    request_body = CouponRequest,
    responses((status = 201, body = CouponResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn create_coupon(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<CouponRequest>,
) -> Result<(StatusCode, Json<CouponResponse>), HttpError> {
    let coupon = state.app.create_coupon(&user, body.to_new()?).await?;
    Ok((StatusCode::CREATED, Json(CouponResponse::from(&coupon))))
}

/// The caller's coupons and how often each was used.
#[utoipa::path(get, path = "/api/v1/coupons", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<CouponResponse>), (status = 403, body = ErrorResponse)))]
pub async fn list_coupons(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<Vec<CouponResponse>>, HttpError> {
    let coupons = state.app.my_coupons(&user).await?;
    Ok(Json(coupons.iter().map(CouponResponse::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CouponLimitsRequest {
    /// How many orders may use it in all (at least as many as used it); omit for no
    /// limit.
    pub max_uses: Option<i64>,
    /// RFC 3339; omit for never. A time in the past ends it.
    pub expires_at: Option<String>,
}

impl CouponLimitsRequest {
    pub fn to_limits(&self) -> Result<CouponLimits, HttpError> {
        Ok(CouponLimits {
            max_uses: self.max_uses,
            expires_at_ms: match self.expires_at.as_deref().filter(|e| !e.is_empty()) {
                Some(at) => Some(parse_timestamp(at).ok_or(DomainError::InvalidCoupon)?),
                None => None,
            },
        })
    }
}

/// Change how often and how long one of your coupons works (its code, product and
/// discount stay what buyers were told).
#[utoipa::path(put, path = "/api/v1/coupons/{code}", tag = "orders",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body = CouponLimitsRequest,
    responses(
        (status = 200, body = CouponResponse),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 422, description = "A limit below its uses (`invalid_coupon`)", body = ErrorResponse),
    ))]
pub async fn update_coupon(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<CouponLimitsRequest>,
) -> Result<Json<CouponResponse>, HttpError> {
    let coupon = state
        .app
        .update_coupon(&user, &code, body.to_limits()?)
        .await?;
    Ok(Json(CouponResponse::from(&coupon)))
}

/// Delete one of your coupons that no order used (a used one can be ended instead, by
/// setting `expires_at` to now).
#[utoipa::path(delete, path = "/api/v1/coupons/{code}", tag = "orders",
    security(("bearer" = [])),
    params(("code" = String, Path)),
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, description = "Orders used it (`coupon_in_use`)", body = ErrorResponse),
    ))]
pub async fn delete_coupon(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(code): Path<String>,
) -> Result<StatusCode, HttpError> {
    state.app.delete_coupon(&user, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}
