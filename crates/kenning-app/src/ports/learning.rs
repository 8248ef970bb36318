//! Learning: progress through lessons, and the versions of personal podcast feeds.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, LessonId, ProductId};
use kenning_domain::media::LessonProgress;

use super::StoreResult;

/// Learners' progress through lessons.
#[async_trait]
pub trait ProgressStore: Send + Sync {
    async fn progress(
        &self,
        account: AccountId,
        lesson: LessonId,
    ) -> StoreResult<Option<LessonProgress>>;
    async fn save_progress(&self, progress: &LessonProgress) -> StoreResult<()>;
    /// A person's progress in every lesson they started, most recent first.
    async fn progress_of(&self, account: AccountId) -> StoreResult<Vec<LessonProgress>>;
    /// Every learner's progress in a product's lessons, oldest first.
    async fn progress_in(&self, product: ProductId) -> StoreResult<Vec<LessonProgress>>;
    /// Everyone who holds a product, newest first, with how far they got.
    async fn students(&self, product: ProductId) -> StoreResult<Vec<Student>>;
}

/// Someone who holds a product, as its creator sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Student {
    pub account_id: AccountId,
    pub name: String,
    pub email: String,
    /// When they got it, and how (`purchase`, `gift`, `membership`, `free` …).
    pub since_ms: i64,
    pub source: String,
    /// Lessons they finished.
    pub completed: i64,
    /// When they last learned in it.
    pub last_active_ms: Option<i64>,
}

/// The version of one of a person's feeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedVersion {
    pub product_id: ProductId,
    pub version: i64,
}

/// Versions of people's personal podcast feeds: rotating one revokes the older addresses.
#[async_trait]
pub trait FeedStore: Send + Sync {
    /// The version of a person's feed of a product (0 until first rotated).
    async fn feed_version(&self, account: AccountId, product: ProductId) -> StoreResult<i64>;
    /// Every feed of the person rotated at least once (the others are at 0): one
    /// statement, whatever their library holds.
    async fn feed_versions(&self, account: AccountId) -> StoreResult<Vec<FeedVersion>>;
    /// Raises it by one and returns the new version.
    async fn bump_feed_version(&self, account: AccountId, product: ProductId) -> StoreResult<i64>;
}
