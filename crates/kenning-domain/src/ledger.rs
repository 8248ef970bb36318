//! Double-entry bookkeeping. Every movement of money is a transaction of postings that
//! sum to zero per currency. Postings are never edited: a mistake is corrected by a
//! reversing transaction.
//!
//! Sign convention: a positive amount is a debit, a negative amount a credit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{AccountId, LedgerTransactionId, OrderId};
use crate::money::{Currency, Money};

/// The platform's default fee, in basis points of the sale (10%).
pub const DEFAULT_PLATFORM_FEE_BPS: u16 = 1_000;

/// A ledger account, named by a stable code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LedgerAccount {
    /// Money a payment provider holds for the platform (asset).
    ProviderClearing(String),
    /// The platform's fee income (revenue).
    PlatformFees,
    /// What the platform owes a creator (liability).
    CreatorEarnings(AccountId),
}

impl LedgerAccount {
    pub fn code(&self) -> String {
        match self {
            LedgerAccount::ProviderClearing(p) => format!("asset:provider:{p}"),
            LedgerAccount::PlatformFees => "revenue:platform_fees".to_owned(),
            LedgerAccount::CreatorEarnings(id) => format!("liability:creator:{id}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    pub account: LedgerAccount,
    pub amount: Money,
}

/// A balanced set of postings. Construct only through [`LedgerTransaction::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerTransaction {
    pub id: LedgerTransactionId,
    pub kind: &'static str,
    pub order_id: Option<OrderId>,
    postings: Vec<Posting>,
}

impl LedgerTransaction {
    pub fn new(
        kind: &'static str,
        order_id: Option<OrderId>,
        postings: Vec<Posting>,
    ) -> Result<LedgerTransaction, DomainError> {
        if postings.is_empty() || !is_balanced(&postings) {
            return Err(DomainError::Unbalanced);
        }
        Ok(LedgerTransaction {
            id: LedgerTransactionId::new(),
            kind,
            order_id,
            postings,
        })
    }

    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }
}

/// True when the postings sum to zero in every currency.
pub fn is_balanced(postings: &[Posting]) -> bool {
    let mut sums: BTreeMap<Currency, i128> = BTreeMap::new();
    for p in postings {
        *sums.entry(p.amount.currency).or_default() += i128::from(p.amount.amount_minor);
    }
    sums.values().all(|s| *s == 0)
}

/// The postings of a paid sale: the provider holds the full amount; the platform keeps
/// its fee; the creator is owed the rest. Rounding follows [`Money::split_bps`]: the fee
/// is rounded down and the creator keeps the leftover minor unit.
pub fn sale(
    order_id: OrderId,
    provider: &str,
    creator: AccountId,
    total: Money,
    platform_fee_bps: u16,
) -> Result<LedgerTransaction, DomainError> {
    let (fee, creator_share) = total.split_bps(platform_fee_bps);
    let mut postings = vec![Posting {
        account: LedgerAccount::ProviderClearing(provider.to_owned()),
        amount: total,
    }];
    if !fee.is_zero() {
        postings.push(Posting {
            account: LedgerAccount::PlatformFees,
            amount: fee.negate(),
        });
    }
    postings.push(Posting {
        account: LedgerAccount::CreatorEarnings(creator),
        amount: creator_share.negate(),
    });
    LedgerTransaction::new("sale", Some(order_id), postings)
}

/// The reversing entries of a refund of `amount` from a sale of `total` of which
/// `refunded_before` was already given back. The platform fee and the creator's share are
/// reversed in proportion, computed on the running total so that refunds adding up to the
/// whole sale reverse its postings exactly: no cent is created or lost however a refund
/// is split.
pub fn refund(
    order_id: OrderId,
    provider: &str,
    creator: AccountId,
    total: Money,
    refunded_before: Money,
    amount: Money,
    platform_fee_bps: u16,
) -> Result<LedgerTransaction, DomainError> {
    let same_currency =
        total.currency == amount.currency && total.currency == refunded_before.currency;
    let remaining = total.amount_minor - refunded_before.amount_minor;
    if !same_currency
        || amount.amount_minor <= 0
        || refunded_before.amount_minor < 0
        || amount.amount_minor > remaining
    {
        return Err(DomainError::InvalidRefundAmount);
    }
    let fee = i128::from(total.split_bps(platform_fee_bps).0.amount_minor);
    let whole = i128::from(total.amount_minor).max(1);
    let fee_upto = |refunded: i64| fee * i128::from(refunded) / whole;
    let before = refunded_before.amount_minor;
    let fee_part = fee_upto(before + amount.amount_minor) - fee_upto(before);
    // |fee_part| <= |amount|, so it fits back into i64.
    let fee_part = i64::try_from(fee_part).map_err(|_| DomainError::InvalidRefundAmount)?;
    let creator_part = amount.amount_minor - fee_part;
    let mut postings = vec![Posting {
        account: LedgerAccount::ProviderClearing(provider.to_owned()),
        amount: amount.negate(),
    }];
    if fee_part != 0 {
        postings.push(Posting {
            account: LedgerAccount::PlatformFees,
            amount: Money::new(fee_part, amount.currency),
        });
    }
    postings.push(Posting {
        account: LedgerAccount::CreatorEarnings(creator),
        amount: Money::new(creator_part, amount.currency),
    });
    LedgerTransaction::new("refund", Some(order_id), postings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_unbalanced_transaction_cannot_be_built() {
        let postings = vec![Posting {
            account: LedgerAccount::PlatformFees,
            amount: Money::new(1, Currency::USD),
        }];
        assert_eq!(
            LedgerTransaction::new("x", None, postings),
            Err(DomainError::Unbalanced)
        );
    }

    #[test]
    fn a_sale_gives_the_creator_what_the_fee_leaves() {
        let creator = AccountId::new();
        let tx = sale(
            OrderId::new(),
            "sandbox",
            creator,
            Money::new(999, Currency::USD),
            1000,
        );
        let tx = tx.unwrap_or_else(|e| panic!("{e}"));
        let owed: i64 = tx
            .postings()
            .iter()
            .filter(|p| p.account == LedgerAccount::CreatorEarnings(creator))
            .map(|p| p.amount.amount_minor)
            .sum();
        assert_eq!(owed, -900);
    }

    fn sum_for(txs: &[LedgerTransaction], account: &LedgerAccount) -> i64 {
        txs.iter()
            .flat_map(|t| t.postings())
            .filter(|p| &p.account == account)
            .map(|p| p.amount.amount_minor)
            .sum()
    }

    #[test]
    fn a_refund_cannot_exceed_what_is_left() {
        let usd = |n| Money::new(n, Currency::USD);
        let order = OrderId::new();
        let creator = AccountId::new();
        assert!(
            refund(
                order,
                "sandbox",
                creator,
                usd(1000),
                usd(0),
                usd(1000),
                1000
            )
            .is_ok()
        );
        for (before, amount) in [(0, 1001), (600, 500), (0, 0), (0, -5)] {
            assert_eq!(
                refund(
                    order,
                    "sandbox",
                    creator,
                    usd(1000),
                    usd(before),
                    usd(amount),
                    1000
                ),
                Err(DomainError::InvalidRefundAmount)
            );
        }
        let cny = Money::new(100, Currency::CNY);
        assert!(refund(order, "sandbox", creator, usd(1000), usd(0), cny, 1000).is_err());
    }

    proptest! {
        #[test]
        fn refunds_that_add_up_to_the_sale_reverse_it_exactly(
            total in 1i64..=crate::money::MAX_PRICE_MINOR,
            bps in 0u16..=10_000,
            cuts in proptest::collection::vec(1u32..=1000, 1..6),
        ) {
            let usd = |n| Money::new(n, Currency::USD);
            let (order, creator) = (OrderId::new(), AccountId::new());
            let sale_tx = sale(order, "sandbox", creator, usd(total), bps).unwrap();
            // Split the total into parts proportional to `cuts`, the last taking the rest.
            let weight: i64 = cuts.iter().map(|c| i64::from(*c)).sum();
            let mut parts: Vec<i64> = cuts.iter().map(|c| total * i64::from(*c) / weight).collect();
            let given: i64 = parts.iter().sum();
            if let Some(last) = parts.last_mut() { *last += total - given; }
            let mut txs = vec![sale_tx];
            let mut before = 0;
            for part in parts.into_iter().filter(|p| *p > 0) {
                let tx = refund(order, "sandbox", creator, usd(total), usd(before), usd(part), bps);
                prop_assert!(tx.is_ok());
                txs.push(tx.unwrap());
                before += part;
            }
            prop_assert_eq!(before, total);
            for account in [
                LedgerAccount::ProviderClearing("sandbox".into()),
                LedgerAccount::PlatformFees,
                LedgerAccount::CreatorEarnings(creator),
            ] {
                prop_assert_eq!(sum_for(&txs, &account), 0);
            }
        }

        #[test]
        fn every_sale_balances(amount in 0i64..=crate::money::MAX_PRICE_MINOR, bps in 0u16..=10_000) {
            let tx = sale(OrderId::new(), "sandbox", AccountId::new(), Money::new(amount, Currency::CNY), bps);
            prop_assert!(tx.is_ok());
        }
    }
}
