//! Search over the public catalog, kept in step with every catalog change.

use kenning_domain::account::Role;
use kenning_domain::catalog::{LessonOutline, Product};
use kenning_domain::ids::ProductId;
use kenning_domain::locale::Locale;

use crate::accounts::CurrentUser;
use crate::ports::{LessonSearch, ProductSearch, SearchEntry};
use crate::{AppError, Kenning};

/// A lesson whose text matched, in a product the person may read.
#[derive(Clone, Debug)]
pub struct LessonMatch {
    pub product: Product,
    pub lesson: LessonOutline,
    /// Escaped HTML with the matched words in `<b>`.
    pub highlight: String,
}

impl Kenning {
    /// What the indexes hold of a product: its public text and preview lessons, and
    /// apart from them the text of its locked lessons.
    pub(crate) async fn search_entry(&self, product: Product) -> Result<SearchEntry, AppError> {
        let lessons = self.store.lessons(product.id).await?;
        let (mut previews, mut locked) = (Vec::new(), Vec::new());
        for outline in &lessons {
            if let Some(lesson) = self.store.lesson(outline.id).await? {
                if lesson.preview {
                    previews.push(lesson);
                } else {
                    locked.push(lesson);
                }
            }
        }
        Ok(SearchEntry {
            product,
            lessons,
            previews,
            locked,
        })
    }

    /// Lessons matching the search in what this person may read in full: the products
    /// they own, and a creator's own; operators search everything. Nobody else's locked
    /// text is searched, so none of it can reach a highlight.
    pub async fn search_my_lessons(
        &self,
        user: Option<&CurrentUser>,
        text: &str,
        locale: Locale,
        limit: usize,
    ) -> Result<Vec<LessonMatch>, AppError> {
        let Some(user) = user else {
            return Ok(Vec::new());
        };
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let products = match user.account.role {
            Role::Admin => None,
            role => {
                let mut ids: Vec<ProductId> = self
                    .store
                    .library(user.account.id)
                    .await?
                    .into_iter()
                    .map(|(p, _)| p.id)
                    .collect();
                if role == Role::Creator {
                    ids.extend(self.my_products(user).await?.into_iter().map(|p| p.id));
                }
                Some(ids)
            }
        };
        let hits = self.search.search_lessons(&LessonSearch {
            text: text.to_owned(),
            products,
            locale,
            limit,
        })?;
        let mut out = Vec::with_capacity(hits.len());
        for hit in hits {
            let outline = match self.outline(hit.product).await {
                Ok(o) => o,
                Err(AppError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            let Some(lesson) = outline.lessons.iter().find(|l| l.id == hit.lesson) else {
                continue;
            };
            out.push(LessonMatch {
                product: outline.product.clone(),
                lesson: lesson.clone(),
                highlight: hit.highlight,
            });
        }
        Ok(out)
    }

    /// Published products matching the search, with highlighted snippets.
    pub async fn search(&self, query: &ProductSearch) -> Result<Vec<(Product, String)>, AppError> {
        if query.text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let hits = self.search.search(query)?;
        let mut out = Vec::with_capacity(hits.len());
        for hit in hits {
            if let Some(product) = self.published(hit.product).await? {
                out.push((product, hit.highlight));
            }
        }
        Ok(out)
    }
}
