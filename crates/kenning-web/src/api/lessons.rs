//! Editing a course's outline: a lesson's text and chapter, its place, deleting it; and
//! a chapter's place and deleting it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use kenning_app::catalog::NewLesson;
use kenning_domain::catalog::Release;
use kenning_domain::ids::{ChapterId, ProductId};
use serde::Deserialize;
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, LessonRequest, localized};
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

/// Change a lesson's title, text, preview flag and chapter (its release and files keep;
/// `chapter_id` null takes it out of any chapter). Creators of the product only.
#[utoipa::path(put, path = "/api/v1/lessons/{id}", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")),
    request_body = LessonRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn update_lesson(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LessonRequest>,
) -> Result<StatusCode, HttpError> {
    let chapter_id = body
        .chapter_id
        .as_deref()
        .map(path_id::<ChapterId>)
        .transpose()?;
    let edit = NewLesson {
        chapter_id,
        title: localized(&body.title)?,
        body: localized(&body.content)?,
        preview: body.preview,
        release: Release::Immediately,
    };
    state.app.edit_lesson(&user, path_id(&id)?, edit).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a lesson (with its files' records and learners' progress in it). One bought
/// on its own stays (`lesson_sold`).
#[utoipa::path(delete, path = "/api/v1/lessons/{id}", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")),
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, description = "Bought on its own (`lesson_sold`)", body = ErrorResponse),
    ))]
pub async fn delete_lesson(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    state.app.delete_lesson(&user, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveRequest {
    /// up (earlier) or down (later)
    pub direction: String,
    /// How many places (1 when left out; a lesson stops at its chapter's end).
    pub steps: Option<u16>,
}

fn up(body: &MoveRequest) -> Result<bool, HttpError> {
    match body.direction.as_str() {
        "up" => Ok(true),
        "down" => Ok(false),
        _ => Err(HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_direction",
        )),
    }
}

/// Move a lesson up or down within its chapter (one place, or `steps`).
#[utoipa::path(post, path = "/api/v1/lessons/{id}/move", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")),
    request_body = MoveRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 422, description = "`invalid_direction`", body = ErrorResponse),
    ))]
pub async fn move_lesson(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveRequest>,
) -> Result<StatusCode, HttpError> {
    let up = up(&body)?;
    let steps = usize::from(body.steps.unwrap_or(1));
    state
        .app
        .move_lesson(&user, path_id(&id)?, up, steps)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move a chapter one place up or down.
#[utoipa::path(post, path = "/api/v1/products/{id}/chapters/{chapter}/move", tag = "catalog",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Product id"),
        ("chapter" = String, Path, description = "Chapter id"),
    ),
    request_body = MoveRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn move_chapter(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path((id, chapter)): Path<(String, String)>,
    ApiJson(body): ApiJson<MoveRequest>,
) -> Result<StatusCode, HttpError> {
    let up = up(&body)?;
    let product: ProductId = path_id(&id)?;
    state
        .app
        .move_chapter(&user, product, path_id(&chapter)?, up)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a chapter; its lessons stay, outside any chapter.
#[utoipa::path(delete, path = "/api/v1/products/{id}/chapters/{chapter}", tag = "catalog",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Product id"),
        ("chapter" = String, Path, description = "Chapter id"),
    ),
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
    ))]
pub async fn delete_chapter(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path((id, chapter)): Path<(String, String)>,
) -> Result<StatusCode, HttpError> {
    let product: ProductId = path_id(&id)?;
    state
        .app
        .delete_chapter(&user, product, path_id(&chapter)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
