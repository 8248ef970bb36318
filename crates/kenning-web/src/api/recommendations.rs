//! Recommendations with their reasons.

use axum::Json;
use axum::extract::{Path, Query, State};
use kenning_app::recommend::{Reason, Recommendation};
use kenning_domain::ids::ProductId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::path_id;
use super::types::{ErrorResponse, ProductSummary};
use crate::context::{Ctx, RequestContext};
use crate::error::HttpError;
use crate::i18n::Tr;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonResponse {
    /// because_you_bought, because_you_viewed, picked_for_you, also_bought or popular
    pub code: &'static str,
    /// The product that led to it, for because_you_bought and because_you_viewed.
    pub product_id: Option<String>,
    /// The reason in the caller's language.
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationResponse {
    #[serde(flatten)]
    pub product: ProductSummary,
    pub reason: ReasonResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationsResponse {
    pub items: Vec<RecommendationResponse>,
}

/// The reason of a recommendation in the person's language.
pub fn reason_text(tr: Tr<'_>, reason: &Reason) -> String {
    match reason {
        Reason::BecauseYouBought(p) => tr.t_with(
            "reason-because-bought",
            "title",
            p.title.get(tr.locale).to_owned(),
        ),
        Reason::BecauseYouViewed(p) => tr.t_with(
            "reason-because-viewed",
            "title",
            p.title.get(tr.locale).to_owned(),
        ),
        Reason::PickedForYou => tr.t("reason-picked-for-you"),
        Reason::AlsoBought => tr.t("reason-also-bought"),
        Reason::Popular => tr.t("reason-popular"),
    }
}

fn respond(
    state: &AppState,
    ctx: &RequestContext,
    recs: &[Recommendation],
) -> RecommendationsResponse {
    let tr = Tr::new(&state.i18n, ctx.locale);
    RecommendationsResponse {
        items: recs
            .iter()
            .map(|r| RecommendationResponse {
                product: ProductSummary::new(&r.product, ctx.locale, ctx.currency),
                reason: ReasonResponse {
                    code: match r.reason {
                        Reason::BecauseYouBought(_) => "because_you_bought",
                        Reason::BecauseYouViewed(_) => "because_you_viewed",
                        Reason::PickedForYou => "picked_for_you",
                        Reason::AlsoBought => "also_bought",
                        Reason::Popular => "popular",
                    },
                    product_id: match &r.reason {
                        Reason::BecauseYouBought(p) | Reason::BecauseYouViewed(p) => {
                            Some(p.id.to_string())
                        }
                        _ => None,
                    },
                    text: reason_text(tr, &r.reason),
                },
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitParams {
    /// How many (1–50, default 10).
    #[param(minimum = 1, maximum = 50)]
    limit: Option<i64>,
}

fn limit(p: &LimitParams) -> Result<usize, HttpError> {
    Ok(kenning_domain::paging::limit(p.limit, 10, 50)?)
}

/// Suggestions for the caller from what they bought, or the most bought products for
/// anonymous callers and people without history. Each carries its reason.
#[utoipa::path(get, path = "/api/v1/recommendations", tag = "catalog",
    params(LimitParams),
    responses((status = 200, body = RecommendationsResponse)))]
pub async fn recommendations(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(params): Query<LimitParams>,
) -> Result<Json<RecommendationsResponse>, HttpError> {
    let recs = state
        .app
        .recommendations(ctx.user.as_ref(), limit(&params)?)
        .await?;
    Ok(Json(respond(&state, &ctx, &recs)))
}

/// "People who bought this also bought".
#[utoipa::path(get, path = "/api/v1/products/{id}/also-bought", tag = "catalog",
    params(("id" = String, Path, description = "Product id"), LimitParams),
    responses((status = 200, body = RecommendationsResponse), (status = 404, body = ErrorResponse)))]
pub async fn also_bought(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
    Query(params): Query<LimitParams>,
) -> Result<Json<RecommendationsResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    // 404 for products the caller may not see.
    state.app.product_detail(id, ctx.user.as_ref()).await?;
    let recs = state.app.also_bought(id, limit(&params)?).await?;
    Ok(Json(respond(&state, &ctx, &recs)))
}
