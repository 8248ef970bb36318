//! Pay-per-use (按需付费): a lesson sold on its own, to people who do not hold its
//! product. The order names the lesson; paying it grants only that lesson.

use kenning_domain::DomainError;
use kenning_domain::catalog::{PriceList, Product};
use kenning_domain::ids::LessonId;
use kenning_domain::money::Money;

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

impl Kenning {
    /// Sets the prices a lesson is sold for on its own (an empty list stops selling it
    /// alone). A preview lesson is free to everyone and cannot be priced.
    pub async fn set_lesson_prices(
        &self,
        user: &CurrentUser,
        lesson: LessonId,
        prices: Vec<Money>,
    ) -> Result<PriceList, AppError> {
        let found = self
            .store
            .lesson(lesson)
            .await?
            .ok_or(AppError::NotFound("lesson"))?;
        self.editable_product(user, found.product_id).await?;
        if prices.iter().any(Money::is_zero) || (found.preview && !prices.is_empty()) {
            return Err(DomainError::InvalidAmount.into());
        }
        let list = PriceList::new(prices)?;
        self.store
            .set_lesson_prices(lesson, list.as_slice())
            .await?;
        // Product pages show what each lesson costs alone.
        self.catalog_cache.clear();
        Ok(list)
    }

    /// Lessons the person bought on their own, newest first: (lesson, its product,
    /// title, when).
    pub async fn lessons_bought(
        &self,
        user: &CurrentUser,
    ) -> Result<
        Vec<(
            LessonId,
            kenning_domain::ids::ProductId,
            kenning_domain::locale::LocalizedText,
            i64,
        )>,
        AppError,
    > {
        Ok(self.store.lessons_bought(user.account.id).await?)
    }

    /// A lesson's own prices (empty when it is only sold with its product), for lessons
    /// of published products.
    pub async fn lesson_prices(&self, lesson: LessonId) -> Result<PriceList, AppError> {
        let product = self.lesson_product(lesson).await?;
        self.store
            .product(product)
            .await?
            .filter(Product::is_published)
            .ok_or(AppError::NotFound("lesson"))?;
        Ok(PriceList::new(self.store.lesson_prices(lesson).await?)?)
    }

    /// The own prices of a product's lessons, for its page.
    pub async fn lesson_prices_of(
        &self,
        product: &Product,
    ) -> Result<Vec<(LessonId, Money)>, AppError> {
        Ok(self.store.lesson_prices_of(product.id).await?)
    }

    /// The prices of a lesson of `product` that is sold on its own.
    pub(crate) async fn lesson_price_list(
        &self,
        product: &Product,
        lesson: LessonId,
    ) -> Result<PriceList, AppError> {
        let found = self
            .store
            .lesson(lesson)
            .await?
            .filter(|l| l.product_id == product.id)
            .ok_or(AppError::NotFound("lesson"))?;
        let prices = self.store.lesson_prices(found.id).await?;
        if found.preview || prices.is_empty() {
            return Err(AppError::NotForSale);
        }
        Ok(PriceList::new(prices)?)
    }

    /// Whether the person may already read the lesson: they hold its product or bought
    /// the lesson.
    pub(crate) async fn owns_lesson(
        &self,
        user: &CurrentUser,
        product: &Product,
        lesson: LessonId,
    ) -> Result<bool, AppError> {
        Ok(self.held_since(user.account.id, product).await?.is_some()
            || self
                .store
                .lesson_entitled_since(user.account.id, lesson)
                .await?
                .is_some())
    }
}
