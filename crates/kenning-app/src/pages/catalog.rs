//! The catalog: published products, filtered and paged.

use std::sync::Arc;

use kenning_domain::fx::ExchangeRate;

use crate::catalog::{CatalogPage, CatalogQuery};
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct CatalogView {
    pub listing: Arc<CatalogPage>,
    pub rates: Arc<Vec<ExchangeRate>>,
}

impl CatalogView {
    pub fn has_previous(&self) -> bool {
        self.listing.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.listing.page * self.listing.per_page < self.listing.total
    }
}

impl Kenning {
    pub async fn catalog_page(&self, query: &CatalogQuery) -> Result<CatalogView, AppError> {
        let (listing, rates) = tokio::try_join!(self.browse(query), self.display_rates())?;
        Ok(CatalogView { listing, rates })
    }
}
