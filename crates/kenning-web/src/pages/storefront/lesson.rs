//! The lesson page, the page of a locked lesson, and progress reports.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::catalog::LessonView;
use kenning_app::pages::lesson::{LessonPage, LockedLesson};
use kenning_domain::ids::LessonId;
use serde::Deserialize;

use crate::api::path_id;
use crate::context::{Ctx, RequestContext, SignedIn};
use crate::error::HttpError;
use crate::pages::forms::CsrfForm;
use crate::pages::{Page, ok, price_label, render};
use crate::state::AppState;

/// A lesson in the table of contents beside the lesson.
pub struct TocLine {
    pub id: String,
    pub title: String,
    pub preview: bool,
}

/// A file of the lesson, behind a signed link.
pub struct MediaLine {
    pub kind: &'static str,
    pub url: String,
    pub content_type: String,
    pub file_name: String,
}

#[derive(Template)]
#[template(path = "lesson.html")]
struct LessonTemplate<'a> {
    page: Page<'a>,
    product_id: String,
    product_title: String,
    lesson_id: String,
    body_html: String,
    lessons: Vec<TocLine>,
    next_lesson: Option<String>,
    media: Vec<MediaLine>,
    /// Where to resume, in seconds.
    resume_seconds: f64,
    completed: bool,
    signed_in: bool,
}

/// The lesson sold on its own: the buy form's fields.
pub struct AloneOffer {
    pub lesson: String,
    pub price: String,
    pub currency: String,
    /// A fresh order key.
    pub key: String,
    pub country: String,
}

#[derive(Template)]
#[template(path = "locked.html")]
struct LockedTemplate<'a> {
    page: Page<'a>,
    product_id: String,
    product_title: String,
    price: String,
    /// Set for a holder waiting on drip release.
    opens_on: Option<String>,
    alone: Option<AloneOffer>,
}

pub async fn lesson(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let id: LessonId = path_id(&id)?;
    match state
        .app
        .lesson_page(id, ctx.user.as_ref(), ctx.currency)
        .await?
    {
        LessonPage::Open(view) => ok(&open_template(&state, &ctx, &view)),
        LessonPage::Locked(locked) => Ok(render(
            StatusCode::FORBIDDEN,
            &locked_template(&state, &ctx, &locked),
        )),
    }
}

fn open_template<'a>(
    state: &'a AppState,
    ctx: &'a RequestContext,
    view: &LessonView,
) -> LessonTemplate<'a> {
    let locale = ctx.locale;
    let page = Page::new(state, ctx, "lesson-title").with_title(view.lesson.title.get(locale));
    let position = view.lessons.iter().position(|l| l.id == view.lesson.id);
    LessonTemplate {
        product_id: view.product.id.to_string(),
        product_title: view.product.title.get(locale).to_owned(),
        lesson_id: view.lesson.id.to_string(),
        body_html: state.markdown.to_safe_html(view.lesson.body.get(locale)),
        lessons: (view.lessons.iter())
            .map(|l| TocLine {
                id: l.id.to_string(),
                title: l.title.get(locale).to_owned(),
                preview: l.preview,
            })
            .collect(),
        next_lesson: position
            .and_then(|i| view.lessons.get(i + 1))
            .map(|l| l.id.to_string()),
        media: (view.media.iter())
            .map(|l| MediaLine {
                kind: l.media.kind.as_str(),
                url: l.url.clone(),
                content_type: l.media.content_type.clone(),
                file_name: l.media.file_name.clone(),
            })
            .collect(),
        resume_seconds: view
            .progress
            .and_then(|p| u32::try_from(p.position_ms).ok())
            .map_or(0.0, |ms| f64::from(ms) / 1000.0),
        completed: view.progress.is_some_and(|p| p.completed),
        signed_in: ctx.user.is_some(),
        page,
    }
}

/// What a locked lesson is and how to get it: "buy first", or for a holder of a dripped
/// lesson, when it opens (answered 403).
fn locked_template<'a>(
    state: &'a AppState,
    ctx: &'a RequestContext,
    locked: &LockedLesson,
) -> LockedTemplate<'a> {
    let page = Page::new(state, ctx, "locked-title");
    LockedTemplate {
        alone: locked.alone.map(|m| AloneOffer {
            lesson: locked.lesson_id.to_string(),
            price: page.money(&m),
            currency: m.currency.code().to_owned(),
            key: kenning_app::accounts::random_uuid().to_string(),
            country: ctx.country.to_string(),
        }),
        product_id: locked.product.id.to_string(),
        product_title: locked.product.title.get(ctx.locale).to_owned(),
        price: price_label(&page, &locked.product, &locked.rates),
        opens_on: locked.opens_at_ms.map(|at| page.date(&at)),
        page,
    }
}

#[derive(Deserialize)]
pub struct ProgressForm {
    #[serde(default)]
    position_ms: i64,
    duration_ms: Option<i64>,
    #[serde(default)]
    ended: bool,
    /// Sent by the plain form ("mark as done"), which wants the lesson page back; the
    /// player's background reports get 204.
    #[serde(default)]
    back: bool,
}

/// The player's progress reports (every few seconds, on pause, at the end), and the
/// "mark as done" button of text lessons.
pub async fn save_progress(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ProgressForm>,
) -> Result<Response, HttpError> {
    let id: LessonId = path_id(&id)?;
    state
        .app
        .report_progress(&user, id, form.position_ms, form.duration_ms, form.ended)
        .await?;
    if form.back {
        return Ok(Redirect::to(&format!("/lessons/{id}")).into_response());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
