//! Chapters and lessons, and the price a lesson sells for on its own.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use kenning_app::catalog::NewLesson;
use kenning_domain::DomainError;
use kenning_domain::catalog::Release;
use kenning_domain::ids::{ChapterId, LessonId, ProductId};
use kenning_domain::locale::{Locale, LocalizedText};
use serde::Deserialize;

use super::back_to;
use super::editor::after_change;
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::{CsrfForm, EmptyForm, KeptForm, utc_day};
use crate::pages::{Page, ok};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ChapterForm {
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    title_zh: String,
}

pub async fn add_chapter(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<ChapterForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let title =
        LocalizedText::from_pairs([(Locale::En, form.title_en), (Locale::ZhCn, form.title_zh)]);
    let done = state.app.add_chapter(&user, id, title).await;
    let done = done.map(drop).map_err(HttpError::from);
    after_change(&state, &ctx, &user, id, "chapter", typed, done).await
}

#[derive(Deserialize)]
pub struct LessonForm {
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    title_zh: String,
    #[serde(default)]
    body_en: String,
    #[serde(default)]
    body_zh: String,
    #[serde(default)]
    chapter_id: String,
    preview: Option<String>,
    /// Drip release: "", "days" or "date".
    #[serde(default)]
    release: String,
    #[serde(default)]
    release_days: String,
    /// A date (YYYY-MM-DD) from the date picker; the lesson opens at 00:00 UTC that day.
    #[serde(default)]
    release_date: String,
}

impl LessonForm {
    fn release(&self) -> Result<Release, HttpError> {
        let release = match self.release.as_str() {
            "days" => Release::AfterDays {
                days: self
                    .release_days
                    .trim()
                    .parse()
                    .map_err(|_| DomainError::InvalidRelease)?,
            },
            "date" => Release::OnDate {
                at_ms: utc_day(&self.release_date).ok_or(DomainError::InvalidRelease)?,
            },
            _ => Release::Immediately,
        };
        Ok(release.validate()?)
    }
}

pub async fn add_lesson(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<LessonForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let chapter_id = if form.chapter_id.is_empty() {
        None
    } else {
        Some(path_id::<ChapterId>(&form.chapter_id)?)
    };
    let done = async {
        let lesson = NewLesson {
            release: form.release()?,
            chapter_id,
            title: LocalizedText::from_pairs([
                (Locale::En, form.title_en),
                (Locale::ZhCn, form.title_zh),
            ]),
            body: LocalizedText::from_pairs([
                (Locale::En, form.body_en),
                (Locale::ZhCn, form.body_zh),
            ]),
            preview: form.preview.is_some(),
        };
        state.app.add_lesson(&user, id, lesson).await?;
        Ok(())
    };
    after_change(&state, &ctx, &user, id, "lesson", typed, done.await).await
}

#[derive(Deserialize)]
pub struct LessonPriceForm {
    /// Empty stops selling the lesson alone.
    #[serde(default)]
    amount: String,
    currency: String,
}

/// Sets (or clears) the price a lesson is sold for on its own.
pub async fn set_lesson_price(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<LessonPriceForm>,
) -> Result<Response, HttpError> {
    let lesson: LessonId = path_id(&id)?;
    let product = state.app.lesson_product(lesson).await?;
    let done = async {
        let prices = match form.amount.trim() {
            "" => Vec::new(),
            amount => {
                let currency = kenning_domain::money::Currency::from_code(&form.currency)?;
                vec![kenning_domain::money::Money::parse_major(amount, currency)?]
            }
        };
        state.app.set_lesson_prices(&user, lesson, prices).await?;
        Ok(())
    };
    let form = format!("price-{lesson}");
    after_change(&state, &ctx, &user, product, form, typed, done.await).await
}

#[derive(Deserialize)]
pub struct MoveForm {
    /// "up" or "down".
    direction: String,
    /// How many places (dragging sends it; the buttons move one).
    steps: Option<u16>,
}

/// Moves a lesson up or down in its chapter: one place, or as far as it was dragged.
pub async fn move_lesson(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Redirect, HttpError> {
    let lesson: LessonId = path_id(&id)?;
    state
        .app
        .move_lesson(
            &user,
            lesson,
            form.direction == "up",
            usize::from(form.steps.unwrap_or(1)),
        )
        .await?;
    let product = state.app.lesson_product(lesson).await?;
    Ok(back_to(product))
}

/// Deletes a lesson.
pub async fn delete_lesson(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let lesson: LessonId = path_id(&id)?;
    let product = state.app.lesson_product(lesson).await?;
    state.app.delete_lesson(&user, lesson).await?;
    Ok(back_to(product))
}

/// A chapter as the edit form offers it.
struct ChapterChoice {
    id: String,
    title: String,
}

#[derive(Template)]
#[template(path = "studio_lesson.html")]
struct LessonEditTemplate<'a> {
    page: Page<'a>,
    id: String,
    product_id: String,
    title_en: String,
    title_zh: String,
    body_en: String,
    body_zh: String,
    preview: bool,
    chapter_id: String,
    chapters: Vec<ChapterChoice>,
}

pub async fn edit_lesson_form(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let (lesson, chapters) = state.app.lesson_for_editing(&user, path_id(&id)?).await?;
    let page = Page::new(&state, &ctx, "studio-edit-lesson");
    let text = |t: &LocalizedText, l: Locale| t.exact(l).unwrap_or_default().to_owned();
    ok(&LessonEditTemplate {
        id: lesson.id.to_string(),
        product_id: lesson.product_id.to_string(),
        title_en: text(&lesson.title, Locale::En),
        title_zh: text(&lesson.title, Locale::ZhCn),
        body_en: text(&lesson.body, Locale::En),
        body_zh: text(&lesson.body, Locale::ZhCn),
        preview: lesson.preview,
        chapter_id: lesson.chapter_id.map(|c| c.to_string()).unwrap_or_default(),
        chapters: chapters
            .iter()
            .map(|c| ChapterChoice {
                id: c.id.to_string(),
                title: c.title.get(ctx.locale).to_owned(),
            })
            .collect(),
        page,
    })
}

/// Saves a lesson's title, text, preview flag and chapter (its release and files keep).
pub async fn edit_lesson(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LessonForm>,
) -> Result<Redirect, HttpError> {
    let lesson: LessonId = path_id(&id)?;
    let chapter_id = if form.chapter_id.is_empty() {
        None
    } else {
        Some(path_id::<ChapterId>(&form.chapter_id)?)
    };
    let edit = NewLesson {
        release: Release::Immediately,
        chapter_id,
        title: LocalizedText::from_pairs([
            (Locale::En, form.title_en),
            (Locale::ZhCn, form.title_zh),
        ]),
        body: LocalizedText::from_pairs([(Locale::En, form.body_en), (Locale::ZhCn, form.body_zh)]),
        preview: form.preview.is_some(),
    };
    let edited = state.app.edit_lesson(&user, lesson, edit).await?;
    Ok(back_to(edited.product_id))
}

/// Moves a chapter one place up or down.
pub async fn move_chapter(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path((product, chapter)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Redirect, HttpError> {
    let product: ProductId = path_id(&product)?;
    state
        .app
        .move_chapter(&user, product, path_id(&chapter)?, form.direction == "up")
        .await?;
    Ok(back_to(product))
}

/// Deletes a chapter (its lessons stay).
pub async fn delete_chapter(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path((product, chapter)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let product: ProductId = path_id(&product)?;
    state
        .app
        .delete_chapter(&user, product, path_id(&chapter)?)
        .await?;
    Ok(back_to(product))
}
