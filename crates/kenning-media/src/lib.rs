//! Object storage for uploaded media through the `object_store` crate: a local directory
//! by default, or an S3-compatible bucket (AWS, MinIO, Ceph, R2 …) by configuration.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use kenning_app::ports::{ByteStream, MediaStore, PutStreamError, StorageError};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{
    GetOptions, GetRange, GetResultPayload, ObjectStore, PutPayload, WriteMultipart,
};

/// Parts uploaded at once while streaming an upload: bounds the memory an upload holds
/// to a few multipart chunks (5 MiB each by default).
const UPLOAD_CONCURRENCY: usize = 2;

/// Media in an object store.
#[derive(Clone, Debug)]
pub struct ObjectMedia {
    store: Arc<dyn ObjectStore>,
}

impl ObjectMedia {
    /// Stores files under a local directory, creating it if needed.
    pub fn local(dir: &Path) -> Result<ObjectMedia, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let fs = LocalFileSystem::new_with_prefix(dir).map_err(|e| e.to_string())?;
        Ok(ObjectMedia {
            store: Arc::new(fs),
        })
    }

    /// An S3 bucket, or a bucket of an S3-compatible service at `endpoint`. Credentials
    /// come from the standard AWS environment variables. Addresses are path-style, which
    /// every compatible service understands; a plain-http endpoint is allowed (a service
    /// on the same private network).
    pub fn s3(
        bucket: &str,
        endpoint: Option<&str>,
        region: Option<&str>,
    ) -> Result<ObjectMedia, String> {
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(region) = region {
            builder = builder.with_region(region);
        }
        let store = builder.build().map_err(|e| e.to_string())?;
        Ok(ObjectMedia {
            store: Arc::new(store),
        })
    }

    /// Any other object store (in-memory for tests …).
    pub fn new(store: Arc<dyn ObjectStore>) -> ObjectMedia {
        ObjectMedia { store }
    }
}

/// Bytes read from a local file per step. object_store's own file stream reads 8 KiB
/// per blocking call, which held one download to about 70 MB/s on loopback.
const FILE_CHUNK: u64 = 256 * 1024;

/// A range of a local file as a stream of large chunks, each read on the blocking pool.
fn file_stream(file: std::fs::File, range: std::ops::Range<u64>) -> ByteStream {
    futures::stream::try_unfold(
        (file, range.start, range.end),
        |(mut file, at, end)| async move {
            if at >= end {
                return Ok(None);
            }
            let len = usize::try_from((end - at).min(FILE_CHUNK)).unwrap_or(0);
            let (file, chunk) = tokio::task::spawn_blocking(move || {
                use std::io::{Read, Seek, SeekFrom};
                file.seek(SeekFrom::Start(at))?;
                let mut chunk = vec![0; len];
                file.read_exact(&mut chunk)?;
                Ok::<_, std::io::Error>((file, chunk))
            })
            .await
            .map_err(|e| StorageError::Unavailable(e.to_string()))?
            .map_err(|e| StorageError::Unavailable(e.to_string()))?;
            let next = at + u64::try_from(chunk.len()).unwrap_or(FILE_CHUNK);
            Ok(Some((Bytes::from(chunk), (file, next, end))))
        },
    )
    .boxed()
}

fn object_path(key: &str) -> Result<ObjectPath, StorageError> {
    ObjectPath::parse(key).map_err(|e| StorageError::InvalidKey(e.to_string()))
}

/// object_store's failures as the port's: a missing object is told apart from a store
/// that failed.
fn storage_error(e: object_store::Error) -> StorageError {
    match e {
        object_store::Error::NotFound { path, .. } => StorageError::Missing(path),
        object_store::Error::InvalidPath { source } => StorageError::InvalidKey(source.to_string()),
        other => StorageError::Unavailable(other.to_string()),
    }
}

