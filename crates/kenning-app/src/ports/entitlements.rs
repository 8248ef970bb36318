//! What people hold: products and lessons bought, given, granted by a membership.

use async_trait::async_trait;
use kenning_domain::catalog::Product;
use kenning_domain::ids::{AccountId, LessonId, OrderId, ProductId};
use kenning_domain::locale::LocalizedText;

use super::StoreResult;

/// What people hold: products and lessons, and since when.
#[async_trait]
pub trait EntitlementStore: Send + Sync {
    /// Lessons the person bought on their own, newest first: (lesson, product, lesson
    /// title, when).
    async fn lessons_bought(
        &self,
        account: AccountId,
    ) -> StoreResult<Vec<(LessonId, ProductId, LocalizedText, i64)>>;
    /// When the person bought the lesson on its own, if they did.
    async fn lesson_entitled_since(
        &self,
        account: AccountId,
        lesson: LessonId,
    ) -> StoreResult<Option<i64>>;
    /// When the person got the product, if they hold it.
    async fn entitled_since(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<i64>>;
    async fn is_entitled(&self, account: AccountId, product: ProductId) -> StoreResult<bool> {
        Ok(self.entitled_since(account, product).await?.is_some())
    }
    /// Grants a product without payment (free products, gifts, admin grants).
    async fn grant_entitlement(
        &self,
        account: AccountId,
        product: ProductId,
        source: &str,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Products the person is entitled to, newest first, with the time of the grant.
    async fn library(&self, account: AccountId) -> StoreResult<Vec<(Product, i64)>>;
    /// Who holds a product, with the time of the grant, oldest first.
    async fn holders(&self, product: ProductId) -> StoreResult<Vec<(AccountId, i64)>>;
    /// The order behind a person's entitlement, if it was bought.
    async fn entitlement_order(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<OrderId>>;
}
