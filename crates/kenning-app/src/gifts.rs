//! Gifts (赠送): the buyer pays, passes on the claim link, and the person it is for
//! claims it once signed in with the e-mail it was bought for.

use kenning_domain::account::Account;
use kenning_domain::catalog::Product;
use kenning_domain::gift::Gift;
use kenning_domain::jobs::Job;
use kenning_domain::mail::{Mail, MailMessage};
use kenning_domain::order::{Order, OrderStatus};

use crate::accounts::CurrentUser;
use crate::ports::StoreError;
use crate::{AppError, Kenning};

/// A gift as its claim page shows it.
#[derive(Clone, Debug)]
pub struct GiftView {
    pub gift: Gift,
    pub product: Product,
    pub from: String,
    /// Paid for: it can be claimed.
    pub paid: bool,
}

impl Kenning {
    /// Mails the claim link of the gift a paid order bought to the person it is for,
    /// in their language when they have an account here, else in the giver's.
    pub(crate) async fn mail_gift(
        &self,
        order: &Order,
        product: &Product,
        giver: &Account,
    ) -> Result<(), AppError> {
        let Some(gift) = self.store.gift_of_order(order.id).await? else {
            return Ok(());
        };
        let known = self
            .store
            .account_by_email(&gift.recipient)
            .await?
            .map(|(a, _)| a);
        let (name, locale) = match &known {
            Some(a) => (a.display_name.as_str().to_owned(), a.locale),
            None => (gift.recipient.local_part().to_owned(), giver.locale),
        };
        let message = MailMessage::Gift {
            code: gift.code,
            from: giver.display_name.as_str().to_owned(),
            title: product.title.get(locale).to_owned(),
            message: gift.message,
        };
        let now = self.now_ms();
        let mail = Mail {
            to: gift.recipient,
            name,
            locale,
            time_zone: None,
            message,
        };
        self.store
            .enqueue(&Job::SendMail { mail }, now, now)
            .await?;
        Ok(())
    }

    /// A gift by the code in its link (anyone holding the link may look).
    pub async fn gift(&self, code: &str) -> Result<GiftView, AppError> {
        let gift = self
            .store
            .gift(code)
            .await?
            .ok_or(AppError::NotFound("gift"))?;
        let product = self
            .store
            .product(gift.product_id)
            .await?
            .ok_or(AppError::NotFound("gift"))?;
        let from = self
            .store
            .account_by_id(gift.buyer_id)
            .await?
            .map(|a| a.display_name.as_str().to_owned())
            .unwrap_or_default();
        let paid = self
            .store
            .order(gift.order_id)
            .await?
            .is_some_and(|o| o.status == OrderStatus::Paid);
        Ok(GiftView {
            gift,
            product,
            from,
            paid,
        })
    }

    /// Claims a paid gift for the signed-in person it was bought for.
    pub async fn claim_gift(&self, user: &CurrentUser, code: &str) -> Result<GiftView, AppError> {
        let view = self.gift(code).await?;
        if !view.paid {
            return Err(AppError::GiftNotPaid);
        }
        if view.gift.claimed_by == Some(user.account.id) {
            return Ok(view);
        }
        if !view.gift.may_claim(&user.account.email) {
            return Err(AppError::GiftForSomeoneElse);
        }
        match self
            .store
            .claim_gift(code, user.account.id, self.now_ms())
            .await
        {
            Ok(true) => self.holdings_changed(),
            Ok(false) => return Err(AppError::GiftForSomeoneElse),
            Err(StoreError::Duplicate) => return Err(AppError::AlreadyOwned),
            Err(e) => return Err(e.into()),
        }
        tracing::info!(order = %view.gift.order_id, "gift claimed");
        self.gift(code).await
    }

    /// The claim code of the gift an order of this person's paid for, if it is one.
    pub async fn gift_of_order(
        &self,
        user: &CurrentUser,
        order: kenning_domain::ids::OrderId,
    ) -> Result<Option<String>, AppError> {
        Ok(self
            .store
            .gift_of_order(order)
            .await?
            .filter(|g| g.buyer_id == user.account.id)
            .map(|g| g.code))
    }

    /// The gifts a person sent, newest first, with their products.
    pub async fn my_gifts(&self, user: &CurrentUser) -> Result<Vec<GiftView>, AppError> {
        let mut out = Vec::new();
        for gift in self.store.gifts_from(user.account.id).await? {
            out.push(self.gift(&gift.code).await?);
        }
        Ok(out)
    }
}
