//! Certificates of completion, and copies of documents marked for one buyer.

use async_trait::async_trait;
use kenning_domain::certificate::{Certificate, CertificateCode};
use kenning_domain::ids::{AccountId, MediaId, OrderId, ProductId};

use super::StoreResult;

/// Certificates of completion, and copies of documents marked for one buyer.
#[async_trait]
pub trait CertificateStore: Send + Sync {
    /// Keeps the certificate unless the person already has one for the product; returns
    /// the one kept.
    async fn insert_certificate(&self, certificate: &Certificate) -> StoreResult<Certificate>;
    async fn certificate(&self, code: &CertificateCode) -> StoreResult<Option<Certificate>>;
    async fn certificate_of(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<Certificate>>;
    /// Newest first.
    async fn certificates_of(&self, account: AccountId) -> StoreResult<Vec<Certificate>>;
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
    /// The order behind a person's entitlement, if it was bought.
    async fn entitlement_order(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<OrderId>>;
}
