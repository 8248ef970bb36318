//! Paid questions (付费问答): ask by ordering a consultation with `question`; the
//! creator answers; unanswered ones are refunded after seven days. Members whose
//! membership includes the desk ask without paying, within their allowance.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kenning_app::questions::QuestionView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, timestamp};
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResponse {
    pub id: String,
    /// The order that paid for it; none for a member's question.
    pub order_id: Option<String>,
    pub product_id: String,
    pub question: String,
    pub answer: Option<String>,
    /// asked, answered, refunded or expired (a member's question not answered in time)
    pub status: String,
    pub asked_at: String,
    /// When it must be answered by (once paid).
    pub due_at: Option<String>,
    pub answered_at: Option<String>,
}

impl From<&QuestionView> for QuestionResponse {
    fn from(v: &QuestionView) -> Self {
        let q = &v.question;
        QuestionResponse {
            id: q.id.to_string(),
            order_id: q.order_id.map(|o| o.to_string()),
            product_id: q.product_id.to_string(),
            question: q.body.clone(),
            answer: q.answer.clone(),
            status: q.status.as_str().to_owned(),
            asked_at: timestamp(q.created_at_ms),
            due_at: v.due_at_ms.map(timestamp),
            answered_at: q.answered_at_ms.map(timestamp),
        }
    }
}

/// Questions you asked, newest first.
#[utoipa::path(get, path = "/api/v1/me/questions", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<QuestionResponse>), (status = 401, body = ErrorResponse)))]
pub async fn my_questions(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<Vec<QuestionResponse>>, HttpError> {
    let found = state.app.my_questions(&user).await?;
    Ok(Json(found.iter().map(QuestionResponse::from).collect()))
}

/// Paid questions to you (creators), newest first.
#[utoipa::path(get, path = "/api/v1/me/question-inbox", tag = "orders",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<QuestionResponse>), (status = 403, body = ErrorResponse)))]
pub async fn question_inbox(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<Vec<QuestionResponse>>, HttpError> {
    let found = state.app.question_inbox(&user).await?;
    Ok(Json(found.iter().map(QuestionResponse::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// 1 to 4000 characters.
    pub answer: String,
}

/// Answer a paid question (its creator or an operator), once, before it is refunded.
#[utoipa::path(post, path = "/api/v1/questions/{id}/answer", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body = AnswerRequest,
    responses((status = 200, body = QuestionResponse), (status = 404, body = ErrorResponse),
        (status = 409, description = "Answered, refunded or not paid", body = ErrorResponse),
        (status = 422, body = ErrorResponse)))]
pub async fn answer(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AnswerRequest>,
) -> Result<Json<QuestionResponse>, HttpError> {
    let question = state
        .app
        .answer_question(&user, path_id(&id)?, &body.answer)
        .await?;
    Ok(Json(QuestionResponse::from(&QuestionView {
        question,
        due_at_ms: None,
    })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AskRequest {
    /// 1 to 4000 characters.
    pub question: String,
}

/// Ask a desk your membership includes, without paying: 3 questions in any 30 days per
/// desk. Anyone else buys a question by ordering the desk with `question`.
#[utoipa::path(post, path = "/api/v1/products/{id}/questions", tag = "orders",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The desk's product id")),
    request_body = AskRequest,
    responses((status = 201, body = QuestionResponse), (status = 401, body = ErrorResponse),
        (status = 403, description = "Not a member whose membership includes the desk",
            body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, description = "The allowance is used", body = ErrorResponse),
        (status = 422, body = ErrorResponse)))]
pub async fn ask_as_member(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AskRequest>,
) -> Result<(StatusCode, Json<QuestionResponse>), HttpError> {
    let question = (state.app)
        .ask_as_member(&user, path_id(&id)?, &body.question)
        .await?;
    let due_at_ms = Some(kenning_domain::question::answer_due_ms(
        question.created_at_ms,
    ));
    Ok((
        StatusCode::CREATED,
        Json(QuestionResponse::from(&QuestionView {
            question,
            due_at_ms,
        })),
    ))
}
