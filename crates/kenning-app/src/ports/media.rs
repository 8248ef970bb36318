//! Object storage for uploaded files.

use async_trait::async_trait;
use bytes::Bytes;

/// A stream of bytes, for uploads and deliveries that are never held whole in memory.
pub type ByteStream = futures::stream::BoxStream<'static, Result<Bytes, String>>;

/// Why a streamed upload was not stored.
#[derive(Debug, PartialEq, Eq)]
pub enum PutStreamError {
    /// More than the allowed bytes arrived; nothing was kept.
    TooLarge,
    Failed(String),
}

/// Object storage for uploaded files.
#[async_trait]
pub trait MediaStore: Send + Sync {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), String>;
    async fn get(&self, key: &str) -> Result<Option<Bytes>, String>;
    /// Streams an upload to storage, refusing (and removing) it past `max_bytes`;
    /// returns the number of bytes stored.
    async fn put_stream(
        &self,
        key: &str,
        body: ByteStream,
        max_bytes: u64,
    ) -> Result<u64, PutStreamError>;
    /// The bytes `start..end` of a stored object, as a stream.
    async fn get_range(&self, key: &str, start: u64, end: u64) -> Result<ByteStream, String>;
}
