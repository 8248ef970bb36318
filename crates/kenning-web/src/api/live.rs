//! Live sessions: the schedule, and the room's chat for those who hold a ticket. The
//! room itself is a WebSocket (`GET /live/{id}/socket`, see `crate::live`); these
//! endpoints serve clients that poll, and creators who schedule.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kenning_app::live::LiveRoom;
use kenning_domain::ids::{LiveMessageId, ProductId};
use kenning_domain::live::{ChatMessage, LiveSchedule, Moderation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, parse_timestamp, timestamp};
use crate::context::{Ctx, SignedIn};
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

/// A chat line or a question in a live room.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LiveMessageResponse {
    pub id: String,
    pub author: String,
    pub body: String,
    /// In the question queue.
    pub question: bool,
    pub pinned: bool,
    pub answered: bool,
    pub created_at: String,
}

impl From<&ChatMessage> for LiveMessageResponse {
    fn from(m: &ChatMessage) -> Self {
        LiveMessageResponse {
            id: m.id.to_string(),
            author: m.author_name.clone(),
            body: m.body.clone(),
            question: m.question,
            pinned: m.pinned,
            answered: m.answered,
            created_at: timestamp(m.created_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LiveSessionResponse {
    pub product_id: String,
    pub starts_at: String,
    pub ends_at: String,
    pub duration_minutes: i64,
    /// upcoming, live or ended
    pub phase: String,
    pub capacity: Option<i64>,
    pub seats_left: Option<i64>,
    /// The product whose holders also hold a ticket.
    pub included_in: Option<String>,
    /// The caller may enter the room.
    pub ticket: bool,
    /// The caller may pin and answer.
    pub moderator: bool,
    /// The stream's address, for ticket holders only.
    pub stream_url: Option<String>,
}

impl From<&LiveRoom> for LiveSessionResponse {
    fn from(r: &LiveRoom) -> Self {
        LiveSessionResponse {
            product_id: r.product.id.to_string(),
            starts_at: timestamp(r.schedule.starts_at_ms),
            ends_at: timestamp(r.schedule.ends_at_ms()),
            duration_minutes: r.schedule.duration_minutes,
            phase: r.phase.as_str().to_owned(),
            capacity: r.schedule.capacity,
            seats_left: r.seats_left,
            included_in: r.schedule.included_in.map(|p| p.to_string()),
            ticket: r.ticket,
            moderator: r.moderator,
            stream_url: r.ticket.then(|| r.schedule.stream_url.clone()),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LiveScheduleRequest {
    /// RFC 3339.
    pub starts_at: String,
    /// 5 to 1440.
    pub duration_minutes: i64,
    /// Most tickets to sell; omit for no limit.
    pub capacity: Option<i64>,
    /// http(s) or rtmp(s): an HLS stream, a video file or a meeting link.
    pub stream_url: String,
    /// A product of the same creator whose holders also get a ticket.
    pub included_in: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LiveMessageRequest {
    /// 1 to 1000 characters.
    pub body: String,
    /// Ask it as a question (it joins the queue).
    #[serde(default)]
    pub question: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ModerationRequest {
    /// pin, unpin or answered
    #[schema(value_type = String)]
    pub action: Moderation,
}

/// When a live session happens and what the caller may do in it.
#[utoipa::path(get, path = "/api/v1/products/{id}/live", tag = "live",
    params(("id" = String, Path, description = "Live-session product id")),
    responses((status = 200, body = LiveSessionResponse), (status = 404, body = ErrorResponse)))]
pub async fn get_live(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Json<LiveSessionResponse>, HttpError> {
    let room = state
        .app
        .live_room(path_id(&id)?, ctx.user.as_ref())
        .await?;
    Ok(Json(LiveSessionResponse::from(&room)))
}

/// Schedule (or reschedule) a live session (its creator or an admin).
#[utoipa::path(put, path = "/api/v1/products/{id}/live", tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Live-session product id")),
    request_body = LiveScheduleRequest,
    responses((status = 200, body = LiveSessionResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn schedule_live(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LiveScheduleRequest>,
) -> Result<Json<LiveSessionResponse>, HttpError> {
    let id: ProductId = path_id(&id)?;
    let schedule = LiveSchedule {
        product_id: id,
        starts_at_ms: parse_timestamp(&body.starts_at)
            .ok_or(kenning_domain::DomainError::InvalidLiveSchedule)?,
        duration_minutes: body.duration_minutes,
        capacity: body.capacity,
        stream_url: body.stream_url,
        included_in: body
            .included_in
            .as_deref()
            .map(path_id::<ProductId>)
            .transpose()?,
    };
    state.app.schedule_live(&user, id, schedule).await?;
    let room = state.app.live_room(id, Some(&user)).await?;
    Ok(Json(LiveSessionResponse::from(&room)))
}

/// The room's latest 200 messages, oldest first (ticket holders).
#[utoipa::path(get, path = "/api/v1/products/{id}/live/messages", tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Live-session product id")),
    responses((status = 200, body = Vec<LiveMessageResponse>), (status = 403, body = ErrorResponse)))]
pub async fn list_messages(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<Vec<LiveMessageResponse>>, HttpError> {
    let messages = state.app.live_messages(path_id(&id)?, &user).await?;
    Ok(Json(
        messages.iter().map(LiveMessageResponse::from).collect(),
    ))
}

/// Post to the room's chat, or ask a question (ticket holders).
#[utoipa::path(post, path = "/api/v1/products/{id}/live/messages", tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Live-session product id")),
    request_body = LiveMessageRequest,
    responses((status = 201, body = LiveMessageResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn post_message(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LiveMessageRequest>,
) -> Result<(StatusCode, Json<LiveMessageResponse>), HttpError> {
    let message = state
        .app
        .say_live(path_id(&id)?, &user, &body.body, body.question)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(LiveMessageResponse::from(&message)),
    ))
}

/// Pin, unpin or mark answered (the session's creator or an admin).
#[utoipa::path(put, path = "/api/v1/live/messages/{id}", tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Message id")),
    request_body = ModerationRequest,
    responses((status = 200, body = LiveMessageResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
pub async fn moderate_message(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ModerationRequest>,
) -> Result<Json<LiveMessageResponse>, HttpError> {
    let id: LiveMessageId = path_id(&id)?;
    let message = state.app.moderate_live(&user, id, body.action).await?;
    Ok(Json(LiveMessageResponse::from(&message)))
}
