//! Gifts: those you bought, and claiming one bought for you.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::types::ErrorResponse;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// A gift as its claim page shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftResponse {
    pub code: String,
    /// Where the person it is for claims it.
    pub claim_path: String,
    pub product_id: String,
    pub product_title: String,
    pub from: String,
    /// Whole for the buyer and the recipient; masked (`f•••@example.com`) for anyone
    /// else holding the link.
    pub to: String,
    pub message: String,
    /// Paid for, so it can be claimed.
    pub paid: bool,
    pub claimed: bool,
}

impl GiftResponse {
    /// The gift as `ctx`'s caller may see it (see [`Gift::recipient_shown_to`]).
    ///
    /// [`Gift::recipient_shown_to`]: kenning_domain::gift::Gift::recipient_shown_to
    fn new(v: &kenning_app::gifts::GiftView, ctx: &crate::context::RequestContext) -> Self {
        let viewer = ctx.user.as_ref().map(|u| (u.account.id, &u.account.email));
        let locale = ctx.locale;
        GiftResponse {
            code: v.gift.code.clone(),
            claim_path: format!("/gifts/{}", v.gift.code),
            product_id: v.product.id.to_string(),
            product_title: v.product.title.get(locale).to_owned(),
            from: v.from.clone(),
            to: v.gift.recipient_shown_to(viewer),
            message: v.gift.message.clone(),
            paid: v.paid,
            claimed: v.gift.claimed_by.is_some(),
        }
    }
}

/// The gifts the caller bought for others, newest first.
#[utoipa::path(get, path = "/api/v1/gifts", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<GiftResponse>), (status = 401, body = ErrorResponse)))]
pub async fn my_gifts(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Json<Vec<GiftResponse>>, HttpError> {
    let gifts = state.app.my_gifts(&user).await?;
    Ok(Json(
        gifts.iter().map(|g| GiftResponse::new(g, &ctx)).collect(),
    ))
}

/// A gift, by the code in its link.
#[utoipa::path(get, path = "/api/v1/gifts/{code}", tag = "orders",
    params(("code" = String, Path, description = "The code in the claim link")),
    responses((status = 200, body = GiftResponse), (status = 404, body = ErrorResponse)))]
pub async fn get_gift(
    State(state): State<AppState>,
    crate::context::Ctx(ctx): crate::context::Ctx,
    Path(code): Path<String>,
) -> Result<Json<GiftResponse>, HttpError> {
    let gift = state.app.gift(&code).await?;
    Ok(Json(GiftResponse::new(&gift, &ctx)))
}

/// Claim a gift: the caller must be signed in with the e-mail it was bought for.
#[utoipa::path(post, path = "/api/v1/gifts/{code}/claim", tag = "orders",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The code in the claim link")),
    responses((status = 200, body = GiftResponse), (status = 403, body = ErrorResponse), (status = 409, body = ErrorResponse)))]
pub async fn claim_gift(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(code): Path<String>,
) -> Result<Json<GiftResponse>, HttpError> {
    let gift = state.app.claim_gift(&user, &code).await?;
    Ok(Json(GiftResponse::new(&gift, &ctx)))
}
