//! Double-entry bookkeeping. Every movement of money is a transaction of postings that
//! sum to zero per currency. Postings are never edited: a mistake is corrected by a
//! reversing transaction.
//!
//! Sign convention: a positive amount is a debit, a negative amount a credit.
//!
//! # How a sale is shared
//!
//! The buyer's payment lands with the provider (debit). The tax in it is owed to the
//! buyer's country. What is left, the net, is shared in this order, each share a number
//! of basis points of the net rounded down to a whole minor unit and never more than
//! what is still unshared:
//!
//! 1. the platform fee (an operator setting),
//! 2. the affiliate's commission (the creator's rate for referred sales),
//! 3. partner contracts (利益分配) on the product or its creator,
//! 4. co-creators of the product.
//!
//! The creator keeps the rest, every leftover minor unit included, so the shares always
//! add up to the payment exactly: no minor unit is created or lost.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{AccountId, LedgerTransactionId, OrderId};
use crate::money::{Currency, Money};
use crate::tax::{Country, TaxLine};

/// The platform's default fee, in basis points of the sale (10%).
pub const DEFAULT_PLATFORM_FEE_BPS: u16 = 1_000;

/// A ledger account, named by a stable code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LedgerAccount {
    /// Money a payment provider holds for the platform (asset).
    ProviderClearing(String),
    /// The platform's fee income (revenue).
    PlatformFees,
    /// What payment providers charge the platform for taking payments (expense).
    GatewayFees,
    /// Tax collected for a country, owed to its tax office (liability).
    TaxPayable(Country),
    /// What the platform owes someone, and for what (liability).
    Earnings(Payee, AccountId),
}

/// Why the platform owes someone money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Payee {
    /// The product's creator: the rest of every sale.
    Creator,
    /// A co-creator named on the product with a share.
    CoCreator,
    /// A partner under a contract (利益分配).
    Partner,
    /// An affiliate (分销) who referred the buyer.
    Affiliate,
}

impl Payee {
    pub fn as_str(&self) -> &'static str {
        match self {
            Payee::Creator => "creator",
            Payee::CoCreator => "cocreator",
            Payee::Partner => "partner",
            Payee::Affiliate => "affiliate",
        }
    }

    fn parse(s: &str) -> Option<Payee> {
        [
            Payee::Creator,
            Payee::CoCreator,
            Payee::Partner,
            Payee::Affiliate,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

impl LedgerAccount {
    pub fn code(&self) -> String {
        match self {
            LedgerAccount::ProviderClearing(p) => format!("asset:provider:{p}"),
            LedgerAccount::PlatformFees => "revenue:platform_fees".to_owned(),
            LedgerAccount::GatewayFees => "expense:gateway_fees".to_owned(),
            LedgerAccount::TaxPayable(c) => format!("liability:tax:{c}"),
            LedgerAccount::Earnings(payee, id) => format!("liability:{}:{id}", payee.as_str()),
        }
    }

    /// The account a stored code names.
    pub fn parse(code: &str) -> Option<LedgerAccount> {
        let mut parts = code.splitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("asset"), Some("provider"), Some(p)) => {
                Some(LedgerAccount::ProviderClearing(p.to_owned()))
            }
            (Some("revenue"), Some("platform_fees"), None) => Some(LedgerAccount::PlatformFees),
            (Some("expense"), Some("gateway_fees"), None) => Some(LedgerAccount::GatewayFees),
            (Some("liability"), Some("tax"), Some(c)) => {
                c.parse().ok().map(LedgerAccount::TaxPayable)
            }
            (Some("liability"), Some(payee), Some(id)) => Some(LedgerAccount::Earnings(
                Payee::parse(payee)?,
                id.parse().ok()?,
            )),
            _ => None,
        }
    }

    /// The creator's own earnings account.
    pub fn creator(id: AccountId) -> LedgerAccount {
        LedgerAccount::Earnings(Payee::Creator, id)
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

/// Someone's share of a sale's net, in basis points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub payee: Payee,
    pub account: AccountId,
    pub bps: u16,
}

/// Everything a sale's postings depend on.
#[derive(Clone, Copy, Debug)]
pub struct SaleTerms<'a> {
    pub order_id: OrderId,
    pub provider: &'a str,
    pub creator: AccountId,
    /// What the buyer paid, tax included.
    pub total: Money,
    pub tax: Option<&'a TaxLine>,
    pub platform_fee_bps: u16,
    /// Affiliate, partner and co-creator shares, in the order they are taken.
    pub shares: &'a [Share],
}

