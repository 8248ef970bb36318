//! Reviews and ratings.

use axum::Json;
use axum::extract::{Path, State};
use kenning_app::reviews::ProductReviews;
use kenning_domain::ids::ProductId;
use kenning_domain::review::{Review, ReviewDraft};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, RatingDto, timestamp};
use crate::context::{Ctx, SignedIn};
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewResponse {
    pub author: String,
    /// One to five.
    pub rating: u8,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Review> for ReviewResponse {
    fn from(r: &Review) -> Self {
        ReviewResponse {
            author: r.author_name.clone(),
            rating: r.rating.stars(),
            body: r.body.clone(),
            created_at: timestamp(r.created_at_ms),
            updated_at: timestamp(r.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewsResponse {
    pub rating: RatingDto,
    /// Most recently written first.
    pub items: Vec<ReviewResponse>,
    /// The caller's own review.
    pub mine: Option<ReviewResponse>,
    /// Whether the caller may write (or rewrite) a review: they own the product and did
    /// not make it.
    pub can_review: bool,
}

impl From<&ProductReviews> for ReviewsResponse {
    fn from(r: &ProductReviews) -> Self {
        ReviewsResponse {
            rating: RatingDto::from(&r.summary),
            items: r.items.iter().map(ReviewResponse::from).collect(),
            mine: r.mine.as_ref().map(ReviewResponse::from),
            can_review: r.can_review,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// One to five stars.
    pub rating: i64,
    /// Optional text, at most 4,000 characters.
    #[serde(default)]
    pub body: String,
}

/// A product's ratings and reviews.
#[utoipa::path(get, path = "/api/v1/products/{id}/reviews", tag = "reviews",
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, body = ReviewsResponse), (status = 404, body = ErrorResponse)))]
pub async fn list_reviews(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Json<ReviewsResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    let reviews = state.app.product_reviews(id, ctx.user.as_ref()).await?;
    Ok(Json(ReviewsResponse::from(&reviews)))
}

/// Write or rewrite your review of a product you own.
#[utoipa::path(put, path = "/api/v1/products/{id}/review", tag = "reviews",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, body = ReviewResponse),
        (status = 401, body = ErrorResponse),
        (status = 403, description = "Not a buyer, or the product's own creator", body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 422, description = "Rating outside 1–5 or text too long", body = ErrorResponse),
    ))]
pub async fn write_review(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> Result<Json<ReviewResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    let draft = ReviewDraft::new(body.rating, &body.body)?;
    let review = state.app.write_review(id, &user, draft).await?;
    Ok(Json(ReviewResponse::from(&review)))
}
