//! Certificates of completion.

use async_trait::async_trait;
use kenning_domain::certificate::{Certificate, CertificateCode};
use kenning_domain::ids::{AccountId, ProductId};

use super::StoreResult;

/// Certificates of completion.
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
}