/// The credits a net amount is shared into (see the module documentation): platform fee,
/// the shares in order, the creator's rest last. Zero shares are left out.
pub fn split(
    net: Money,
    platform_fee_bps: u16,
    creator: AccountId,
    shares: &[Share],
) -> Vec<(LedgerAccount, Money)> {
    let mut left = net.amount_minor;
    let mut out = Vec::new();
    let mut take = |account: LedgerAccount, bps: u16, left: &mut i64| {
        let wanted = net.split_bps(bps).0.amount_minor;
        let part = wanted.clamp(0, (*left).max(0));
        if part > 0 {
            *left -= part;
            out.push((account, Money::new(part, net.currency)));
        }
    };
    take(LedgerAccount::PlatformFees, platform_fee_bps, &mut left);
    for share in shares {
        take(
            LedgerAccount::Earnings(share.payee, share.account),
            share.bps,
            &mut left,
        );
    }
    out.push((
        LedgerAccount::creator(creator),
        Money::new(left, net.currency),
    ));
    out
}

/// The postings of a paid sale: the provider holds the payment; tax is owed to the
/// buyer's country; the net is shared by [`split`].
pub fn sale(terms: SaleTerms<'_>) -> Result<LedgerTransaction, DomainError> {
    let total = terms.total;
    let mut postings = vec![Posting {
        account: LedgerAccount::ProviderClearing(terms.provider.to_owned()),
        amount: total,
    }];
    let mut net = total;
    if let Some(tax) = terms.tax.filter(|t| !t.amount.is_zero()) {
        net = total.checked_sub(tax.amount)?;
        if net.amount_minor < 0 {
            return Err(DomainError::InvalidAmount);
        }
        postings.push(Posting {
            account: LedgerAccount::TaxPayable(tax.country.clone()),
            amount: tax.amount.negate(),
        });
    }
    for (account, amount) in split(net, terms.platform_fee_bps, terms.creator, terms.shares) {
        postings.push(Posting {
            account,
            amount: amount.negate(),
        });
    }
    LedgerTransaction::new("sale", Some(terms.order_id), postings)
}

/// The reversing entries of a refund of `amount` from a sale whose postings are `sale`,
/// of which `refunded_before` was already given back.
///
/// Every credit of the sale (tax, fee, shares) is reversed in proportion, computed on the
/// running total and rounded down; the last credit (the creator's rest) takes what is
/// left. Refunds that add up to the whole sale therefore reverse each of its postings
/// exactly, however the refund is split.
pub fn refund(
    order_id: OrderId,
    sale: &[Posting],
    refunded_before: Money,
    amount: Money,
) -> Result<LedgerTransaction, DomainError> {
    let mut debits = sale.iter().filter(|p| p.amount.amount_minor > 0);
    let (Some(paid), None) = (debits.next(), debits.next()) else {
        return Err(DomainError::InvalidRefundAmount);
    };
    let total = paid.amount;
    let remaining = crate::order::refundable_remainder(total, refunded_before)
        .map_err(|_| DomainError::InvalidRefundAmount)?;
    if remaining.currency != amount.currency
        || amount.amount_minor <= 0
        || amount.amount_minor > remaining.amount_minor
    {
        return Err(DomainError::InvalidRefundAmount);
    }
    let credits: Vec<&Posting> = sale.iter().filter(|p| p.amount.amount_minor < 0).collect();
    let Some((last, others)) = credits.split_last() else {
        return Err(DomainError::InvalidRefundAmount);
    };
    let whole = i128::from(total.amount_minor);
    let before = i128::from(refunded_before.amount_minor);
    let after = before + i128::from(amount.amount_minor);
    let mut postings = vec![Posting {
        account: paid.account.clone(),
        amount: amount.negate(),
    }];
    let mut given = 0_i64;
    for credit in others {
        let share = -i128::from(credit.amount.amount_minor);
        let part = share * after / whole - share * before / whole;
        // 0 <= part <= share <= total, so it fits back into i64.
        let part = i64::try_from(part).map_err(|_| DomainError::InvalidRefundAmount)?;
        if part != 0 {
            given += part;
            postings.push(Posting {
                account: credit.account.clone(),
                amount: Money::new(part, amount.currency),
            });
        }
    }
    postings.push(Posting {
        account: last.account.clone(),
        amount: Money::new(amount.amount_minor - given, amount.currency),
    });
    LedgerTransaction::new("refund", Some(order_id), postings)
}

