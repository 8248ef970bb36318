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

    proptest! {
        #[test]
        fn every_sale_balances(amount in 0i64..=crate::money::MAX_PRICE_MINOR, bps in 0u16..=10_000) {
            let tx = sale(OrderId::new(), "sandbox", AccountId::new(), Money::new(amount, Currency::CNY), bps);
            prop_assert!(tx.is_ok());
        }
    }
}
