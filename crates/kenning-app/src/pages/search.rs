//! The search page: matching products, and matches inside the lessons the person may
//! read.

use std::sync::Arc;

use kenning_domain::catalog::Product;
use kenning_domain::fx::ExchangeRate;

use crate::accounts::CurrentUser;
use crate::ports::ProductSearch;
use crate::search::LessonMatch;
use crate::{AppError, Kenning};

/// Lesson matches shown on the search page.
const LESSON_MATCHES: usize = 10;

#[derive(Clone, Debug)]
pub struct SearchPage {
    /// Products with their highlighted snippets.
    pub products: Vec<(Product, String)>,
    pub lessons: Vec<LessonMatch>,
    pub rates: Arc<Vec<ExchangeRate>>,
}

impl Kenning {
    pub async fn search_page(
        &self,
        query: &ProductSearch,
        user: Option<&CurrentUser>,
    ) -> Result<SearchPage, AppError> {
        let (products, lessons, rates) = tokio::try_join!(
            self.search(query),
            self.search_my_lessons(user, &query.text, query.locale, LESSON_MATCHES),
            self.display_rates(),
        )?;
        Ok(SearchPage {
            products,
            lessons,
            rates,
        })
    }
}
