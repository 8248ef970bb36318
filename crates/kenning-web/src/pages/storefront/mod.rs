//! The storefront: home, catalog, search, product and lesson pages, and public media.
//! Each handler parses the request, calls one page model of the app
//! (`kenning_app::pages`) and renders it; the words come from `locales/`.

mod catalog;
mod creator;
mod home;
mod lesson;
mod media;
mod product;
mod search;

pub use catalog::catalog;
pub use creator::creator;
pub use home::home;
pub use lesson::{lesson, save_progress};
pub use media::media;
pub use product::{
    FileLine, ProductPages, Section, ask_as_member, mark_sold_alone, product, refused_product_page,
    sections, write_review,
};
pub use search::search;

use kenning_app::recommend::Recommendation;
use kenning_domain::fx::ExchangeRate;

use super::{Card, Page};
use crate::api::recommendations::reason_text;

/// A product card with a line under it: why it is suggested, or where the search
/// matched.
pub struct NotedCard {
    pub card: Card,
    pub note: String,
}

pub use super::Choice;

/// Suggestions as cards with their reasons.
fn shelf_cards(page: &Page<'_>, recs: &[Recommendation], rates: &[ExchangeRate]) -> Vec<NotedCard> {
    recs.iter()
        .map(|r| NotedCard {
            card: Card::new(page, &r.product, rates),
            note: reason_text(page.tr, &r.reason),
        })
        .collect()
}

/// Every product kind as a filter choice.
fn kind_choices(
    page: &Page<'_>,
    chosen: Option<kenning_domain::catalog::ProductKind>,
) -> Vec<Choice> {
    kenning_domain::catalog::ProductKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: page.kind(k),
            selected: Some(*k) == chosen,
        })
        .collect()
}
