//! Reminders of what is coming: a membership renewal (with what it will charge) and a
//! live session starting. A sweep runs every few minutes on whichever node claims it;
//! each person gets each reminder once (the store keeps its key with the notice).

use kenning_domain::account::Account;
use kenning_domain::notification::Notice;
use kenning_domain::reminder::{self, LOOKAHEAD_MS, Reminder};

use crate::{AppError, Kenning};

impl Kenning {
    /// Sends the reminders that are due; answers how many people were reminded.
    pub(crate) async fn send_reminders(&self) -> Result<usize, AppError> {
        let now = self.now_ms();
        let until = now.saturating_add(LOOKAHEAD_MS);
        let mut sent = 0;
        for s in self.store.subscriptions_ending(now, until).await? {
            let Some(due) = reminder::renewal(&s, now) else {
                continue;
            };
            let (Some(account), Some(tier)) = (
                self.store.account_by_id(s.account_id).await?,
                self.store.product(s.plan_id).await?,
            ) else {
                continue;
            };
            let notice = Notice::RenewalSoon {
                product: tier.id,
                title: tier.title.get(account.locale).to_owned(),
                amount: s.price,
                at_ms: s.period_end_ms,
            };
            sent += usize::from(self.remind(&due, &account, notice).await?);
        }
        for schedule in self.store.live_sessions_starting(now, until).await? {
            let Some(due) = reminder::live(&schedule, now) else {
                continue;
            };
            let Some(product) = self.store.product(schedule.product_id).await? else {
                continue;
            };
            // Ticket holders: those who hold the session, or what it comes with.
            let mut holders = self.store.holders(product.id).await?;
            if let Some(including) = schedule.included_in {
                holders.extend(self.store.holders(including).await?);
            }
            holders.sort_unstable_by_key(|(id, _)| id.to_string());
            holders.dedup_by_key(|(id, _)| *id);
            for (id, _) in holders {
                let Some(account) = self.store.account_by_id(id).await? else {
                    continue;
                };
                let notice = Notice::LiveSoon {
                    product: product.id,
                    title: product.title.get(account.locale).to_owned(),
                    at_ms: schedule.starts_at_ms,
                };
                sent += usize::from(self.remind(&due, &account, notice).await?);
            }
        }
        if sent > 0 {
            tracing::info!(sent, "reminders sent");
        }
        Ok(sent)
    }

    /// Tells one person of `due` unless they were told before; `true` when told now.
    async fn remind(
        &self,
        due: &Reminder,
        account: &Account,
        notice: Notice,
    ) -> Result<bool, AppError> {
        let key = format!("{}:{}", due.key(), account.id);
        let fresh = self
            .store
            .add_reminder(&key, &[account.id], &notice, self.now_ms())
            .await?;
        if fresh {
            self.mail_notice(std::slice::from_ref(account), &notice)
                .await?;
        }
        Ok(fresh)
    }
}
