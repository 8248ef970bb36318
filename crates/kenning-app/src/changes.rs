//! Following the change feed: every node keeps its search index, its caches and its
//! recommendations in step with writes made through any node.
//!
//! The store's triggers record every change to a product (its row, prices, lessons,
//! sale, bundle, plan, schedule) and every new signal in the `changes` feed, in the
//! transaction of the write. A node applies what is past its position: at once after
//! its own writes, when PostgreSQL notifies it of another node's, and on a short timer
//! that catches up after a lost connection. Nothing reads the whole catalog except a
//! node's first build of its index.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures::StreamExt;
use kenning_domain::ids::ProductId;
use kenning_domain::jobs::{FeedPosition, Topic};

use crate::ports::{IndexError, SearchEntry};
use crate::{AppError, Kenning};

/// How many changes are read at a time.
const FEED_PAGE: i64 = 500;

/// The channel PostgreSQL's triggers notify on.
pub const CHANGES_CHANNEL: &str = "kenning_changes";

/// Notifications of changes made by any node (`None` on SQLite: one process).
pub struct ChangeNotices(pub(crate) futures::stream::BoxStream<'static, String>);

/// What one pass over the feed did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub products: usize,
    pub signals: bool,
}

enum IndexChange {
    Upsert(Box<SearchEntry>),
    Remove(ProductId),
}

impl Kenning {
    /// Builds this node's search index from every published product and starts
    /// following the feed from where it stood before the read (so a change made during
    /// the read is applied again afterwards, never lost). Returns how many products
    /// were indexed.
    pub async fn rebuild_search(&self) -> Result<usize, AppError> {
        let mut position = self.feed.lock().await;
        let from = self.store.last_change().await?;
        let mut entries = Vec::new();
        for product in self.published_products().await? {
            entries.push(self.search_entry(product).await?);
        }
        let n = entries.len();
        let search = Arc::clone(&self.search);
        tokio::task::spawn_blocking(move || search.rebuild(&entries))
            .await
            .map_err(|e| AppError::Internal(format!("search rebuild: {e}")))??;
        self.catalog_cache.clear();
        *position = FeedPosition::after(from);
        Ok(n)
    }

    /// Applies the changes recorded since this node last looked: products are indexed
    /// again (or removed) and the catalog cache cleared; new signals mark the
    /// recommendations for retraining.
    pub async fn apply_changes(&self) -> Result<Applied, AppError> {
        let mut position = self.feed.lock().await;
        let mut products = BTreeSet::new();
        let mut signals = false;
        let mut after = position.applied_to;
        loop {
            let read = self.store.changes_after(after, FEED_PAGE).await?;
            let full = i64::try_from(read.len()).unwrap_or(i64::MAX) >= FEED_PAGE;
            after = read.last().map_or(after, |c| c.seq);
            for change in position.take(read, self.now_ms()) {
                match change.topic {
                    Topic::Product => {
                        products.insert(change.product);
                    }
                    Topic::Signals => signals = true,
                }
            }
            if !full {
                break;
            }
        }
        if signals {
            self.signals_waiting.store(true, Ordering::SeqCst);
        }
        if products.is_empty() {
            return Ok(Applied {
                products: 0,
                signals,
            });
        }
        self.catalog_cache.clear();
        let mut index = Vec::with_capacity(products.len());
        for id in &products {
            index.push(match self.store.product(*id).await? {
                Some(p) if p.is_published() => {
                    IndexChange::Upsert(Box::new(self.search_entry(p).await?))
                }
                _ => IndexChange::Remove(*id),
            });
        }
        // tantivy's commit and reload block: off the async threads.
        let search = Arc::clone(&self.search);
        tokio::task::spawn_blocking(move || {
            for change in index {
                match change {
                    IndexChange::Upsert(entry) => search.upsert(&entry)?,
                    IndexChange::Remove(id) => search.remove(id)?,
                }
            }
            Ok::<(), IndexError>(())
        })
        .await
        .map_err(|e| AppError::Internal(format!("search update: {e}")))??;
        Ok(Applied {
            products: products.len(),
            signals,
        })
    }

    /// After a write through this node: applies it (and anything else new) at once, so
    /// the writer's next page shows it. The change itself is already in the feed, in
    /// the write's transaction; a failure here is logged, and the next pass repairs it.
    pub(crate) async fn catalog_changed(&self, id: ProductId) {
        if let Err(e) = self.apply_changes().await {
            tracing::warn!(product = %id, error = %e, "search index not updated yet");
        }
    }

    /// Retrains the recommendations if new signals arrived since the last training.
    pub async fn retrain_if_signalled(&self) -> Result<Option<usize>, AppError> {
        if !self.signals_waiting.swap(false, Ordering::SeqCst) {
            return Ok(None);
        }
        match self.refresh_recommendations().await {
            Ok(n) => Ok(Some(n)),
            Err(e) => {
                self.signals_waiting.store(true, Ordering::SeqCst);
                Err(e)
            }
        }
    }

    /// Opens the channel of change notices from every node (`None` on SQLite). Opened
    /// before the first build, so no change falls between the two.
    pub async fn open_change_notices(&self) -> Result<Option<ChangeNotices>, AppError> {
        Ok(self.store.listen(CHANGES_CHANNEL).await?.map(ChangeNotices))
    }

    /// Follows the feed for as long as the server runs: a pass on every notice (a burst
    /// of notices makes one pass), and one every `every` in any case.
    pub async fn follow_changes(&self, notices: Option<ChangeNotices>, every: std::time::Duration) {
        let mut notices = notices.map(|ChangeNotices(s)| s);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            match notices.as_mut() {
                Some(stream) => {
                    tokio::select! {
                        _ = tick.tick() => {}
                        notice = stream.next() => if notice.is_none() { notices = None },
                    }
                }
                None => {
                    tick.tick().await;
                }
            }
            match self.apply_changes().await {
                Ok(applied) if applied.products > 0 => {
                    tracing::debug!(products = applied.products, "search index followed changes");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "following changes failed"),
            }
        }
    }
}
