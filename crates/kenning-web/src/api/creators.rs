//! Creators: applying to become one, one's own application, and creators' public
//! pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kenning_domain::creator::{ApplicationForm, CreatorApplication};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, ProductSummary, timestamp};
use crate::context::{Ctx, SignedIn};
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PayoutDetailDto {
    /// ISO 4217, e.g. EUR.
    pub currency: String,
    /// A bank account (IBAN …) or payment account reference.
    pub reference: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicationRequest {
    /// The name you sell under (1–80 characters).
    pub name: String,
    /// About you and what you teach (up to 2000 characters).
    #[serde(default)]
    pub bio: String,
    /// Where each currency's earnings are paid (at least one).
    pub payout: Vec<PayoutDetailDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationResponse {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub bio: String,
    pub payout: Vec<PayoutDetailDto>,
    /// pending, approved or declined
    pub status: String,
    /// Why it was declined.
    pub reason: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
}

impl From<&CreatorApplication> for ApplicationResponse {
    fn from(a: &CreatorApplication) -> Self {
        ApplicationResponse {
            id: a.id.to_string(),
            account_id: a.account_id.to_string(),
            name: a.name.clone(),
            bio: a.bio.clone(),
            payout: a
                .payout
                .iter()
                .map(|p| PayoutDetailDto {
                    currency: p.currency.code().to_owned(),
                    reference: p.reference.clone(),
                })
                .collect(),
            status: a.status.as_str().to_owned(),
            reason: a.reason.clone(),
            created_at: timestamp(a.created_at_ms),
            decided_at: a.decided_at_ms.map(timestamp),
        }
    }
}

/// Apply to become a creator; an operator approves or declines.
#[utoipa::path(post, path = "/api/v1/creator-applications", tag = "accounts",
    security(("bearer" = [])),
    request_body = ApplicationRequest,
    responses(
        (status = 201, body = ApplicationResponse),
        (status = 401, body = ErrorResponse),
        (status = 409, description = "An application is pending (`application_pending`), or you create already (`already_creator`)", body = ErrorResponse),
        (status = 422, description = "A missing name or payout reference (`invalid_application`)", body = ErrorResponse),
    ))]
pub async fn apply(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<ApplicationRequest>,
) -> Result<(StatusCode, Json<ApplicationResponse>), HttpError> {
    let form = ApplicationForm::new(
        &body.name,
        &body.bio,
        body.payout
            .into_iter()
            .map(|p| (p.currency, p.reference))
            .collect(),
    )?;
    let application = state.app.apply_as_creator(&user, form).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApplicationResponse::from(&application)),
    ))
}

/// Your latest application to become a creator.
#[utoipa::path(get, path = "/api/v1/me/creator-application", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ApplicationResponse),
        (status = 401, body = ErrorResponse),
        (status = 404, description = "You have not applied", body = ErrorResponse),
    ))]
pub async fn mine(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<ApplicationResponse>, HttpError> {
    let found = state
        .app
        .my_application(&user)
        .await?
        .ok_or(kenning_app::AppError::NotFound("application"))?;
    Ok(Json(ApplicationResponse::from(&found)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatorProfileResponse {
    pub id: String,
    pub name: String,
    /// Plain text; paragraphs are separated by an empty line.
    pub bio: String,
    /// When they joined.
    pub since: String,
    /// Their published products, newest first.
    pub products: Vec<ProductSummary>,
}

/// A creator's public page: name, biography and published products. Anyone else is
/// "not found".
#[utoipa::path(get, path = "/api/v1/creators/{id}", tag = "catalog",
    params(("id" = String, Path, description = "The creator's account id")),
    responses(
        (status = 200, body = CreatorProfileResponse),
        (status = 404, body = ErrorResponse),
    ))]
pub async fn profile(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Json<CreatorProfileResponse>, HttpError> {
    let page = state.app.creator_page(path_id(&id)?).await?;
    Ok(Json(CreatorProfileResponse {
        id: page.id.to_string(),
        name: page.name,
        bio: page.bio,
        since: timestamp(page.since_ms),
        products: (page.products.iter())
            .map(|p| ProductSummary::new(p, ctx.locale, ctx.currency))
            .collect(),
    }))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct BioRequest {
    /// Up to 2000 characters; may be empty.
    #[serde(default)]
    pub bio: String,
}

/// Write your public page's biography (creators).
#[utoipa::path(put, path = "/api/v1/me/creator-profile", tag = "accounts",
    security(("bearer" = [])),
    request_body = BioRequest,
    responses(
        (status = 200, body = BioRequest),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 422, description = "Too long (`invalid_bio`)", body = ErrorResponse),
    ))]
pub async fn set_bio(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<BioRequest>,
) -> Result<Json<BioRequest>, HttpError> {
    let bio = state.app.set_my_bio(&user, &body.bio).await?;
    Ok(Json(BioRequest { bio }))
}
