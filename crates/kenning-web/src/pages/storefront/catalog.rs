//! The catalog page.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use kenning_app::catalog::CatalogQuery;
use kenning_domain::catalog::ProductKind;
use kenning_domain::locale::Locale;
use serde::Deserialize;

use super::{Choice, kind_choices};
use crate::context::Ctx;
use crate::error::HttpError;
use crate::pages::{Card, Page, ok};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CatalogParams {
    kind: Option<String>,
    language: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogTemplate<'a> {
    page: Page<'a>,
    cards: Vec<Card>,
    kinds: Vec<Choice>,
    languages: Vec<Choice>,
    total: i64,
    current_page: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
}

/// The catalog's address for another page with the same filters.
fn page_link(page: i64, kind: Option<ProductKind>, language: Option<Locale>) -> String {
    let mut q = vec![format!("page={page}")];
    if let Some(k) = kind {
        q.push(format!("kind={}", k.as_str()));
    }
    if let Some(l) = language {
        q.push(format!("language={}", l.tag()));
    }
    format!("/catalog?{}", q.join("&"))
}

pub async fn catalog(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(params): Query<CatalogParams>,
) -> Result<Response, HttpError> {
    // An unknown filter value is ignored rather than refused: this is a page, not an API.
    let kind: Option<ProductKind> = params.kind.as_deref().and_then(|k| k.parse().ok());
    let language = params
        .language
        .as_deref()
        .and_then(|l| Locale::parse(l).ok());
    let current_page = params.page.unwrap_or(1).max(1);
    let query = CatalogQuery {
        kind,
        language,
        page: current_page,
        per_page: 24,
    };
    let model = state.app.catalog_page(&query).await?;
    let page = Page::new(&state, &ctx, "catalog-title");
    let languages = Locale::ALL
        .iter()
        .map(|l| Choice {
            value: l.tag().to_owned(),
            label: page.t(&format!("locale-{}", l.tag())),
            selected: Some(*l) == language,
        })
        .collect();
    ok(&CatalogTemplate {
        cards: (model.listing.items.iter())
            .map(|p| Card::new(&page, p, &model.rates))
            .collect(),
        kinds: kind_choices(&page, kind),
        languages,
        total: model.listing.total,
        current_page,
        prev_link: model
            .has_previous()
            .then(|| page_link(current_page - 1, kind, language)),
        next_link: model
            .has_next()
            .then(|| page_link(current_page + 1, kind, language)),
        page,
    })
}
