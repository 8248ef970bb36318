//! The home page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use kenning_domain::catalog::ProductKind;

use super::{NotedCard, shelf_cards};
use crate::context::Ctx;
use crate::error::HttpError;
use crate::pages::{Card, Page, ok};
use crate::state::AppState;

/// A link to the catalog filtered by one kind.
pub struct KindLink {
    pub slug: &'static str,
    pub label: String,
}

/// "For you" or "Popular", with its cards.
pub struct Shelf {
    pub title: String,
    pub cards: Vec<NotedCard>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate<'a> {
    page: Page<'a>,
    latest: Vec<Card>,
    kinds: Vec<KindLink>,
    shelf: Option<Shelf>,
}

/// The kinds the home page leads to.
const FEATURED_KINDS: [ProductKind; 4] = [
    ProductKind::Course,
    ProductKind::Ebook,
    ProductKind::AudioSeries,
    ProductKind::Report,
];

pub async fn home(State(state): State<AppState>, Ctx(ctx): Ctx) -> Result<Response, HttpError> {
    let model = state.app.home_page(ctx.user.as_ref()).await?;
    let page = Page::new(&state, &ctx, "home-title");
    let rates = &model.rates;
    let shelf = (!model.shelf.is_empty()).then(|| Shelf {
        title: page.t(if model.personal() {
            "home-for-you"
        } else {
            "home-popular"
        }),
        cards: shelf_cards(&page, &model.shelf, rates),
    });
    ok(&HomeTemplate {
        latest: model
            .latest
            .items
            .iter()
            .map(|p| Card::new(&page, p, rates))
            .collect(),
        kinds: FEATURED_KINDS
            .iter()
            .map(|k| KindLink {
                slug: k.as_str(),
                label: page.kind(k),
            })
            .collect(),
        shelf,
        page,
    })
}