/// The provider's fee for taking a payment, borne by the platform: an expense, taken
/// from what the provider holds. A refund does not give it back (providers keep it).
/// `None` when there is no fee.
pub fn gateway_fee(
    order_id: OrderId,
    provider: &str,
    fee: Money,
) -> Result<Option<LedgerTransaction>, DomainError> {
    if fee.amount_minor < 0 {
        return Err(DomainError::InvalidAmount);
    }
    if fee.is_zero() {
        return Ok(None);
    }
    LedgerTransaction::new(
        "gateway_fee",
        Some(order_id),
        vec![
            Posting {
                account: LedgerAccount::GatewayFees,
                amount: fee,
            },
            Posting {
                account: LedgerAccount::ProviderClearing(provider.to_owned()),
                amount: fee.negate(),
            },
        ],
    )
    .map(Some)
}

/// Pays out what the platform owes on some earnings accounts (each with its balance):
/// every account is settled to zero and the money leaves through the provider.
pub fn payout(
    owed: &[(LedgerAccount, Money)],
    provider: &str,
) -> Result<LedgerTransaction, DomainError> {
    let Some((_, first)) = owed.first() else {
        return Err(DomainError::InvalidAmount);
    };
    let mut total = Money::zero(first.currency);
    let mut postings = Vec::with_capacity(owed.len() + 1);
    for (account, amount) in owed {
        total = total.checked_add(*amount)?;
        postings.push(Posting {
            account: account.clone(),
            amount: *amount,
        });
    }
    if total.amount_minor <= 0 {
        return Err(DomainError::InvalidAmount);
    }
    postings.push(Posting {
        account: LedgerAccount::ProviderClearing(provider.to_owned()),
        amount: total.negate(),
    });
    LedgerTransaction::new("payout", None, postings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::MAX_PRICE_MINOR;
    use proptest::prelude::*;

    fn usd(n: i64) -> Money {
        Money::new(n, Currency::USD)
    }

    fn terms<'a>(
        creator: AccountId,
        total: Money,
        tax: Option<&'a TaxLine>,
        fee: u16,
        shares: &'a [Share],
    ) -> SaleTerms<'a> {
        SaleTerms {
            order_id: OrderId::new(),
            provider: "sandbox",
            creator,
            total,
            tax,
            platform_fee_bps: fee,
            shares,
        }
    }

    fn sum_for(txs: &[LedgerTransaction], account: &LedgerAccount) -> i64 {
        txs.iter()
            .flat_map(|t| t.postings())
            .filter(|p| &p.account == account)
            .map(|p| p.amount.amount_minor)
            .sum()
    }

    #[test]
    fn an_unbalanced_transaction_cannot_be_built() {
        let postings = vec![Posting {
            account: LedgerAccount::PlatformFees,
            amount: usd(1),
        }];
        assert_eq!(
            LedgerTransaction::new("x", None, postings),
            Err(DomainError::Unbalanced)
        );
    }

    #[test]
    fn account_codes_round_trip() {
        let id = AccountId::new();
        for account in [
            LedgerAccount::ProviderClearing("stripe".into()),
            LedgerAccount::PlatformFees,
            LedgerAccount::GatewayFees,
            LedgerAccount::TaxPayable("DE".parse().unwrap()),
            LedgerAccount::creator(id),
            LedgerAccount::Earnings(Payee::Affiliate, id),
        ] {
            assert_eq!(LedgerAccount::parse(&account.code()), Some(account));
        }
        assert_eq!(LedgerAccount::parse("liability:nobody:x"), None);
    }

    #[test]
    fn a_sale_pays_tax_then_fee_then_shares_and_the_creator_keeps_the_rest() {
        let (creator, affiliate, co) = (AccountId::new(), AccountId::new(), AccountId::new());
        let tax = TaxLine {
            country: "DE".parse().unwrap(),
            rate_bps: 1900,
            inclusive: true,
            amount: usd(319),
        };
        let shares = [
            Share {
                payee: Payee::Affiliate,
                account: affiliate,
                bps: 2000,
            },
            Share {
                payee: Payee::CoCreator,
                account: co,
                bps: 3000,
            },
        ];
        let tx = sale(terms(creator, usd(1999), Some(&tax), 1000, &shares)).unwrap();
        // net 16.80: fee 1.68, affiliate 3.36, co-creator 5.04, creator 6.72
        let owed = |a: LedgerAccount| sum_for(std::slice::from_ref(&tx), &a);
        assert_eq!(owed(LedgerAccount::TaxPayable("DE".parse().unwrap())), -319);
        assert_eq!(owed(LedgerAccount::PlatformFees), -168);
        assert_eq!(
            owed(LedgerAccount::Earnings(Payee::Affiliate, affiliate)),
            -336
        );
        assert_eq!(owed(LedgerAccount::Earnings(Payee::CoCreator, co)), -504);
        assert_eq!(owed(LedgerAccount::creator(creator)), -672);
    }

    #[test]
    fn shares_asking_for_more_than_the_whole_are_cut() {
        let creator = AccountId::new();
        let shares = [Share {
            payee: Payee::Partner,
            account: AccountId::new(),
            bps: 9500,
        }];
        let parts = split(usd(1000), 1000, creator, &shares);
        assert_eq!(parts.get(1).map(|p| p.1.amount_minor), Some(900));
        assert_eq!(parts.last().map(|p| p.1.amount_minor), Some(0));
    }

    #[test]
    fn a_refund_cannot_exceed_what_is_left() {
        let order = OrderId::new();
        let tx = sale(terms(AccountId::new(), usd(1000), None, 1000, &[])).unwrap();
        assert!(refund(order, tx.postings(), usd(0), usd(1000)).is_ok());
        for (before, amount) in [(0, 1001), (600, 500), (0, 0), (0, -5)] {
            assert_eq!(
                refund(order, tx.postings(), usd(before), usd(amount)),
                Err(DomainError::InvalidRefundAmount)
            );
        }
        let cny = Money::new(100, Currency::CNY);
        assert!(refund(order, tx.postings(), usd(0), cny).is_err());
    }

    #[test]
    fn a_gateway_fee_is_an_expense_against_the_provider() {
        let tx = gateway_fee(OrderId::new(), "sandbox", usd(43))
            .unwrap()
            .unwrap();
        assert_eq!(
            sum_for(std::slice::from_ref(&tx), &LedgerAccount::GatewayFees),
            43
        );
        assert_eq!(gateway_fee(OrderId::new(), "sandbox", usd(0)), Ok(None));
        assert!(gateway_fee(OrderId::new(), "sandbox", usd(-1)).is_err());
    }

    #[test]
    fn a_payout_settles_a_debt() {
        let id = AccountId::new();
        let affiliate = LedgerAccount::Earnings(Payee::Affiliate, id);
        let owed = [
            (LedgerAccount::creator(id), usd(5000)),
            (affiliate.clone(), usd(-200)),
        ];
        let tx = payout(&owed, "sandbox").unwrap();
        assert_eq!(
            sum_for(std::slice::from_ref(&tx), &LedgerAccount::creator(id)),
            5000
        );
        assert_eq!(sum_for(std::slice::from_ref(&tx), &affiliate), -200);
        let provider = LedgerAccount::ProviderClearing("sandbox".into());
        assert_eq!(sum_for(&[tx], &provider), -4800);
        assert!(payout(&[(LedgerAccount::creator(id), usd(0))], "sandbox").is_err());
        assert!(payout(&[], "sandbox").is_err());
    }

    fn arb_shares() -> impl Strategy<Value = Vec<(u8, u16)>> {
        proptest::collection::vec((0u8..3, 0u16..=10_000), 0..4)
    }

    fn build_shares(raw: &[(u8, u16)]) -> Vec<Share> {
        raw.iter()
            .map(|(kind, bps)| Share {
                payee: [Payee::Affiliate, Payee::Partner, Payee::CoCreator]
                    .get(usize::from(*kind))
                    .copied()
                    .unwrap_or(Payee::Partner),
                account: AccountId::new(),
                bps: *bps,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn a_split_never_creates_or_loses_a_minor_unit(
            net in 0i64..=MAX_PRICE_MINOR,
            fee in 0u16..=10_000,
            raw in arb_shares(),
        ) {
            let shares = build_shares(&raw);
            let parts = split(usd(net), fee, AccountId::new(), &shares);
            prop_assert_eq!(parts.iter().map(|p| p.1.amount_minor).sum::<i64>(), net);
            prop_assert!(parts.iter().all(|p| p.1.amount_minor >= 0));
            // Each share is at most its rate of the net.
            let (_, shared) = parts.split_last().unwrap();
            for (account, amount) in shared {
                let bps = match account {
                    LedgerAccount::PlatformFees => fee,
                    LedgerAccount::Earnings(_, id) => shares.iter().find(|s| s.account == *id).map_or(0, |s| s.bps),
                    _ => 0,
                };
                prop_assert!(i128::from(amount.amount_minor) * 10_000 <= i128::from(net) * i128::from(bps));
            }
        }

        #[test]
        fn refunds_that_add_up_to_the_sale_reverse_it_exactly(
            total in 1i64..=MAX_PRICE_MINOR,
            tax_bps in 0u16..=5_000,
            fee in 0u16..=10_000,
            raw in arb_shares(),
            cuts in proptest::collection::vec(1u32..=1000, 1..6),
        ) {
            let creator = AccountId::new();
            let shares = build_shares(&raw);
            let (_, tax) = crate::tax::apply(usd(total), tax_bps, true).unwrap();
            let line = TaxLine { country: "FR".parse().unwrap(), rate_bps: tax_bps, inclusive: true, amount: tax };
            let sale_tx = sale(terms(creator, usd(total), Some(&line), fee, &shares)).unwrap();
            let order = sale_tx.order_id.unwrap();
            // Split the total into parts proportional to `cuts`, the last taking the rest.
            let weight: i64 = cuts.iter().map(|c| i64::from(*c)).sum();
            let mut parts: Vec<i64> = cuts.iter().map(|c| total * i64::from(*c) / weight).collect();
            let given: i64 = parts.iter().sum();
            if let Some(last) = parts.last_mut() { *last += total - given; }
            let mut txs = vec![sale_tx.clone()];
            let mut before = 0;
            for part in parts.into_iter().filter(|p| *p > 0) {
                let tx = refund(order, sale_tx.postings(), usd(before), usd(part));
                prop_assert!(tx.is_ok());
                txs.push(tx.unwrap());
                before += part;
            }
            prop_assert_eq!(before, total);
            for posting in sale_tx.postings() {
                prop_assert_eq!(sum_for(&txs, &posting.account), 0);
            }
        }
    }
}
