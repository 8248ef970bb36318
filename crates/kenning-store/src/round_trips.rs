//! Counting the statements a piece of work sends to the database, for tests that hold
//! pages to a fixed number of round trips (feature `round-trips`).
//!
//! Every query of this crate reaches the database through [`crate::SqlStore::pool`],
//! one call per statement; a transaction counts once when it is opened (the reads of a
//! page open none). The count is kept per task (a tokio task-local), so the server's
//! background work and other tests running at the same time do not add to it, while
//! work joined inside the task (`tokio::try_join!`) does.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

tokio::task_local! {
    static COUNT: Arc<AtomicU64>;
}

/// Runs `work` and answers its output with how many round trips it made.
pub async fn counted<F: Future>(work: F) -> (F::Output, u64) {
    let count = Arc::new(AtomicU64::new(0));
    let output = COUNT.scope(Arc::clone(&count), work).await;
    (output, count.load(Ordering::SeqCst))
}

/// Notes one round trip of the task being counted (none is: nothing happens).
pub(crate) fn note() {
    let _ = COUNT.try_with(|c| c.fetch_add(1, Ordering::SeqCst));
}
