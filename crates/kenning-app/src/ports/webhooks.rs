//! Webhooks: a provider's signed deliveries, and those already handled.

use async_trait::async_trait;

use super::{PaymentEvent, StoreResult};

/// Why a webhook was refused (nothing is changed by a refused webhook).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookRejection {
    #[error("no signature")]
    MissingSignature,
    #[error("signature does not match")]
    BadSignature,
    #[error("timestamp outside the tolerance window")]
    Stale,
    #[error("malformed event: {0}")]
    Malformed(String),
    #[error("event type not handled: {0}")]
    UnknownEvent(String),
}

/// A provider's webhooks: checks a delivery's signature and reads the event.
pub trait WebhookVerifier: Send + Sync {
    /// The provider's name, as in `/api/v1/webhooks/{name}`.
    fn name(&self) -> &'static str;
    fn verify(
        &self,
        payload: &[u8],
        signature: Option<&str>,
        now_ms: i64,
    ) -> Result<PaymentEvent, WebhookRejection>;
}

/// Webhook deliveries already handled.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn webhook_seen(&self, event_id: &str) -> StoreResult<bool>;
    /// Notes a handled event; false when it was already noted.
    async fn record_webhook(
        &self,
        event_id: &str,
        provider: &str,
        kind: &str,
        now_ms: i64,
    ) -> StoreResult<bool>;
}
