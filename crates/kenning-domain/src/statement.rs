//! Statements: what the platform owed someone over a month, in one currency, derived from
//! the postings on their earnings accounts.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::DomainError;
use crate::ids::OrderId;
use crate::ledger::Payee;
use crate::money::{Currency, Money};

/// A calendar month in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    month: time::Month,
}

impl Period {
    /// The month holding a moment.
    pub fn containing(at_ms: i64) -> Period {
        let at = time::OffsetDateTime::from_unix_timestamp(at_ms.div_euclid(1000))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        Period {
            year: at.year(),
            month: at.month(),
        }
    }

    fn start_of(year: i32, month: time::Month) -> i64 {
        time::Date::from_calendar_date(year, month, 1)
            .map(|d| d.midnight().assume_utc().unix_timestamp() * 1000)
            .unwrap_or(0)
    }

    /// The first millisecond of the month.
    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn start_ms(&self) -> i64 {
        Period::start_of(self.year, self.month)
    }

    /// The first millisecond after the month.
    pub fn end_ms(&self) -> i64 {
        self.next().start_ms()
    }

    pub fn next(&self) -> Period {
        let month = self.month.next();
        let year = if month == time::Month::January {
            self.year.saturating_add(1)
        } else {
            self.year
        };
        Period { year, month }
    }

    pub fn previous(&self) -> Period {
        let month = self.month.previous();
        let year = if month == time::Month::December {
            self.year.saturating_sub(1)
        } else {
            self.year
        };
        Period { year, month }
    }
}

impl FromStr for Period {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Period, DomainError> {
        let (year, month) = s.trim().split_once('-').ok_or(DomainError::InvalidPeriod)?;
        let year: i32 = year.parse().map_err(|_| DomainError::InvalidPeriod)?;
        let month: u8 = month.parse().map_err(|_| DomainError::InvalidPeriod)?;
        let month = time::Month::try_from(month).map_err(|_| DomainError::InvalidPeriod)?;
        if !(2000..=9999).contains(&year) {
            return Err(DomainError::InvalidPeriod);
        }
        Ok(Period { year, month })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, u8::from(self.month))
    }
}

/// One movement on someone's earnings: positive is owed to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    pub at_ms: i64,
    /// `sale`, `refund` or `payout`.
    pub kind: String,
    pub order_id: Option<OrderId>,
    pub payee: Payee,
    pub amount: Money,
}

/// A month of one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub currency: Currency,
    /// Owed at the start of the month.
    pub opening: Money,
    /// Earned from sales.
    pub earned: Money,
    /// Taken back by refunds (zero or negative).
    pub refunded: Money,
    /// Paid out (zero or negative).
    pub paid_out: Money,
    /// Owed at the end of the month.
    pub closing: Money,
    pub lines: Vec<StatementLine>,
}

/// Where the money of one sale went, as a statement shows it beside a person's share:
/// all amounts positive, in the sale's currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SaleBreakdown {
    /// What the buyer paid.
    pub paid: Money,
    /// Tax collected for their country.
    pub tax: Money,
    /// What the payment provider charged.
    pub payment_fee: Money,
    /// The platform's fee.
    pub platform_fee: Money,
    /// Shares of co-creators, partners and affiliates other than this person.
    pub others: Money,
    /// This person's share.
    pub yours: Money,
}

impl SaleBreakdown {
    /// The breakdown of a sale booked as `postings` (its sale and gateway-fee
    /// transactions), for the person `me`.
    pub fn of(
        postings: &[crate::ledger::Posting],
        me: crate::ids::AccountId,
    ) -> Option<SaleBreakdown> {
        use crate::ledger::LedgerAccount as A;
        let currency = postings.first()?.amount.currency;
        let (mut paid, mut tax, mut payment, mut platform, mut others, mut yours) =
            (0i64, 0i64, 0i64, 0i64, 0i64, 0i64);
        for p in postings {
            let amount = p.amount.amount_minor;
            // Debits (what came in, what the provider kept) count as they are; credits
            // (what is owed on) count negated. The provider's fee is taken from what it
            // holds (a credit on clearing), so the buyer paid clearing and fee together.
            match &p.account {
                A::ProviderClearing(_) => paid += amount,
                A::GatewayFees => {
                    payment += amount;
                    paid += amount;
                }
                A::TaxPayable(_) => tax -= amount,
                A::PlatformFees => platform -= amount,
                A::Earnings(_, who) if *who == me => yours -= amount,
                A::Earnings(..) => others -= amount,
            }
        }
        let m = |minor: i64| Money::new(minor, currency);
        Some(SaleBreakdown {
            paid: m(paid),
            tax: m(tax),
            payment_fee: m(payment),
            platform_fee: m(platform),
            others: m(others),
            yours: m(yours),
        })
    }
}