#[async_trait]
impl MediaStore for ObjectMedia {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store
            .put(&object_path(key)?, PutPayload::from_bytes(bytes))
            .await
            .map(|_| ())
            .map_err(storage_error)
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, StorageError> {
        match self.store.get(&object_path(key)?).await {
            Ok(found) => found.bytes().await.map(Some).map_err(storage_error),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage_error(e)),
        }
    }

    async fn put_stream(
        &self,
        key: &str,
        mut body: ByteStream,
        max_bytes: u64,
    ) -> Result<u64, PutStreamError> {
        let path = object_path(key).map_err(PutStreamError::Failed)?;
        let upload = self
            .store
            .put_multipart(&path)
            .await
            .map_err(|e| PutStreamError::Failed(storage_error(e)))?;
        let mut writer = WriteMultipart::new(upload);
        let mut stored: u64 = 0;
        let outcome = loop {
            let chunk = match body.next().await {
                None => break Ok(()),
                Some(Err(e)) => break Err(PutStreamError::Failed(e)),
                Some(Ok(chunk)) => chunk,
            };
            stored = stored.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
            if stored > max_bytes {
                break Err(PutStreamError::TooLarge);
            }
            if let Err(e) = writer.wait_for_capacity(UPLOAD_CONCURRENCY).await {
                break Err(PutStreamError::Failed(storage_error(e)));
            }
            writer.put(chunk);
        };
        match outcome {
            Ok(()) => writer
                .finish()
                .await
                .map(|_| stored)
                .map_err(|e| PutStreamError::Failed(storage_error(e))),
            Err(e) => {
                // Nothing of a refused upload is kept.
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }

    async fn get_range(&self, key: &str, start: u64, end: u64) -> Result<ByteStream, StorageError> {
        let options = GetOptions {
            range: Some(GetRange::Bounded(start..end)),
            ..GetOptions::default()
        };
        let found = self
            .store
            .get_opts(&object_path(key)?, options)
            .await
            .map_err(storage_error)?;
        let range = found.range.clone();
        match found.payload {
            GetResultPayload::File(file, _) => Ok(file_stream(file, range)),
            GetResultPayload::Stream(stream) => Ok(stream.map_err(storage_error).boxed()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stored_bytes_come_back_and_missing_keys_are_none() {
        let dir = std::env::temp_dir().join(format!("kenning-media-{}", std::process::id()));
        let media = ObjectMedia::local(&dir).unwrap_or_else(|e| panic!("{e}"));
        media
            .put("covers/a/b", Bytes::from_static(b"hello"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            media.get("covers/a/b").await.ok().flatten(),
            Some(Bytes::from_static(b"hello"))
        );
        assert_eq!(media.get("covers/none").await.ok().flatten(), None);
        let _ = std::fs::remove_dir_all(dir);
    }

    fn chunks(parts: &[&'static [u8]]) -> ByteStream {
        futures::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        )
        .boxed()
    }

    async fn collect(stream: ByteStream) -> Vec<u8> {
        let parts: Vec<Bytes> = stream.try_collect().await.unwrap_or_default();
        parts.concat()
    }

    #[tokio::test]
    async fn streamed_uploads_are_bounded_and_ranges_come_back_exactly() {
        let dir = std::env::temp_dir().join(format!("kenning-media-s-{}", std::process::id()));
        let media = ObjectMedia::local(&dir).unwrap_or_else(|e| panic!("{e}"));
        let stored = media
            .put_stream("m/a", chunks(&[b"hello ", b"streamed ", b"world"]), 100)
            .await;
        assert_eq!(stored, Ok(20));
        let middle = media
            .get_range("m/a", 6, 14)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(collect(middle).await, b"streamed");

        let refused = media
            .put_stream("m/b", chunks(&[b"0123456789", b"0123456789"]), 15)
            .await;
        assert_eq!(refused, Err(PutStreamError::TooLarge));
        assert_eq!(media.get("m/b").await.ok().flatten(), None, "nothing kept");
        let _ = std::fs::remove_dir_all(dir);
    }
}
