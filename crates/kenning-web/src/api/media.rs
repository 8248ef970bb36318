//! Lesson files and learning progress.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use futures::{StreamExt, TryStreamExt};
use kenning_app::ports::StorageError;
use kenning_domain::ids::LessonId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::path_id;
use super::types::{ErrorResponse, ProgressResponse};
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name, as shown to learners (its type comes from its bytes).
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaResponse {
    pub id: String,
    /// video, audio, pdf or epub
    pub kind: String,
    pub content_type: String,
    pub bytes: u64,
    pub file_name: String,
}

/// Attach a file to a lesson (its creator or an admin). Send the file as the raw request
/// body; it is streamed to storage. Video, audio (MP4, WebM, MP3, M4A, Ogg, WAV…), PDF
/// and EPUB are recognised by their content, whatever the name says.
#[utoipa::path(post, path = "/api/v1/lessons/{id}/media", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = MediaResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 413, description = "Larger than this kind of file may be", body = ErrorResponse),
        (status = 415, description = "Not a video, audio, PDF or EPUB file", body = ErrorResponse),
    ))]
pub async fn upload_media(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    Query(params): Query<UploadParams>,
    body: Body,
) -> Result<(StatusCode, Json<MediaResponse>), HttpError> {
    let lesson: LessonId = path_id(&id)?;
    let stream = body
        .into_data_stream()
        .map_err(|e| StorageError::Interrupted(e.to_string()))
        .boxed();
    let media = state
        .app
        .upload_media(
            &user,
            lesson,
            params.name.as_deref().unwrap_or_default(),
            stream,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(MediaResponse {
            id: media.id.to_string(),
            kind: media.kind.as_str().to_owned(),
            content_type: media.content_type,
            bytes: media.bytes,
            file_name: media.file_name,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProgressRequest {
    /// Where playback is, in milliseconds (0 for text lessons).
    #[serde(default)]
    pub position_ms: i64,
    /// The length of the media, when known; 95% played counts as completed.
    pub duration_ms: Option<i64>,
    /// The lesson was finished (played to the end, or marked done).
    #[serde(default)]
    pub ended: bool,
}

/// Save where you are in a lesson you may read.
#[utoipa::path(put, path = "/api/v1/lessons/{id}/progress", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")),
    request_body = ProgressRequest,
    responses(
        (status = 200, body = ProgressResponse),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
    ))]
pub async fn save_progress(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProgressRequest>,
) -> Result<Json<ProgressResponse>, HttpError> {
    let lesson: LessonId = path_id(&id)?;
    let progress = state
        .app
        .report_progress(
            &user,
            lesson,
            body.position_ms,
            body.duration_ms,
            body.ended,
        )
        .await?;
    Ok(Json(ProgressResponse::from(&progress)))
}