impl Statement {
    /// Builds the statement from what was owed before the month and the month's lines
    /// (all in `currency`).
    pub fn build(currency: Currency, opening_minor: i64, lines: Vec<StatementLine>) -> Statement {
        let sum = |kind: &str| -> i64 {
            lines
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| l.amount.amount_minor)
                .sum()
        };
        let (earned, refunded, paid_out) = (sum("sale"), sum("refund"), sum("payout"));
        let closing = opening_minor + lines.iter().map(|l| l.amount.amount_minor).sum::<i64>();
        Statement {
            currency,
            opening: Money::new(opening_minor, currency),
            earned: Money::new(earned, currency),
            refunded: Money::new(refunded, currency),
            paid_out: Money::new(paid_out, currency),
            closing: Money::new(closing, currency),
            lines,
        }
    }
}

/// The transaction kind of a stored kind (`refund:<id>` → `refund`).
pub fn base_kind(stored: &str) -> &str {
    stored.split(':').next().unwrap_or(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sale_breaks_down_into_where_its_money_went() {
        use crate::ids::AccountId;
        use crate::ledger::{LedgerAccount as A, Posting};
        let usd = Currency::USD;
        let (me, partner) = (AccountId::new(), AccountId::new());
        let posting = |account, minor| Posting {
            account,
            amount: Money::new(minor, usd),
        };
        let sale = [
            posting(A::ProviderClearing("sandbox".into()), 3_569),
            posting(A::TaxPayable("DE".parse().unwrap()), -570),
            posting(A::PlatformFees, -300),
            posting(A::Earnings(Payee::Partner, partner), -540),
            posting(A::Earnings(Payee::Creator, me), -2_159),
            posting(A::GatewayFees, 134),
            posting(A::ProviderClearing("sandbox".into()), -134),
        ];
        let b = SaleBreakdown::of(&sale, me).unwrap();
        assert_eq!(b.paid, Money::new(3_569, usd));
        assert_eq!(b.tax, Money::new(570, usd));
        assert_eq!(b.platform_fee, Money::new(300, usd));
        assert_eq!(b.others, Money::new(540, usd));
        assert_eq!(b.yours, Money::new(2_159, usd));
        assert_eq!(b.payment_fee, Money::new(134, usd));
        assert!(SaleBreakdown::of(&[], me).is_none());
    }

    #[test]
    fn months_parse_print_and_bound() {
        let p: Period = "2026-11".parse().unwrap();
        assert_eq!(p.to_string(), "2026-11");
        assert_eq!(p.start_ms(), 1_793_491_200_000);
        assert_eq!(p.end_ms(), "2026-12".parse::<Period>().unwrap().start_ms());
        assert_eq!(
            "2026-12".parse::<Period>().unwrap().next().to_string(),
            "2027-01"
        );
        assert_eq!(
            "2027-01".parse::<Period>().unwrap().previous().to_string(),
            "2026-12"
        );
        assert_eq!(Period::containing(p.start_ms() + 5), p);
        for bad in ["2026-13", "2026", "26-01", "abcd-ef", "2026-00"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_statement_adds_up() {
        let usd = |n| Money::new(n, Currency::USD);
        let line = |kind: &str, n| StatementLine {
            at_ms: 0,
            kind: kind.into(),
            order_id: None,
            payee: Payee::Creator,
            amount: usd(n),
        };
        let s = Statement::build(
            Currency::USD,
            1000,
            vec![
                line("sale", 900),
                line("sale", 450),
                line("refund", -450),
                line("payout", -1900),
            ],
        );
        assert_eq!(s.earned, usd(1350));
        assert_eq!(s.refunded, usd(-450));
        assert_eq!(s.paid_out, usd(-1900));
        assert_eq!(s.closing, usd(0));
        assert_eq!(base_kind("refund:abc"), "refund");
    }
}
