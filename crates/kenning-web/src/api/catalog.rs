//! Products and lessons.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kenning_app::catalog::{CatalogQuery, NewLesson};
use kenning_domain::catalog::{PriceList, ProductDraft};
use kenning_domain::ids::{ChapterId, LessonId, ProductId};
use kenning_domain::locale::Locale;
use kenning_domain::money::{Currency, Money};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::path_id;
use super::types::{
    ChapterRequest, CreatedResponse, ErrorResponse, LessonRequest, LessonResponse,
    MediaLinkResponse, MoneyDto, ProductDetailResponse, ProductRequest, ProductSummary,
    ProductsResponse, ProgressResponse, ReleaseDto, localized,
};
use crate::context::{Ctx, SignedIn};
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Filter by product kind.
    kind: Option<String>,
    /// Language of the answer (read by the context middleware, listed for the docs).
    #[allow(dead_code)]
    lang: Option<String>,
    /// Only products written in this language ("en", "zh-CN").
    language: Option<String>,
    /// Preferred currency of the `price` field (read by the context middleware).
    #[allow(dead_code)]
    currency: Option<String>,
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 10000)]
    page: Option<i64>,
    /// Products per page (default 24).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// Published products, newest first.
#[utoipa::path(get, path = "/api/v1/products", tag = "catalog",
    params(ListParams),
    responses((status = 200, body = ProductsResponse), (status = 422, body = ErrorResponse)))]
pub async fn list_products(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(params): Query<ListParams>,
) -> Result<Json<ProductsResponse>, HttpError> {
    let query = CatalogQuery {
        kind: params.kind.as_deref().map(str::parse).transpose()?,
        language: params.language.as_deref().map(Locale::parse).transpose()?,
        page: params.page.unwrap_or(1),
        per_page: params.per_page.unwrap_or(24),
    };
    let page = state.app.browse(&query).await?;
    Ok(Json(ProductsResponse {
        items: page
            .items
            .iter()
            .map(|p| ProductSummary::new(p, ctx.locale, ctx.currency))
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// A product with its chapters and lessons.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "catalog",
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, body = ProductDetailResponse), (status = 404, body = ErrorResponse)))]
pub async fn get_product(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Json<ProductDetailResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    let detail = state.app.product_detail(id, ctx.user.as_ref()).await?;
    Ok(Json(ProductDetailResponse::new(
        &detail,
        ctx.locale,
        ctx.currency,
    )))
}

