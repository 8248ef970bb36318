//! Memberships: tiers, what they grant, and the caller's subscriptions.

use axum::Json;
use axum::extract::{Path, State};
use kenning_app::memberships::Membership;
use kenning_domain::ids::{ProductId, SubscriptionId};
use kenning_domain::subscription::{Interval, MembershipPlan};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, MoneyDto, timestamp};
use crate::context::{Ctx, SignedIn};
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanRequest {
    /// monthly or yearly
    pub interval: String,
    /// Grant everything the creator publishes (now and later).
    #[serde(default)]
    pub all_of_creator: bool,
    /// Or these products of the creator.
    #[serde(default)]
    pub products: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanResponse {
    pub product_id: String,
    pub interval: String,
    pub all_of_creator: bool,
    /// The published products it grants today.
    pub grants: Vec<GrantedProduct>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantedProduct {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionResponse {
    pub id: String,
    pub tier_id: String,
    pub tier_title: String,
    /// active, past_due, canceled (ends at period end) or expired
    pub status: String,
    /// Whether it grants access now.
    pub active: bool,
    pub price: MoneyDto,
    pub interval: String,
    pub period_end: String,
    pub grace_until: Option<String>,
}

impl SubscriptionResponse {
    fn new(m: &Membership, locale: kenning_domain::locale::Locale) -> Self {
        let s = &m.subscription;
        SubscriptionResponse {
            id: s.id.to_string(),
            tier_id: m.tier.id.to_string(),
            tier_title: m.tier.title.get(locale).to_owned(),
            status: s.status.as_str().to_owned(),
            active: m.active,
            price: s.price.into(),
            interval: s.interval.as_str().to_owned(),
            period_end: timestamp(s.period_end_ms),
            grace_until: s.grace_until_ms.map(timestamp),
        }
    }
}

async fn plan_response(
    state: &AppState,
    plan: &MembershipPlan,
    locale: kenning_domain::locale::Locale,
) -> Result<PlanResponse, HttpError> {
    let tier = state.app.product_for_plan(plan.product_id).await?;
    let grants = state
        .app
        .covered_products(&tier)
        .await?
        .iter()
        .map(|p| GrantedProduct {
            id: p.id.to_string(),
            title: p.title.get(locale).to_owned(),
        })
        .collect();
    Ok(PlanResponse {
        product_id: plan.product_id.to_string(),
        interval: plan.interval.as_str().to_owned(),
        all_of_creator: plan.all_of_creator,
        grants,
    })
}

/// What a membership tier grants and how often it renews.
#[utoipa::path(get, path = "/api/v1/products/{id}/membership", tag = "orders",
    params(("id" = String, Path, description = "Membership product id")),
    responses((status = 200, body = PlanResponse), (status = 404, body = ErrorResponse)))]
pub async fn get_plan(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Json<PlanResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    let tier = state.app.product_for_plan(id).await?;
    let plan = state.app.membership_plan(&tier).await?;
    Ok(Json(plan_response(&state, &plan, ctx.locale).await?))
}

/// Set what a membership tier grants (its creator).
#[utoipa::path(put, path = "/api/v1/products/{id}/membership", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Membership product id")),
    request_body = PlanRequest,
    responses((status = 200, body = PlanResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn set_plan(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlanRequest>,
) -> Result<Json<PlanResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    let interval: Interval = body.interval.parse()?;
    let products = body
        .products
        .iter()
        .map(|p| path_id::<ProductId>(p))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = state
        .app
        .set_membership_plan(&user, id, interval, body.all_of_creator, products)
        .await?;
    Ok(Json(plan_response(&state, &plan, ctx.locale).await?))
}

/// The caller's memberships, newest first.
#[utoipa::path(get, path = "/api/v1/subscriptions", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<SubscriptionResponse>), (status = 401, body = ErrorResponse)))]
pub async fn list_subscriptions(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Json<Vec<SubscriptionResponse>>, HttpError> {
    let all = state.app.my_memberships(&user).await?;
    Ok(Json(
        all.iter()
            .map(|m| SubscriptionResponse::new(m, ctx.locale))
            .collect(),
    ))
}

/// The answer about one subscription, whoever changed it (its holder, or an admin
/// acting on someone else's).
async fn one(
    state: &AppState,
    subscription: kenning_domain::subscription::Subscription,
    locale: kenning_domain::locale::Locale,
) -> Result<Json<SubscriptionResponse>, HttpError> {
    let tier = state.app.product_for_plan(subscription.plan_id).await?;
    let active = subscription.grants_access(state.app.now_ms());
    Ok(Json(SubscriptionResponse::new(
        &Membership {
            subscription,
            tier,
            active,
        },
        locale,
    )))
}

/// Cancel at period end: access lasts until then.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/cancel", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses((status = 200, body = SubscriptionResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn cancel(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionResponse>, HttpError> {
    let id: SubscriptionId = path_id(&id)?;
    let subscription = state.app.cancel_subscription(&user, id).await?;
    one(&state, subscription, ctx.locale).await
}

/// Take back a cancellation before the period ends.
#[utoipa::path(post, path = "/api/v1/subscriptions/{id}/resume", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses((status = 200, body = SubscriptionResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn resume(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<SubscriptionResponse>, HttpError> {
    let id: SubscriptionId = path_id(&id)?;
    let subscription = state.app.resume_subscription(&user, id).await?;
    one(&state, subscription, ctx.locale).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ClockRequest {
    /// Days to move the test clock forward.
    pub advance_days: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockResponse {
    /// The server's time after the move.
    pub now: String,
}

/// Move the test clock forward and run renewals (operators; only on a server started
/// with `--test-clock true`).
#[utoipa::path(post, path = "/api/v1/admin/clock", tag = "orders",
    security(("bearer" = [])),
    request_body = ClockRequest,
    responses((status = 200, body = ClockResponse), (status = 403, body = ErrorResponse), (status = 404, description = "No test clock", body = ErrorResponse)))]
pub async fn advance_clock(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<ClockRequest>,
) -> Result<Json<ClockResponse>, HttpError> {
    let ms = body.advance_days.clamp(0, 3650).saturating_mul(86_400_000);
    let now = state.app.advance_clock(&user, ms).await?;
    Ok(Json(ClockResponse {
        now: timestamp(now),
    }))
}
