//! Search over the public catalog, kept in step with every catalog change.

use std::sync::atomic::Ordering;

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

/// The shared counter raised to ask every node to rebuild its search index.
const SEARCH_REBUILD_REQUESTS: &str = "search_generation";

/// What [`Kenning::follow_search_requests`] has seen before its first look.
pub(crate) const NOT_LOOKED_YET: i64 = i64::MIN;

impl Kenning {
    /// What the indexes hold of a product: its public text and preview lessons, and
    /// apart from them the text of its locked lessons.
    async fn search_entry(&self, product: Product) -> Result<SearchEntry, AppError> {
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

    /// Brings the index and the caches up to date after a change to a product. The index
    /// is derived data: a failure is logged and repaired by the next rebuild, never
    /// allowed to fail the change itself.
    pub(crate) async fn catalog_changed(&self, id: ProductId) {
        self.catalog_generation.fetch_add(1, Ordering::SeqCst);
        self.catalog_cache.clear();
        let result = match self.store.product(id).await {
            Ok(Some(p)) if p.is_published() => match self.search_entry(p).await {
                Ok(entry) => self.applying_search(|search| search.upsert(&entry)),
                Err(e) => Err(e.to_string()),
            },
            Ok(_) => self.applying_search(|search| search.remove(id)),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = result {
            tracing::warn!(product = %id, error = %e, "search index not updated");
        }
    }

    /// Runs one change to the index under the lock rebuilds apply under.
    fn applying_search(
        &self,
        change: impl FnOnce(&dyn crate::ports::SearchEngine) -> Result<(), String>,
    ) -> Result<(), String> {
        let _applying = self
            .search_apply
            .lock()
            .map_err(|_| "search lock poisoned".to_owned())?;
        change(self.search.as_ref())
    }

    /// Rebuilds the search index from every published product. A change made while the
    /// products were being read would be lost by applying what was read, so the rebuild
    /// is then read again instead (a few times at most; the next rebuild catches anything
    /// left). Changes and rebuilds apply under one lock, so a change is either in what a
    /// rebuild read or applied after it.
    pub async fn rebuild_search(&self) -> Result<usize, AppError> {
        let mut entries = Vec::new();
        for _ in 0..3 {
            let before = self.catalog_generation.load(Ordering::SeqCst);
            entries.clear();
            for product in self.published_products().await? {
                entries.push(self.search_entry(product).await?);
            }
            let _applying = self
                .search_apply
                .lock()
                .map_err(|_| AppError::Internal("search lock poisoned".into()))?;
            if self.catalog_generation.load(Ordering::SeqCst) == before {
                self.search.rebuild(&entries).map_err(AppError::Internal)?;
                return Ok(entries.len());
            }
        }
        Ok(0)
    }

    /// Rebuilds the index on every node (operators only): this node at once, the others
    /// when they next look at the shared request counter.
    pub async fn reindex_search(&self, user: &CurrentUser) -> Result<usize, AppError> {
        if user.account.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let generation = self.request_search_rebuild().await?;
        let indexed = self.rebuild_search().await?;
        self.search_requests_seen
            .fetch_max(generation, Ordering::SeqCst);
        Ok(indexed)
    }

    /// Asks every running node to rebuild its index from the database (what
    /// `kenning search reindex` does); returns the new request generation.
    pub async fn request_search_rebuild(&self) -> Result<i64, AppError> {
        Ok(self.store.bump_counter(SEARCH_REBUILD_REQUESTS).await?)
    }

    /// Rebuilds the index if a rebuild was requested since this node last looked; the
    /// first look only notes where the counter stands. Returns how many products were
    /// indexed, if it rebuilt.
    pub async fn follow_search_requests(&self) -> Result<Option<usize>, AppError> {
        let generation = self.store.counter(SEARCH_REBUILD_REQUESTS).await?;
        let seen = self.search_requests_seen.swap(generation, Ordering::SeqCst);
        if seen == NOT_LOOKED_YET || generation <= seen {
            return Ok(None);
        }
        Ok(Some(self.rebuild_search().await?))
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
        let hits = self
            .search
            .search_lessons(&LessonSearch {
                text: text.to_owned(),
                products,
                locale,
                limit,
            })
            .map_err(AppError::Internal)?;
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
        let hits = self.search.search(query).map_err(AppError::Internal)?;
        let mut out = Vec::with_capacity(hits.len());
        for hit in hits {
            if let Some(product) = self.published(hit.product).await? {
                out.push((product, hit.highlight));
            }
        }
        Ok(out)
    }
}
