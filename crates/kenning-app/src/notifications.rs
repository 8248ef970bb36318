//! Notifications: answers, refunds and creators' announcements, shown in the bell and
//! mailed unless the person turned mail off for that kind.

use kenning_domain::account::{Account, Role};
use kenning_domain::catalog::Product;
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::mail::MailMessage;
use kenning_domain::notification::{self, Notice, NoticeKind, NotificationRecord};

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

/// The notifications page: the newest ones and how many are unread.
#[derive(Clone, Debug)]
pub struct NotificationsPage {
    pub unread: i64,
    pub items: Vec<NotificationRecord>,
    /// Each kind, and whether it is mailed too.
    pub mail: Vec<(NoticeKind, bool)>,
}

impl Kenning {
    /// Tells `accounts` of `notice`: in the bell, and by mail to those who want it.
    pub(crate) async fn notify(
        &self,
        accounts: &[Account],
        notice: Notice,
    ) -> Result<(), AppError> {
        let ids: Vec<AccountId> = accounts.iter().map(|a| a.id).collect();
        self.store
            .add_notifications(&ids, &notice, self.now_ms())
            .await?;
        self.mail_notice(accounts, &notice).await
    }

    /// Mails `notice` to those of `accounts` who want its kind by mail.
    pub(crate) async fn mail_notice(
        &self,
        accounts: &[Account],
        notice: &Notice,
    ) -> Result<(), AppError> {
        if !notice.mailed() {
            return Ok(());
        }
        for account in accounts {
            if !self
                .store
                .mail_off(account.id)
                .await?
                .contains(&notice.kind())
            {
                self.mail_to(
                    account,
                    MailMessage::Notice {
                        notice: notice.clone(),
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Tells one person, by id.
    pub(crate) async fn notify_one(&self, id: AccountId, notice: Notice) -> Result<(), AppError> {
        if let Some(account) = self.store.account_by_id(id).await? {
            self.notify(&[account], notice).await?;
        }
        Ok(())
    }

    /// Tells one person of something about `product`, naming it in their language.
    pub(crate) async fn notify_about(
        &self,
        account: AccountId,
        product: &Product,
        notice: impl FnOnce(ProductId, String) -> Notice,
    ) -> Result<(), AppError> {
        let Some(person) = self.store.account_by_id(account).await? else {
            return Ok(());
        };
        let title = product.title.get(person.locale).to_owned();
        self.notify(&[person], notice(product.id, title)).await
    }

    /// The person's notifications.
    pub async fn notifications_page(
        &self,
        user: &CurrentUser,
    ) -> Result<NotificationsPage, AppError> {
        let id = user.account.id;
        let (unread, items, off) = tokio::try_join!(
            self.store.unread_notifications(id),
            self.store.notifications(id, 100),
            self.store.mail_off(id),
        )?;
        Ok(NotificationsPage {
            unread,
            items,
            mail: NoticeKind::ALL
                .into_iter()
                .map(|k| (k, !off.contains(&k)))
                .collect(),
        })
    }

    /// How many of the person's notifications are unread (the bell).
    pub async fn unread_notifications(&self, user: &CurrentUser) -> Result<i64, AppError> {
        Ok(self.store.unread_notifications(user.account.id).await?)
    }

    /// Marks one notification (or all, with `None`) read.
    pub async fn mark_notifications_read(
        &self,
        user: &CurrentUser,
        id: Option<i64>,
    ) -> Result<u64, AppError> {
        let marked = self
            .store
            .mark_notifications_read(user.account.id, id, self.now_ms())
            .await?;
        if id.is_some() && marked == 0 {
            let known = self
                .store
                .notifications(user.account.id, 500)
                .await?
                .iter()
                .any(|n| Some(n.id) == id);
            if !known {
                return Err(AppError::NotFound("notification"));
            }
        }
        Ok(marked)
    }

    /// Which kinds are mailed too (the rest only in the bell).
    pub async fn set_notification_mail(
        &self,
        user: &CurrentUser,
        mailed: &[NoticeKind],
    ) -> Result<(), AppError> {
        let off: Vec<NoticeKind> = NoticeKind::ALL
            .into_iter()
            .filter(|k| !mailed.contains(k))
            .collect();
        Ok(self.store.set_mail_off(user.account.id, &off).await?)
    }

    /// A creator (or an operator) writes to everyone who holds a product; answers how
    /// many were told.
    pub async fn announce(
        &self,
        user: &CurrentUser,
        product: ProductId,
        title: &str,
        body: &str,
    ) -> Result<usize, AppError> {
        let found = self
            .store
            .product(product)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        if found.creator_id != user.account.id && user.account.role != Role::Admin {
            return Err(AppError::NotFound("product"));
        }
        let (title, body) = notification::announcement(title, body)?;
        let mut holders = Vec::new();
        for (id, _) in self.store.holders(product).await? {
            if let Some(account) = self.store.account_by_id(id).await? {
                holders.push(account);
            }
        }
        self.notify(
            &holders,
            Notice::Announcement {
                product,
                title,
                body,
            },
        )
        .await?;
        tracing::info!(product = %product, recipients = holders.len(), "announcement sent");
        Ok(holders.len())
    }
}
