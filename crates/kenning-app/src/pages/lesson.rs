//! The lesson page: the lesson for those the access rule lets in, otherwise what it
//! is and how to get it.

use std::sync::Arc;

use kenning_domain::catalog::Product;
use kenning_domain::fx::{self, ExchangeRate};
use kenning_domain::ids::LessonId;
use kenning_domain::money::{Currency, Money};

use crate::accounts::CurrentUser;
use crate::catalog::LessonView;
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub enum LessonPage {
    Open(Box<LessonView>),
    Locked(Box<LockedLesson>),
}

/// A lesson this person may not read (yet).
#[derive(Clone, Debug)]
pub struct LockedLesson {
    pub lesson_id: LessonId,
    pub product: Product,
    /// For a holder waiting on drip release: when it opens.
    pub opens_at_ms: Option<i64>,
    /// The lesson alone, in the viewer's currency, when it is sold on its own.
    pub alone: Option<Money>,
    pub rates: Arc<Vec<ExchangeRate>>,
}

impl Kenning {
    /// A lesson, or why it is locked. Whether it opens is the access rule's answer alone
    /// ([`Kenning::read_lesson`]); visitors are asked to log in (`Unauthenticated`).
    pub async fn lesson_page(
        &self,
        id: LessonId,
        user: Option<&CurrentUser>,
        currency: Currency,
    ) -> Result<LessonPage, AppError> {
        let opens_at_ms = match self.read_lesson(id, user).await {
            Ok(view) => return Ok(LessonPage::Open(Box::new(view))),
            Err(AppError::PurchaseRequired) => None,
            Err(AppError::NotYetReleased { opens_at_ms, .. }) => Some(opens_at_ms),
            Err(e) => return Err(e),
        };
        let product_id = self.lesson_product(id).await?;
        let (outline, rates) = tokio::try_join!(self.outline(product_id), self.display_rates())?;
        let alone = match opens_at_ms {
            Some(_) => None,
            None => fx::shown_price(&self.lesson_prices(id).await?, currency, &rates),
        };
        Ok(LessonPage::Locked(Box::new(LockedLesson {
            lesson_id: id,
            product: outline.product.clone(),
            opens_at_ms,
            alone,
            rates,
        })))
    }
}
