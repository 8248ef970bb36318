//! A product's students, for its creator: who holds it, since when, how far they got.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, timestamp};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct StudentItem {
    pub account_id: String,
    pub name: String,
    pub email: String,
    pub since: String,
    /// order, gift, bundle, free or subscription
    pub source: String,
    pub lessons_completed: i64,
    pub lessons: i64,
    pub percent: i64,
    pub finished: bool,
    pub last_active: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StudentList {
    pub items: Vec<StudentItem>,
}

/// Everyone who holds your product, newest first, with how far they got.
#[utoipa::path(get, path = "/api/v1/products/{id}/students", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 200, body = StudentList),
        (status = 401, body = ErrorResponse),
        (status = 404, description = "No such product of yours", body = ErrorResponse),
    ))]
pub async fn students(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<StudentList>, HttpError> {
    let model = state.app.students(&user, path_id(&id)?).await?;
    Ok(Json(StudentList {
        items: model
            .students
            .iter()
            .map(|s| StudentItem {
                account_id: s.account_id.to_string(),
                name: s.name.clone(),
                email: s.email.clone(),
                since: timestamp(s.since_ms),
                source: s.source.clone(),
                lessons_completed: s.completed.min(model.lessons),
                lessons: model.lessons,
                percent: model.percent(s),
                finished: model.finished(s),
                last_active: s.last_active_ms.map(timestamp),
            })
            .collect(),
    }))
}
