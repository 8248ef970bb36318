//! A creator's public page: their name, biography and what they sell.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::api::path_id;
use crate::context::Ctx;
use crate::error::HttpError;
use crate::pages::{Card, Page, ok};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "creator.html")]
struct CreatorTemplate<'a> {
    page: Page<'a>,
    /// The biography's paragraphs (plain text: the creator's own words, escaped).
    bio: Vec<String>,
    since: String,
    product_count: i64,
    cards: Vec<Card>,
}

pub async fn creator(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let model = state.app.creator_page(path_id(&id)?).await?;
    let page = Page::new(&state, &ctx, "creator-title").with_title(model.name.clone());
    ok(&CreatorTemplate {
        bio: model
            .bio
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        since: page.date(&model.since_ms),
        product_count: i64::try_from(model.products.len()).unwrap_or(i64::MAX),
        cards: (model.products.iter())
            .map(|p| Card::new(&page, p, &model.rates))
            .collect(),
        page,
    })
}
