//! The notifications page (the bell), marking them read, which kinds are mailed; and
//! the studio's announcement to a product's buyers.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use kenning_domain::ids::ProductId;
use kenning_domain::mail::MailMessage;
use kenning_domain::notification::{Notice, NoticeKind};
use serde::Deserialize;

use super::forms::{CsrfForm, KeptForm};
use super::{Page, ok};
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// A notification in the reader's words.
struct NoticeRow {
    id: i64,
    text: String,
    /// An announcement's own text.
    quote: Option<String>,
    link: String,
    when: String,
    read: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsTemplate<'a> {
    page: Page<'a>,
    unread: i64,
    rows: Vec<NoticeRow>,
    /// (kind, its label, mailed)
    mail: Vec<(&'static str, String, bool)>,
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    let model = state.app.notifications_page(&user).await?;
    let page = Page::new(&state, &ctx, "notifications-title");
    let rows = model
        .items
        .iter()
        .map(|n| {
            let key = format!("notice-{}", MailMessage::notice_kind(&n.notice));
            let text = page
                .tr
                .t_args(&key, crate::mail::notice_args(page.tr, &n.notice));
            let quote = match &n.notice {
                Notice::Announcement { body, .. } => Some(body.clone()),
                Notice::ProductHeld { reason, .. } => Some(reason.clone()),
                _ => None,
            };
            NoticeRow {
                id: n.id,
                text,
                quote,
                link: n.notice.link_path(),
                when: page.tr.datetime(n.created_at_ms),
                read: n.read,
            }
        })
        .collect();
    let mail = model
        .mail
        .iter()
        .map(|(k, on)| {
            (
                k.as_str(),
                page.t(&format!("notice-kind-{}", k.as_str())),
                *on,
            )
        })
        .collect();
    ok(&NotificationsTemplate {
        unread: model.unread,
        rows,
        mail,
        page,
    })
}

#[derive(Deserialize)]
pub struct ReadForm {
    /// One notification; all when absent.
    id: Option<i64>,
}

pub async fn mark_read(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<ReadForm>,
) -> Result<Redirect, HttpError> {
    state.app.mark_notifications_read(&user, form.id).await?;
    Ok(Redirect::to("/notifications"))
}

/// Checkboxes: a kind is present when ticked.
#[derive(Deserialize)]
pub struct MailForm {
    answers: Option<String>,
    refunds: Option<String>,
    announcements: Option<String>,
    renewals: Option<String>,
    live: Option<String>,
    moderation: Option<String>,
}

pub async fn save_mail(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<MailForm>,
) -> Result<Redirect, HttpError> {
    let mut mailed = Vec::new();
    for (kind, ticked) in [
        (NoticeKind::Answers, &form.answers),
        (NoticeKind::Refunds, &form.refunds),
        (NoticeKind::Announcements, &form.announcements),
        (NoticeKind::Renewals, &form.renewals),
        (NoticeKind::Live, &form.live),
        (NoticeKind::Moderation, &form.moderation),
    ] {
        if ticked.is_some() {
            mailed.push(kind);
        }
    }
    state.app.set_notification_mail(&user, &mailed).await?;
    Ok(Redirect::to("/notifications#mail"))
}

#[derive(Deserialize)]
pub struct AnnouncementForm {
    title: String,
    body: String,
}

pub async fn announce(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<AnnouncementForm>,
) -> Result<Response, HttpError> {
    use axum::response::IntoResponse;
    let id: ProductId = path_id(&id)?;
    match (state.app)
        .announce(&user, id, &form.title, &form.body)
        .await
    {
        Ok(sent) => Ok(
            Redirect::to(&format!("/studio/products/{id}?announced={sent}#announce"))
                .into_response(),
        ),
        Err(e) => {
            let failed = Err(e.into());
            super::studio::after_change(&state, &ctx, &user, id, "announce", typed, failed).await
        }
    }
}

/// The bell's count, for the page's script (the API takes bearer tokens, not cookies).
pub async fn unread(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<axum::Json<serde_json::Value>, HttpError> {
    let unread = state.app.unread_notifications(&user).await?;
    Ok(axum::Json(serde_json::json!({ "unread": unread })))
}
