//! Reads made for a page: what one person holds around one product, in one round trip.

use async_trait::async_trait;
use kenning_domain::certificate::CertificateCode;
use kenning_domain::ids::{AccountId, LessonId, ProductId};

use super::StoreResult;

/// What one person holds around one product, as its page needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holdings {
    /// When they got each of the products asked about, for those they hold.
    pub products: Vec<(ProductId, i64)>,
    /// When they bought lessons of the product on their own.
    pub lessons: Vec<(LessonId, i64)>,
    /// Their certificate for the product, once earned.
    pub certificate: Option<CertificateCode>,
    /// Their referral code, once made.
    pub referral_code: Option<String>,
}

impl Holdings {
    /// When they got `product`, if they hold it.
    pub fn since(&self, product: ProductId) -> Option<i64> {
        self.products
            .iter()
            .find(|(id, _)| *id == product)
            .map(|(_, at)| *at)
    }

    /// When they bought `lesson` on its own, if they did.
    pub fn lesson_since(&self, lesson: LessonId) -> Option<i64> {
        self.lessons
            .iter()
            .find(|(id, _)| *id == lesson)
            .map(|(_, at)| *at)
    }
}

#[async_trait]
pub trait PageStore: Send + Sync {
    /// What `account` holds of `product` and of the `related` products (a bundle's
    /// items, the product a live session comes with), the lessons of `product` they
    /// bought alone, their certificate for it and their referral code: one statement.
    async fn holdings(
        &self,
        account: AccountId,
        product: ProductId,
        related: &[ProductId],
    ) -> StoreResult<Holdings>;
}