fn draft(body: ProductRequest) -> Result<ProductDraft, HttpError> {
    let prices = body
        .prices
        .iter()
        .map(|p| Money::price(p.amount_minor, Currency::from_code(&p.currency)?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ProductDraft {
        kind: body.kind.parse()?,
        title: localized(&body.title)?,
        description: localized(&body.description)?,
        prices: PriceList::new(prices)?,
        tags: body.tags,
    })
}

/// Create a product as a draft (creators and admins).
#[utoipa::path(post, path = "/api/v1/products", tag = "catalog",
    security(("bearer" = [])),
    request_body = ProductRequest,
    responses(
        (status = 201, body = ProductSummary),
        (status = 403, description = "Not a creator", body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn create_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    ApiJson(body): ApiJson<ProductRequest>,
) -> Result<(StatusCode, Json<ProductSummary>), HttpError> {
    let product = state.app.create_product(&user, draft(body)?).await?;
    Ok((
        StatusCode::CREATED,
        Json(ProductSummary::new(&product, ctx.locale, ctx.currency)),
    ))
}

/// Add a chapter to a product.
#[utoipa::path(post, path = "/api/v1/products/{id}/chapters", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = ChapterRequest,
    responses((status = 201, body = CreatedResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
pub async fn add_chapter(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChapterRequest>,
) -> Result<(StatusCode, Json<CreatedResponse>), HttpError> {
    let id: ProductId = path_id(&id)?;
    let chapter = state
        .app
        .add_chapter(&user, id, localized(&body.title)?)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedResponse {
            id: chapter.id.to_string(),
        }),
    ))
}

/// Add a lesson to a product.
#[utoipa::path(post, path = "/api/v1/products/{id}/lessons", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = LessonRequest,
    responses((status = 201, body = CreatedResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
pub async fn add_lesson(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LessonRequest>,
) -> Result<(StatusCode, Json<CreatedResponse>), HttpError> {
    let id: ProductId = path_id(&id)?;
    let chapter_id = body
        .chapter_id
        .as_deref()
        .map(path_id::<ChapterId>)
        .transpose()?;
    let lesson = state
        .app
        .add_lesson(
            &user,
            id,
            NewLesson {
                chapter_id,
                title: localized(&body.title)?,
                body: localized(&body.content)?,
                preview: body.preview,
                release: body.release.to_release()?,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedResponse {
            id: lesson.id.to_string(),
        }),
    ))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LessonPricesDto {
    /// What the lesson costs on its own (按需付费); empty: only sold with its product.
    pub prices: Vec<MoneyDto>,
}

/// A lesson's own prices.
#[utoipa::path(get, path = "/api/v1/lessons/{id}/prices", tag = "catalog",
    params(("id" = String, Path, description = "Lesson id")),
    responses((status = 200, body = LessonPricesDto), (status = 404, body = ErrorResponse)))]
pub async fn get_lesson_prices(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<LessonPricesDto>, HttpError> {
    let prices = state.app.lesson_prices(path_id(&id)?).await?;
    Ok(Json(LessonPricesDto {
        prices: prices.iter().copied().map(MoneyDto::from).collect(),
    }))
}

/// Sell a lesson on its own to people who do not hold its product (its creator and
/// operators); an empty list stops it. Buy it with `lesson_id` on `POST /orders`.
#[utoipa::path(put, path = "/api/v1/lessons/{id}/prices", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")),
    request_body = LessonPricesDto,
    responses((status = 200, body = LessonPricesDto), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn set_lesson_prices(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LessonPricesDto>,
) -> Result<Json<LessonPricesDto>, HttpError> {
    let prices = body
        .prices
        .iter()
        .map(|p| Money::price(p.amount_minor, Currency::from_code(&p.currency)?))
        .collect::<Result<Vec<_>, _>>()?;
    let list = state
        .app
        .set_lesson_prices(&user, path_id(&id)?, prices)
        .await?;
    Ok(Json(LessonPricesDto {
        prices: list.iter().copied().map(MoneyDto::from).collect(),
    }))
}

/// Change when a lesson opens to those who hold its product (drip release).
#[utoipa::path(put, path = "/api/v1/lessons/{id}/release", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")),
    request_body = ReleaseDto,
    responses((status = 200, body = ReleaseDto), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn set_lesson_release(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReleaseDto>,
) -> Result<Json<ReleaseDto>, HttpError> {
    let lesson = state
        .app
        .set_lesson_release(&user, path_id(&id)?, body.to_release()?)
        .await?;
    Ok(Json(ReleaseDto::from(lesson.release)))
}

/// Publish a product (it needs at least one lesson).
#[utoipa::path(post, path = "/api/v1/products/{id}/publish", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, body = ProductSummary), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn publish_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ProductSummary>, HttpError> {
    let product = state.app.publish(&user, path_id(&id)?).await?;
    Ok(Json(ProductSummary::new(
        &product,
        ctx.locale,
        ctx.currency,
    )))
}

/// Take a product off sale; buyers keep access.
#[utoipa::path(post, path = "/api/v1/products/{id}/unpublish", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, body = ProductSummary), (status = 403, body = ErrorResponse)))]
pub async fn unpublish_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ProductSummary>, HttpError> {
    let product = state.app.unpublish(&user, path_id(&id)?).await?;
    Ok(Json(ProductSummary::new(
        &product,
        ctx.locale,
        ctx.currency,
    )))
}

/// A lesson's content: open for previews, otherwise for people entitled to the product,
/// its creator and admins.
#[utoipa::path(get, path = "/api/v1/lessons/{id}", tag = "catalog",
    params(("id" = String, Path, description = "Lesson id")),
    responses(
        (status = 200, body = LessonResponse),
        (status = 401, description = "Locked lesson, not signed in", body = ErrorResponse),
        (status = 403, description = "Locked lesson, not purchased", body = ErrorResponse),
        (status = 404, body = ErrorResponse),
    ))]
pub async fn get_lesson(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Json<LessonResponse>, HttpError> {
    let id: LessonId = path_id(&id)?;
    let view = state.app.read_lesson(id, ctx.user.as_ref()).await?;
    let content = view.lesson.body.get(ctx.locale).to_owned();
    Ok(Json(LessonResponse {
        id: view.lesson.id.to_string(),
        product_id: view.product.id.to_string(),
        title: view.lesson.title.get(ctx.locale).to_owned(),
        preview: view.lesson.preview,
        content_html: state.markdown.to_safe_html(&content),
        content,
        media: view.media.iter().map(MediaLinkResponse::from).collect(),
        progress: view.progress.as_ref().map(ProgressResponse::from),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BundleRequest {
    /// Ids of the creator's own products.
    pub products: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BundleResponse {
    pub products: Vec<ProductSummary>,
    /// What the caller would pay now: less when they own part of it.
    pub your_price: Option<MoneyDto>,
}

/// The products a bundle holds, and what the caller would pay for it.
#[utoipa::path(get, path = "/api/v1/products/{id}/bundle", tag = "catalog",
    params(("id" = String, Path, description = "Bundle product id")),
    responses((status = 200, body = BundleResponse), (status = 404, body = ErrorResponse)))]
pub async fn get_bundle(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Json<BundleResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    let detail = state.app.product_detail(id, ctx.user.as_ref()).await?;
    let products = state.app.bundle_contents(id).await?;
    let your_price = match (&ctx.user, detail.product.prices.preferred(ctx.currency)) {
        (Some(user), Some(price)) => state
            .app
            .bundle_price_for(user, &detail.product, price)
            .await
            .ok()
            .map(MoneyDto::from),
        (None, price) => price.map(MoneyDto::from),
        _ => None,
    };
    Ok(Json(BundleResponse {
        products: products
            .iter()
            .map(|p| ProductSummary::new(p, ctx.locale, ctx.currency))
            .collect(),
        your_price,
    }))
}

/// Set the products a bundle holds (its creator).
#[utoipa::path(put, path = "/api/v1/products/{id}/bundle", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Bundle product id")),
    request_body = BundleRequest,
    responses((status = 200, body = BundleResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn set_bundle(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BundleRequest>,
) -> Result<Json<BundleResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    let items = body
        .products
        .iter()
        .map(|p| path_id::<ProductId>(p))
        .collect::<Result<Vec<_>, _>>()?;
    let products = state.app.set_bundle_items(&user, id, items).await?;
    Ok(Json(BundleResponse {
        products: products
            .iter()
            .map(|p| ProductSummary::new(p, ctx.locale, ctx.currency))
            .collect(),
        your_price: None,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SaleRequest {
    /// 1 to 90 percent off every price.
    pub percent: u16,
    /// RFC 3339, in the future.
    pub ends_at: String,
}

/// Start (or replace) a time-limited sale on a product (its creator).
#[utoipa::path(put, path = "/api/v1/products/{id}/sale", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = SaleRequest,
    responses((status = 204), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn set_sale(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SaleRequest>,
) -> Result<StatusCode, HttpError> {
    let sale = kenning_domain::sale::Sale {
        bps: body.percent.saturating_mul(100),
        ends_at_ms: super::types::parse_timestamp(&body.ends_at)
            .ok_or(kenning_domain::DomainError::InvalidSale)?,
    };
    state.app.set_sale(&user, path_id(&id)?, Some(sale)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End a product's sale now.
#[utoipa::path(delete, path = "/api/v1/products/{id}/sale", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    responses((status = 204), (status = 403, body = ErrorResponse)))]
pub async fn end_sale(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    state.app.set_sale(&user, path_id(&id)?, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
