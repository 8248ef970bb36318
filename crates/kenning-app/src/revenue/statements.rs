//! Monthly statements per currency, and payouts of what is owed.

use std::collections::HashMap;

use kenning_domain::DomainError;
use kenning_domain::audit::AuditAction;
use kenning_domain::ids::{AccountId, OrderId, PayoutId};
use kenning_domain::ledger::{self, LedgerAccount};
use kenning_domain::locale::LocalizedText;
use kenning_domain::money::{Currency, Money};
use kenning_domain::statement::{Period, SaleBreakdown, Statement};

use crate::accounts::CurrentUser;
use crate::audit_log::{Change, money_json};
use crate::ports::PayoutRecord;

/// One person's balance in one currency: the accounts it is owed under, and its sum.
type PayoutGroup = (AccountId, Currency, Vec<(LedgerAccount, Money)>, i64);

/// One line of a payout run, before it is made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutPreview {
    pub account_id: AccountId,
    pub name: String,
    pub email: String,
    /// Where they asked to be paid in this currency, if they said.
    pub reference: Option<String>,
    pub amount: Money,
}
use crate::{AppError, Kenning};

/// One statement per currency the person had money in.
#[derive(Clone, Debug)]
pub struct Statements {
    pub period: Period,
    pub statements: Vec<Statement>,
    /// The sales behind the statements' lines: the product and where the money went.
    pub sales: HashMap<OrderId, SaleDetail>,
}

/// A sale as a statement line explains it.
#[derive(Clone, Debug)]
pub struct SaleDetail {
    pub product_title: LocalizedText,
    pub breakdown: SaleBreakdown,
}

impl Kenning {
    /// The person's statements for a month, one per currency with any movement or
    /// balance.
    pub async fn statements(
        &self,
        user: &CurrentUser,
        period: Period,
    ) -> Result<Statements, AppError> {
        let account = user.account.id;
        let opening = self.store.owed_before(account, period.start_ms()).await?;
        let (from, to) = (period.start_ms(), period.end_ms());
        let (lines, sold) = tokio::try_join!(
            self.store.earnings_lines(account, from, to),
            self.store.sales_earned(account, from, to),
        )?;
        let sales = sold
            .into_iter()
            .filter_map(|(order, product_title, postings)| {
                let breakdown = SaleBreakdown::of(&postings, account)?;
                Some((
                    order,
                    SaleDetail {
                        product_title,
                        breakdown,
                    },
                ))
            })
            .collect();
        let mut currencies: Vec<Currency> = opening
            .iter()
            .map(|m| m.currency)
            .chain(lines.iter().map(|l| l.amount.currency))
            .collect();
        currencies.sort();
        currencies.dedup();
        let statements = currencies
            .into_iter()
            .map(|c| {
                let open = opening
                    .iter()
                    .find(|m| m.currency == c)
                    .map_or(0, |m| m.amount_minor);
                let mine = lines
                    .iter()
                    .filter(|l| l.amount.currency == c)
                    .cloned()
                    .collect();
                Statement::build(c, open, mine)
            })
            .collect();
        Ok(Statements {
            period,
            statements,
            sales,
        })
    }

    /// Pays out everyone owed at least `minimum_major` major units of a currency (all
    /// currencies when `currency` is `None`): each of their earnings accounts is settled
    /// in one ledger transaction. Operators only.
    pub async fn run_payouts(
        &self,
        user: &CurrentUser,
        currency: Option<Currency>,
        minimum_major: i64,
    ) -> Result<Vec<PayoutRecord>, AppError> {
        Self::require_admin(user)?;
        let mut made = Vec::new();
        for (account_id, currency, parts, total) in
            self.payout_groups(currency, minimum_major).await?
        {
            let entries = ledger::payout(&parts, self.payments.name())?;
            let record = PayoutRecord {
                id: PayoutId::new(),
                account_id,
                amount: Money::new(total, currency),
                actor_id: user.account.id,
                created_at_ms: self.now_ms(),
            };
            match self.store.record_payout(&record, &entries).await {
                // Another run paid it meanwhile.
                Err(crate::ports::StoreError::Conflict) => continue,
                other => other?,
            }
            tracing::info!(payout = %record.id, account = %account_id, amount = total, "paid out");
            let change = Change::of(format!("account:{account_id}")).after(serde_json::json!({
                "payout": record.id.to_string(),
                "amount": money_json(record.amount),
            }));
            self.audit(Some(user), AuditAction::PayoutsRun, change)
                .await?;
            made.push(record);
        }
        Ok(made)
    }

    /// What a payout run would pay now: each person's balance per currency of at least
    /// `minimum_major` (the parts they are owed under, and their sum).
    async fn payout_groups(
        &self,
        currency: Option<Currency>,
        minimum_major: i64,
    ) -> Result<Vec<PayoutGroup>, AppError> {
        if minimum_major < 0 {
            return Err(DomainError::InvalidAmount.into());
        }
        let owed = self.store.owed_balances().await?;
        let mut groups: Vec<PayoutGroup> = Vec::new();
        for o in owed
            .into_iter()
            .filter(|o| currency.is_none_or(|c| o.amount.currency == c))
        {
            let account = LedgerAccount::Earnings(o.payee, o.account_id);
            match groups
                .iter_mut()
                .find(|(a, c, _, _)| *a == o.account_id && *c == o.amount.currency)
            {
                Some((_, _, parts, _)) => parts.push((account, o.amount)),
                None => groups.push((
                    o.account_id,
                    o.amount.currency,
                    vec![(account, o.amount)],
                    0,
                )),
            }
        }
        let mut due = Vec::new();
        for (account_id, currency, parts, _) in groups {
            let total: i64 = parts.iter().map(|(_, m)| m.amount_minor).sum();
            let minimum = Money::parse_major(&minimum_major.to_string(), currency)?;
            if total > 0 && total >= minimum.amount_minor {
                due.push((account_id, currency, parts, total));
            }
        }
        Ok(due)
    }

    /// What a payout run with these settings would pay, to whom (operators): their
    /// name, address and the payout details they gave when applying.
    pub async fn payout_preview(
        &self,
        user: &CurrentUser,
        currency: Option<Currency>,
        minimum_major: i64,
    ) -> Result<Vec<PayoutPreview>, AppError> {
        Self::require_admin(user)?;
        let mut lines = Vec::new();
        for (account_id, currency, _, total) in self.payout_groups(currency, minimum_major).await? {
            let (account, application) = tokio::try_join!(
                self.store.account_by_id(account_id),
                self.store.latest_application(account_id),
            )?;
            lines.push(PayoutPreview {
                account_id,
                name: account
                    .as_ref()
                    .map(|a| a.display_name.as_str().to_owned())
                    .unwrap_or_default(),
                email: account.map(|a| a.email.to_string()).unwrap_or_default(),
                reference: application
                    .and_then(|a| a.payout.into_iter().find(|p| p.currency == currency))
                    .map(|p| p.reference),
                amount: Money::new(total, currency),
            });
        }
        Ok(lines)
    }

    /// The latest payouts (operators).
    pub async fn payouts(&self, user: &CurrentUser) -> Result<Vec<PayoutRecord>, AppError> {
        Self::require_admin(user)?;
        Ok(self.store.payouts(200).await?)
    }
}
