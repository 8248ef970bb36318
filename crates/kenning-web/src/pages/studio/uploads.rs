//! Uploads: a product's cover, and lesson files streamed to storage.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bytes::{Bytes, BytesMut};
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use kenning_app::AppError;
use kenning_app::ports::StorageError;
use kenning_domain::ids::{LessonId, ProductId};

use super::editor::after_change;
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::{ErrorReport, HttpError};
use crate::pages::forms::{Typed, same_token};
use crate::state::AppState;

/// The cover upload: a multipart form with the token and the file. A file that is too
/// large or not an image shows the editor again with the reason beside the cover form.
pub async fn upload_cover(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let done = async {
        let file = read_cover(&state, &ctx.csrf, multipart).await?;
        state.app.set_cover(&user, id, file).await?;
        Ok(())
    };
    // A forged token is not the person's to put right: Refused passes it on.
    after_change(
        &state,
        &ctx,
        &user,
        id,
        "cover",
        Typed::default(),
        done.await,
    )
    .await
}

/// The cover's bytes, once the form's token is checked; reading stops as soon as the
/// file passes the limit.
async fn read_cover(
    state: &AppState,
    csrf: &str,
    mut multipart: Multipart,
) -> Result<Bytes, HttpError> {
    let too_large = || {
        HttpError::from_app(&AppError::UploadTooLarge {
            max_bytes: state.app.settings().max_cover_bytes,
        })
    };
    let forged = || ErrorReport::new(StatusCode::FORBIDDEN, "csrf_failed");
    let mut token = String::new();
    let mut file = BytesMut::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| too_large())? {
        match field.name() {
            Some("csrf") => token = field.text().await.map_err(|_| too_large())?,
            Some("cover") => {
                if !same_token(&token, csrf) {
                    return Err(forged());
                }
                while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                    file.extend_from_slice(&chunk);
                    if file.len() > state.app.settings().max_cover_bytes {
                        return Err(too_large());
                    }
                }
            }
            _ => {}
        }
    }
    if !same_token(&token, csrf) {
        return Err(forged());
    }
    Ok(file.freeze())
}

/// A lesson file from the studio: a multipart form with the token first, then the file,
/// whose bytes are passed on to storage as they arrive (never gathered in memory).
pub async fn upload_media(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, HttpError> {
    let lesson: LessonId = path_id(&id)?;
    let unreadable = || ErrorReport::new(StatusCode::BAD_REQUEST, "invalid_request");
    let mut token = String::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("csrf") => token = field.text().await.map_err(|_| unreadable())?,
            Some("file") => {
                if !same_token(&token, &ctx.csrf) {
                    return Err(ErrorReport::new(StatusCode::FORBIDDEN, "csrf_failed"));
                }
                let name = field.file_name().unwrap_or_default().to_owned();
                // The field borrows the request, so a small channel hands its chunks to
                // the upload, both driven by this task.
                let (mut sender, receiver) = mpsc::channel::<Result<Bytes, StorageError>>(4);
                let pump = async move {
                    loop {
                        let next = match field.chunk().await {
                            Ok(Some(chunk)) => Ok(chunk),
                            Ok(None) => break,
                            Err(e) => Err(StorageError::Interrupted(e.to_string())),
                        };
                        let failed = next.is_err();
                        if sender.send(next).await.is_err() || failed {
                            break;
                        }
                    }
                };
                let upload = state
                    .app
                    .upload_media(&user, lesson, &name, receiver.boxed());
                let (media, ()) = tokio::join!(upload, pump);
                let media = media?;
                return Ok(
                    Redirect::to(&format!("/studio/products/{}#media", media.product_id))
                        .into_response(),
                );
            }
            _ => {}
        }
    }
    Err(unreadable())
}
