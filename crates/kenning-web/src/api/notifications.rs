//! Notifications: the bell's list and count, marking them read, which kinds are mailed,
//! and creators' announcements to everyone who holds a product.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kenning_domain::notification::{NoticeKind, NotificationRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::path_id;
use super::types::{ErrorResponse, timestamp};
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationItem {
    pub id: i64,
    /// answers, refunds, announcements, renewals or live
    pub kind: String,
    /// What happened: `{"type": "order_refunded", "order": …, "amount": …}` …
    #[schema(value_type = Object)]
    pub notice: Value,
    /// Where it leads on the site.
    pub link: String,
    pub at: String,
    pub read: bool,
}

impl From<&NotificationRecord> for NotificationItem {
    fn from(n: &NotificationRecord) -> Self {
        NotificationItem {
            id: n.id,
            kind: n.notice.kind().as_str().to_owned(),
            notice: serde_json::to_value(&n.notice).unwrap_or(Value::Null),
            link: n.notice.link_path(),
            at: timestamp(n.created_at_ms),
            read: n.read,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    /// Newest first.
    pub items: Vec<NotificationItem>,
    /// The kinds mailed too.
    pub mailed: Vec<String>,
}

/// Your notifications, newest first, and how many are unread.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = NotificationList), (status = 401, body = ErrorResponse)))]
pub async fn list(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<NotificationList>, HttpError> {
    let page = state.app.notifications_page(&user).await?;
    Ok(Json(NotificationList {
        unread: page.unread,
        items: page.items.iter().map(NotificationItem::from).collect(),
        mailed: page
            .mail
            .iter()
            .filter(|(_, on)| *on)
            .map(|(k, _)| k.as_str().to_owned())
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MarkReadRequest {
    /// One notification; all when left out.
    pub id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: u64,
}

/// Mark one notification (or all) read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", tag = "accounts",
    security(("bearer" = [])),
    request_body = MarkReadRequest,
    responses(
        (status = 200, body = MarkedRead),
        (status = 401, body = ErrorResponse),
        (status = 404, description = "Not one of yours", body = ErrorResponse),
    ))]
pub async fn mark_read(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<MarkReadRequest>,
) -> Result<Json<MarkedRead>, HttpError> {
    let marked = state.app.mark_notifications_read(&user, body.id).await?;
    Ok(Json(MarkedRead { marked }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MailSettingsRequest {
    /// The kinds to mail too (answers, refunds, announcements, renewals, live); the rest only show in
    /// the bell.
    pub mailed: Vec<String>,
}

/// Choose which kinds of notification are mailed too.
#[utoipa::path(put, path = "/api/v1/me/notification-settings", tag = "accounts",
    security(("bearer" = [])),
    request_body = MailSettingsRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 422, description = "An unknown kind (`invalid_notification`)", body = ErrorResponse),
    ))]
pub async fn settings(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<MailSettingsRequest>,
) -> Result<StatusCode, HttpError> {
    let kinds = body
        .mailed
        .iter()
        .map(|k| k.parse::<NoticeKind>())
        .collect::<Result<Vec<_>, _>>()?;
    state.app.set_notification_mail(&user, &kinds).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnnouncementRequest {
    /// Up to 120 characters.
    pub title: String,
    /// Up to 5000 characters.
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementSent {
    /// How many people were told.
    pub recipients: usize,
}

/// Write to everyone who holds your product: a notification, and mail to those who
/// want it.
#[utoipa::path(post, path = "/api/v1/products/{id}/announcements", tag = "catalog",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    request_body = AnnouncementRequest,
    responses(
        (status = 201, body = AnnouncementSent),
        (status = 401, body = ErrorResponse),
        (status = 404, description = "No such product of yours", body = ErrorResponse),
        (status = 422, description = "`invalid_announcement`", body = ErrorResponse),
    ))]
pub async fn announce(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AnnouncementRequest>,
) -> Result<(StatusCode, Json<AnnouncementSent>), HttpError> {
    let recipients = state
        .app
        .announce(&user, path_id(&id)?, &body.title, &body.body)
        .await?;
    Ok((StatusCode::CREATED, Json(AnnouncementSent { recipients })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}

/// How many of your notifications are unread (the bell).
#[utoipa::path(get, path = "/api/v1/me/notifications/unread", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorResponse)))]
pub async fn unread(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<UnreadCount>, HttpError> {
    Ok(Json(UnreadCount {
        unread: state.app.unread_notifications(&user).await?,
    }))
}
