//! Object storage for uploaded media through the `object_store` crate: a local directory
//! by default; S3-compatible stores plug in behind the same `ObjectStore` trait.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use kenning_app::ports::MediaStore;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload};

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

    /// Any other object store (S3-compatible, in-memory for tests …).
    pub fn new(store: Arc<dyn ObjectStore>) -> ObjectMedia {
        ObjectMedia { store }
    }
}

fn object_path(key: &str) -> Result<ObjectPath, String> {
    ObjectPath::parse(key).map_err(|e| e.to_string())
}

#[async_trait]
impl MediaStore for ObjectMedia {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), String> {
        self.store
            .put(&object_path(key)?, PutPayload::from_bytes(bytes))
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, String> {
        match self.store.get(&object_path(key)?).await {
            Ok(found) => found.bytes().await.map(Some).map_err(|e| e.to_string()),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.to_string()),
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
}
