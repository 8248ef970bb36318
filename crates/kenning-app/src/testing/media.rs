//! Object storage in a map.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;

use super::lock;
use crate::ports::{ByteStream, MediaStore, PutStreamError, StorageError};

/// Object storage in a map.
#[derive(Debug, Default)]
pub struct MemoryMedia {
    objects: Mutex<BTreeMap<String, Bytes>>,
}

impl MemoryMedia {
    pub fn keys(&self) -> Vec<String> {
        lock(&self.objects).keys().cloned().collect()
    }
}

#[async_trait]
impl MediaStore for MemoryMedia {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        lock(&self.objects).insert(key.to_owned(), bytes);
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, StorageError> {
        Ok(lock(&self.objects).get(key).cloned())
    }

    async fn put_stream(
        &self,
        key: &str,
        mut body: ByteStream,
        max_bytes: u64,
    ) -> Result<u64, PutStreamError> {
        let mut whole = Vec::new();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(PutStreamError::Failed)?;
            whole.extend_from_slice(&chunk);
            if whole.len() as u64 > max_bytes {
                // Nothing is kept of a file past its limit.
                lock(&self.objects).remove(key);
                return Err(PutStreamError::TooLarge);
            }
        }
        let n = whole.len() as u64;
        lock(&self.objects).insert(key.to_owned(), Bytes::from(whole));
        Ok(n)
    }

    async fn get_range(&self, key: &str, start: u64, end: u64) -> Result<ByteStream, StorageError> {
        let bytes = self
            .get(key)
            .await?
            .ok_or_else(|| StorageError::Missing(key.to_owned()))?;
        let len = bytes.len() as u64;
        if start > end || end > len {
            return Err(StorageError::InvalidKey(format!(
                "range {start}..{end} outside {len} bytes"
            )));
        }
        let (start, end) = (
            usize::try_from(start).map_err(|e| StorageError::InvalidKey(e.to_string()))?,
            usize::try_from(end).map_err(|e| StorageError::InvalidKey(e.to_string()))?,
        );
        let part = bytes.slice(start..end);
        Ok(futures::stream::iter([Ok(part)]).boxed())
    }
}
