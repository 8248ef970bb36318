//! The library: what a person holds, and managing their memberships and feeds.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use kenning_app::pages::library::{BoughtLesson, LibraryEntry};
use kenning_domain::ids::ProductId;
use kenning_domain::subscription::SubscriptionStatus;

use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::{CsrfForm, EmptyForm};
use crate::pages::{Card, Page, ok};
use crate::state::AppState;

/// Cancels a membership at period end, then shows the library again.
pub async fn cancel_membership(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    state.app.cancel_subscription(&user, path_id(&id)?).await?;
    Ok(Redirect::to("/library#memberships"))
}

/// Takes back a cancellation.
pub async fn resume_membership(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    state.app.resume_subscription(&user, path_id(&id)?).await?;
    Ok(Redirect::to("/library#memberships"))
}

/// Replaces the person's podcast feed address, then shows the library again.
pub async fn rotate_feed(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let product: ProductId = path_id(&id)?;
    state.app.rotate_feed(&user, product).await?;
    Ok(Redirect::to(&format!("/library#feed-{product}")))
}

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryTemplate<'a> {
    page: Page<'a>,
    items: Vec<LibraryItem>,
    memberships: Vec<MembershipLine>,
    lessons: Vec<LessonLine>,
}

/// A product held, as its card in the library.
struct LibraryItem {
    card: Card,
    /// When it was got.
    granted: String,
    started: Option<Started>,
    /// The full address of the person's podcast feed, for an audio series.
    feed: Option<String>,
    certificate: Option<String>,
}

/// Progress through a product once started.
struct Started {
    percent: i64,
    /// The next unfinished lesson (empty once all are done).
    lesson: String,
}

/// A lesson bought on its own.
struct LessonLine {
    lesson_id: String,
    title: String,
    product_id: String,
    date: String,
}

/// A membership in the library.
struct MembershipLine {
    id: String,
    tier_id: String,
    title: String,
    /// "Renews on …", "Ends on …", "Payment failed: access until …" or "Ended".
    state: String,
    can_cancel: bool,
    can_resume: bool,
}

pub async fn library(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    headers: axum::http::HeaderMap,
) -> Result<Response, HttpError> {
    let model = state.app.library_page(&user).await?;
    let page = Page::new(&state, &ctx, "library-title");
    let base = crate::api::public_base(&state, &headers);
    let items = model
        .items
        .iter()
        .map(|i| library_item(&page, i, &model.rates, &base))
        .collect();
    let memberships = model
        .memberships
        .iter()
        .map(|m| membership_line(&page, m))
        .collect();
    let lessons = model
        .lessons
        .iter()
        .map(|l| lesson_line(&page, l))
        .collect();
    ok(&LibraryTemplate {
        page,
        items,
        memberships,
        lessons,
    })
}

fn library_item(
    page: &Page<'_>,
    item: &LibraryEntry,
    rates: &[kenning_domain::fx::ExchangeRate],
    base: &str,
) -> LibraryItem {
    // What a product costs now says nothing about what this person paid (or whether a
    // membership brought it), so the library shows no price.
    let card = Card {
        price: String::new(),
        ..Card::new(page, &item.product, rates)
    };
    LibraryItem {
        card,
        granted: page.date(&item.granted_at_ms),
        started: item.progress.as_ref().map(|p| Started {
            percent: i64::from(p.percent),
            lesson: p.continue_with.map(|l| l.to_string()).unwrap_or_default(),
        }),
        feed: item.feed_path.as_ref().map(|p| format!("{base}{p}")),
        certificate: item.certificate.as_ref().map(ToString::to_string),
    }
}

fn lesson_line(page: &Page<'_>, lesson: &BoughtLesson) -> LessonLine {
    LessonLine {
        lesson_id: lesson.lesson_id.to_string(),
        title: lesson.title.get(page.ctx.locale).to_owned(),
        product_id: lesson.product_id.to_string(),
        date: page.date(&lesson.bought_at_ms),
    }
}

fn membership_line(page: &Page<'_>, m: &kenning_app::memberships::Membership) -> MembershipLine {
    let s = &m.subscription;
    let end = page.date(&s.period_end_ms);
    let state = match s.status {
        SubscriptionStatus::Active => page.t_s("membership-renews-on", "date", &end),
        SubscriptionStatus::Canceled if m.active => page.t_s("membership-ends-on", "date", &end),
        SubscriptionStatus::PastDue if m.active => page.t_s(
            "membership-past-due",
            "date",
            &page.date(&s.grace_until_ms.unwrap_or(s.period_end_ms)),
        ),
        _ => page.t("membership-ended"),
    };
    MembershipLine {
        id: s.id.to_string(),
        tier_id: m.tier.id.to_string(),
        title: m.tier.title.get(page.ctx.locale).to_owned(),
        state,
        can_cancel: m.active
            && matches!(
                s.status,
                SubscriptionStatus::Active | SubscriptionStatus::PastDue
            ),
        can_resume: m.active && s.status == SubscriptionStatus::Canceled,
    }
}
