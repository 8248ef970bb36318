//! Full-text search.

use axum::Json;
use axum::extract::{Query, State};
use kenning_app::ports::{ProductSearch, SearchSort};
use kenning_domain::DomainError;
use kenning_domain::locale::Locale;
use kenning_domain::review::Rating;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::types::{ErrorResponse, ProductSummary};
use crate::context::{Ctx, RequestContext, SignedIn};
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find, in Chinese or English.
    pub q: Option<String>,
    /// Only this product kind.
    pub kind: Option<String>,
    /// Only products written in this language ("en", "zh-CN").
    pub language: Option<String>,
    /// Lowest price in minor units of the caller's currency (`?currency=`).
    pub min_price: Option<i64>,
    /// Highest price in minor units of the caller's currency.
    pub max_price: Option<i64>,
    /// Only products rated at least this many stars on average (1–5).
    pub min_rating: Option<String>,
    /// relevance (default), newest, price_low, price_high or rating
    pub sort: Option<String>,
    /// How many (1–100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl SearchParams {
    /// The search this asks for, in the person's language and currency.
    pub fn to_search(&self, ctx: &RequestContext) -> Result<ProductSearch, DomainError> {
        Ok(ProductSearch {
            text: self.q.clone().unwrap_or_default(),
            kind: self
                .kind
                .as_deref()
                .filter(|k| !k.is_empty())
                .map(str::parse)
                .transpose()?,
            language: self
                .language
                .as_deref()
                .filter(|l| !l.is_empty())
                .map(Locale::parse)
                .transpose()?,
            currency: ctx.currency,
            min_price: self.min_price,
            max_price: self.max_price,
            // Forms send "" for "any".
            min_rating: self
                .min_rating
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(|r| {
                    r.parse::<i64>()
                        .map_err(|_| DomainError::InvalidRating)
                        .and_then(Rating::new)
                })
                .transpose()?,
            sort: match self.sort.as_deref() {
                Some("newest") => SearchSort::Newest,
                Some("rating") => SearchSort::Rating,
                Some("price_low") => SearchSort::PriceLow,
                Some("price_high") => SearchSort::PriceHigh,
                _ => SearchSort::Relevance,
            },
            limit: kenning_domain::paging::limit(self.limit, 20, 100)?,
            locale: ctx.locale,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchItem {
    #[serde(flatten)]
    pub product: ProductSummary,
    /// The matching passage as HTML: matched words in `<b>`, everything else escaped.
    pub highlight: String,
}

/// A lesson whose text matched, in a product the caller may read in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonMatchItem {
    pub id: String,
    pub product_id: String,
    pub product_title: String,
    pub title: String,
    /// The matching passage as HTML: matched words in `<b>`, everything else escaped.
    pub highlight: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub items: Vec<SearchItem>,
    /// Matches inside locked lessons, only in products the caller owns (or made; all
    /// for operators). Empty for visitors.
    pub lessons: Vec<LessonMatchItem>,
}

/// Search published products by their titles, descriptions, tags, lesson titles and
/// preview lessons (Chinese is segmented with jieba, English stemmed and typo-tolerant).
/// The text of locked lessons is searched only for people who may read it, and comes
/// back in `lessons`, never in a product's highlight.
#[utoipa::path(get, path = "/api/v1/search", tag = "catalog",
    params(SearchParams),
    responses((status = 200, body = SearchResponse), (status = 422, body = ErrorResponse)))]
pub async fn search(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResponse>, HttpError> {
    let query = params.to_search(&ctx)?;
    let found = state.app.search(&query).await?;
    let lessons = state
        .app
        .search_my_lessons(ctx.user.as_ref(), &query.text, ctx.locale, query.limit)
        .await?
        .into_iter()
        .map(|m| LessonMatchItem {
            id: m.lesson.id.to_string(),
            product_id: m.product.id.to_string(),
            product_title: m.product.title.get(ctx.locale).to_owned(),
            title: m.lesson.title.get(ctx.locale).to_owned(),
            highlight: m.highlight,
        })
        .collect();
    Ok(Json(SearchResponse {
        lessons,
        items: found
            .into_iter()
            .map(|(p, highlight)| SearchItem {
                product: ProductSummary::new(&p, ctx.locale, ctx.currency),
                highlight,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReindexResponse {
    /// Published products now in the index.
    pub indexed: usize,
}

/// Index every published product again (admins): this node at once, every other node
/// as it follows the change feed (within a second on PostgreSQL). Every node also builds
/// its index on start.
#[utoipa::path(post, path = "/api/v1/admin/search/reindex", tag = "catalog",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReindexResponse),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
    ))]
pub async fn reindex(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<ReindexResponse>, HttpError> {
    let indexed = state.app.reindex_search(&user).await?;
    Ok(Json(ReindexResponse { indexed }))
}
