//! The search results page (the search box is in every page's header).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use super::{Choice, NotedCard, kind_choices};
use crate::api::search::SearchParams;
use crate::context::Ctx;
use crate::error::HttpError;
use crate::pages::{Card, Page, ok};
use crate::state::AppState;

/// A match inside a lesson the person may read.
pub struct LessonHit {
    pub href: String,
    pub title: String,
    pub product: String,
    /// Escaped HTML with the matched words in `<b>`.
    pub highlight: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchTemplate<'a> {
    page: Page<'a>,
    q: String,
    /// Each result with its highlighted snippet.
    results: Vec<NotedCard>,
    result_count: i64,
    kinds: Vec<Choice>,
    sorts: Vec<Choice>,
    /// The minimum-rating filter.
    ratings: Vec<Choice>,
    lessons: Vec<LessonHit>,
}

const SORTS: [&str; 5] = ["relevance", "newest", "price_low", "price_high", "rating"];

pub async fn search(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(params): Query<SearchParams>,
) -> Result<Response, HttpError> {
    // An unknown filter from a hand-edited URL is dropped rather than refused.
    let query = match params.to_search(&ctx) {
        Ok(q) => q,
        Err(_) => SearchParams {
            q: params.q.clone(),
            ..SearchParams::default()
        }
        .to_search(&ctx)?,
    };
    let model = state.app.search_page(&query, ctx.user.as_ref()).await?;
    let page = Page::new(&state, &ctx, "search-title");
    let locale = ctx.locale;
    let current = params.sort.clone().unwrap_or_default();
    let min_rating = query.min_rating.map(|r| i64::from(r.stars()));
    ok(&SearchTemplate {
        results: (model.products.iter())
            .map(|(p, highlight)| NotedCard {
                card: Card::new(&page, p, &model.rates),
                note: highlight.clone(),
            })
            .collect(),
        result_count: i64::try_from(model.products.len()).unwrap_or(0),
        lessons: (model.lessons.iter())
            .map(|m| LessonHit {
                href: format!("/lessons/{}", m.lesson.id),
                title: m.lesson.title.get(locale).to_owned(),
                product: m.product.title.get(locale).to_owned(),
                highlight: m.highlight.clone(),
            })
            .collect(),
        kinds: kind_choices(&page, query.kind),
        sorts: SORTS
            .iter()
            .map(|s| Choice {
                value: (*s).to_owned(),
                label: page.t(&format!("search-sort-{s}")),
                selected: current == *s,
            })
            .collect(),
        ratings: [4, 3]
            .iter()
            .map(|&n| Choice {
                value: n.to_string(),
                label: page.t_n("search-min-rating", "count", n),
                selected: min_rating == Some(n),
            })
            .collect(),
        q: query.text,
        page,
    })
}
