//! Chapters and lessons, and the price a lesson sells for on its own.

use axum::extract::{Path, State};
use axum::response::Redirect;
use kenning_app::catalog::NewLesson;
use kenning_domain::DomainError;
use kenning_domain::catalog::Release;
use kenning_domain::ids::{ChapterId, ProductId};
use kenning_domain::locale::{Locale, LocalizedText};
use serde::Deserialize;

use super::back_to;
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::{CsrfForm, utc_day};
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
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ChapterForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let title =
        LocalizedText::from_pairs([(Locale::En, form.title_en), (Locale::ZhCn, form.title_zh)]);
    state.app.add_chapter(&user, id, title).await?;
    Ok(back_to(id))
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
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LessonForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let chapter_id = if form.chapter_id.is_empty() {
        None
    } else {
        Some(path_id::<ChapterId>(&form.chapter_id)?)
    };
    let release = form.release()?;
    let lesson = NewLesson {
        release,
        chapter_id,
        title: LocalizedText::from_pairs([
            (Locale::En, form.title_en),
            (Locale::ZhCn, form.title_zh),
        ]),
        body: LocalizedText::from_pairs([(Locale::En, form.body_en), (Locale::ZhCn, form.body_zh)]),
        preview: form.preview.is_some(),
    };
    state.app.add_lesson(&user, id, lesson).await?;
    Ok(back_to(id))
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
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LessonPriceForm>,
) -> Result<Redirect, HttpError> {
    let lesson: kenning_domain::ids::LessonId = path_id(&id)?;
    let prices = match form.amount.trim() {
        "" => Vec::new(),
        amount => {
            let currency = kenning_domain::money::Currency::from_code(&form.currency)?;
            vec![kenning_domain::money::Money::parse_major(amount, currency)?]
        }
    };
    state.app.set_lesson_prices(&user, lesson, prices).await?;
    let product = state.app.lesson_product(lesson).await?;
    Ok(back_to(product))
}
