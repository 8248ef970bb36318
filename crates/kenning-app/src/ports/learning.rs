//! Media records, learning progress, shared secrets and feed versions.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, LessonId, MediaId, ProductId};
use kenning_domain::media::{LessonProgress, Media};

use super::StoreResult;

/// Media records, learning progress and shared secrets.
#[async_trait]
pub trait LearningStore: Send + Sync {
    async fn insert_media(&self, media: &Media) -> StoreResult<()>;
    async fn media(&self, id: MediaId) -> StoreResult<Option<Media>>;
    /// A lesson's media, oldest first.
    async fn lesson_media(&self, lesson: LessonId) -> StoreResult<Vec<Media>>;
    /// Every file attached to the product's lessons, oldest first.
    async fn product_media(&self, product: ProductId) -> StoreResult<Vec<Media>>;
    async fn progress(
        &self,
        account: AccountId,
        lesson: LessonId,
    ) -> StoreResult<Option<LessonProgress>>;
    async fn save_progress(&self, progress: &LessonProgress) -> StoreResult<()>;
    /// A person's progress in every lesson they started, most recent first.
    async fn progress_of(&self, account: AccountId) -> StoreResult<Vec<LessonProgress>>;
    /// The named secret, stored as `candidate` if there is none yet (every node then
    /// reads the same value).
    async fn secret(&self, name: &str, candidate: &str) -> StoreResult<String>;
    /// Every learner's progress in a product's lessons, oldest first.
    async fn progress_in(&self, product: ProductId) -> StoreResult<Vec<LessonProgress>>;
    /// Who holds a product, with the time of the grant, oldest first.
    async fn holders(&self, product: ProductId) -> StoreResult<Vec<(AccountId, i64)>>;
    /// The version of a person's feed of a product (0 until first rotated).
    async fn feed_version(&self, account: AccountId, product: ProductId) -> StoreResult<i64>;
    /// Raises it by one and returns the new version.
    async fn bump_feed_version(&self, account: AccountId, product: ProductId) -> StoreResult<i64>;
}
