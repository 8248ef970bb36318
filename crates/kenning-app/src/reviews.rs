//! Reviews and ratings from verified buyers.

use kenning_domain::catalog::can_view_product;
use kenning_domain::ids::ProductId;
use kenning_domain::review::{RatingSummary, Review, ReviewDraft, can_review};

use crate::accounts::CurrentUser;
use crate::cache::ProductOutline;
use crate::{AppError, Kenning};

/// Reviews shown with a product.
pub const REVIEWS_SHOWN: i64 = 50;

/// A product's ratings and reviews as one person sees them.
#[derive(Clone, Debug)]
pub struct ProductReviews {
    pub summary: RatingSummary,
    pub items: Vec<Review>,
    /// The person's own review, if they wrote one.
    pub mine: Option<Review>,
    /// Whether the person may write (or rewrite) a review.
    pub can_review: bool,
}

impl Kenning {
    /// The reviews of a product anyone may see (buyers keep seeing unpublished ones).
    pub async fn product_reviews(
        &self,
        id: ProductId,
        user: Option<&CurrentUser>,
    ) -> Result<ProductReviews, AppError> {
        let outline = self.outline(id).await?;
        let viewer = user.map(CurrentUser::viewer);
        let entitled = match viewer {
            Some(v) => self.store.is_entitled(v.account_id, id).await?,
            None => false,
        };
        if !entitled && !can_view_product(&outline.product, viewer) {
            return Err(AppError::NotFound("product"));
        }
        self.reviews_view(&outline, user, entitled).await
    }

    /// The reviews as this person sees them, from the (cached) outline; their own review
    /// is read apart only when it is not among those shown.
    pub(crate) async fn reviews_view(
        &self,
        outline: &ProductOutline,
        user: Option<&CurrentUser>,
        entitled: bool,
    ) -> Result<ProductReviews, AppError> {
        let product = &outline.product;
        let mine = match user {
            None => None,
            Some(u) => match outline
                .reviews
                .iter()
                .find(|r| r.account_id == u.account.id)
            {
                Some(r) => Some(r.clone()),
                None if entitled && product.rating.count > REVIEWS_SHOWN => {
                    self.store.review_by(product.id, u.account.id).await?
                }
                None => None,
            },
        };
        Ok(ProductReviews {
            summary: product.rating,
            items: outline.reviews.clone(),
            mine,
            can_review: user
                .is_some_and(|u| can_review(product.creator_id, u.account.id, entitled)),
        })
    }

    /// Writes the person's review of a product they own, replacing an earlier one.
    pub async fn write_review(
        &self,
        id: ProductId,
        user: &CurrentUser,
        draft: ReviewDraft,
    ) -> Result<Review, AppError> {
        let product = self
            .store
            .product(id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        let entitled = self.store.is_entitled(user.account.id, id).await?;
        if !entitled && !can_view_product(&product, Some(user.viewer())) {
            return Err(AppError::NotFound("product"));
        }
        if !can_review(product.creator_id, user.account.id, entitled) {
            return Err(if product.creator_id == user.account.id {
                AppError::Forbidden
            } else {
                AppError::ReviewRequiresPurchase
            });
        }
        let now = self.now_ms();
        let created_at_ms = self
            .store
            .review_by(id, user.account.id)
            .await?
            .map_or(now, |r| r.created_at_ms);
        let review = Review {
            product_id: id,
            account_id: user.account.id,
            author_name: user.account.display_name.as_str().to_owned(),
            rating: draft.rating,
            body: draft.body,
            created_at_ms,
            updated_at_ms: now,
        };
        self.store.upsert_review(&review).await?;
        // The product's average changed: pages, listings and the index show it now.
        self.catalog_changed(id).await;
        Ok(review)
    }
}
