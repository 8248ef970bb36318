//! Membership tiers and subscriptions.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, ProductId, SubscriptionId};
use kenning_domain::subscription::{MembershipPlan, Subscription};

use super::StoreResult;

/// Membership tiers and subscriptions.
#[async_trait]
pub trait MembershipStore: Send + Sync {
    async fn set_plan(&self, plan: &MembershipPlan) -> StoreResult<()>;
    async fn plan(&self, product: ProductId) -> StoreResult<Option<MembershipPlan>>;
    /// Inserts or replaces (by id).
    async fn save_subscription(&self, subscription: &Subscription, now_ms: i64) -> StoreResult<()>;
    async fn subscription(&self, id: SubscriptionId) -> StoreResult<Option<Subscription>>;
    async fn subscription_of(
        &self,
        plan: ProductId,
        account: AccountId,
    ) -> StoreResult<Option<Subscription>>;
    async fn subscriptions_of(&self, account: AccountId) -> StoreResult<Vec<Subscription>>;
    /// Subscriptions with something due at `now_ms` (renewal, retry or end).
    async fn due_subscriptions(&self, now_ms: i64) -> StoreResult<Vec<Subscription>>;
    /// Active subscriptions whose period ends after `from_ms` and by `until_ms`.
    async fn subscriptions_ending(
        &self,
        from_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Vec<Subscription>>;
    /// Grants the products (those the person does not hold already).
    async fn grant_subscription(
        &self,
        subscription: &Subscription,
        products: &[ProductId],
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Removes every entitlement the subscription granted.
    async fn revoke_subscription(&self, id: SubscriptionId) -> StoreResult<()>;
    /// Saves an ended subscription and takes back what it granted, in one transaction.
    async fn end_subscription(&self, subscription: &Subscription, now_ms: i64) -> StoreResult<()>;
}
