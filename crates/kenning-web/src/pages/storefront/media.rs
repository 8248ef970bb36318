//! Public media: cover images.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::HttpError;
use crate::state::AppState;

/// The only media served by name: `covers/{product}/{token}`, both parts plain. Any
/// other shape (empty or dot segments, more parts) names nothing.
fn is_cover_key(key: &str) -> bool {
    let mut parts = key.split('/');
    parts.next() == Some("covers")
        && parts.by_ref().take(2).all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        && key.split('/').count() == 3
}

/// Public media (cover images).
pub async fn media(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, HttpError> {
    if !is_cover_key(&key) {
        return Err(HttpError::not_found());
    }
    let (bytes, content_type) = state.app.cover(&key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}
