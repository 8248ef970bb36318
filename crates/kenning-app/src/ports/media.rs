//! Media: object storage for uploaded files, their records, and copies marked for one
//! buyer.

use async_trait::async_trait;
use bytes::Bytes;
use kenning_domain::ids::{AccountId, LessonId, MediaId, ProductId};
use kenning_domain::media::Media;

use super::StoreResult;

/// Why object storage failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The store failed or did not answer (a bucket that is down, a full disk): the same
    /// request may succeed later.
    #[error("object storage unavailable: {0}")]
    Unavailable(String),
    /// Records name an object that storage does not hold.
    #[error("object {0} missing from storage")]
    Missing(String),
    /// A key storage cannot hold (a bug: keys are made by Kenning).
    #[error("invalid object key: {0}")]
    InvalidKey(String),
    /// A stream being stored or read broke off (an upload's sender went away).
    #[error("stream interrupted: {0}")]
    Interrupted(String),
}

/// A stream of bytes, for uploads and deliveries that are never held whole in memory.
pub type ByteStream = futures::stream::BoxStream<'static, Result<Bytes, StorageError>>;

/// Why a streamed upload was not stored.
#[derive(Debug, PartialEq, Eq)]
pub enum PutStreamError {
    /// More than the allowed bytes arrived; nothing was kept.
    TooLarge,
    Failed(StorageError),
}

/// Object storage for uploaded files.
#[async_trait]
pub trait MediaStore: Send + Sync {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError>;
    async fn get(&self, key: &str) -> Result<Option<Bytes>, StorageError>;
    /// Streams an upload to storage, refusing (and removing) it past `max_bytes`;
    /// returns the number of bytes stored.
    async fn put_stream(
        &self,
        key: &str,
        body: ByteStream,
        max_bytes: u64,
    ) -> Result<u64, PutStreamError>;
    /// The bytes `start..end` of a stored object, as a stream.
    async fn get_range(&self, key: &str, start: u64, end: u64) -> Result<ByteStream, StorageError>;
}

/// Records of uploaded files.
#[async_trait]
pub trait MediaRecordStore: Send + Sync {
    async fn insert_media(&self, media: &Media) -> StoreResult<()>;
    async fn media(&self, id: MediaId) -> StoreResult<Option<Media>>;
    /// A lesson's media, oldest first.
    async fn lesson_media(&self, lesson: LessonId) -> StoreResult<Vec<Media>>;
    /// Every file attached to the product's lessons, oldest first.
    async fn product_media(&self, product: ProductId) -> StoreResult<Vec<Media>>;
}

/// Copies of documents marked for one buyer.
#[async_trait]
pub trait MarkedCopyStore: Send + Sync {
    /// The stored marked copy of a document for this person: (object key, bytes).
    async fn marked_copy(
        &self,
        media: MediaId,
        account: AccountId,
    ) -> StoreResult<Option<(String, u64)>>;
    /// Records a marked copy; when another request recorded one first, returns that one.
    async fn insert_marked_copy(
        &self,
        media: MediaId,
        account: AccountId,
        object_key: &str,
        bytes: u64,
        now_ms: i64,
    ) -> StoreResult<(String, u64)>;
}
