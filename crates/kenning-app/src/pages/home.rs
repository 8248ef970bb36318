//! The home page: the newest products and a shelf of suggestions.

use std::sync::Arc;

use kenning_domain::fx::ExchangeRate;

use crate::accounts::CurrentUser;
use crate::catalog::{CatalogPage, CatalogQuery};
use crate::recommend::Recommendation;
use crate::{AppError, Kenning};

/// Products on the home page.
const LATEST: i64 = 8;
/// Suggestions on the shelf.
const SHELF: usize = 4;

#[derive(Clone, Debug)]
pub struct HomePage {
    pub latest: Arc<CatalogPage>,
    /// "For you" (when any suggestion comes from the person's history) or "popular".
    pub shelf: Vec<Recommendation>,
    pub rates: Arc<Vec<ExchangeRate>>,
}

impl HomePage {
    /// The shelf is personal: at least one suggestion comes from the person's history.
    pub fn personal(&self) -> bool {
        self.shelf.iter().any(|r| r.reason.is_personal())
    }
}

impl Kenning {
    pub async fn home_page(&self, user: Option<&CurrentUser>) -> Result<HomePage, AppError> {
        let query = CatalogQuery {
            page: 1,
            per_page: LATEST,
            ..CatalogQuery::default()
        };
        let (latest, shelf, rates) = tokio::try_join!(
            self.browse(&query),
            self.recommendations(user, SHELF),
            self.display_rates(),
        )?;
        Ok(HomePage {
            latest,
            shelf,
            rates,
        })
    }
}
