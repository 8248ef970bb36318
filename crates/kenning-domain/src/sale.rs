//! Time-limited sale prices (限时折扣): a share off every price of a product until a
//! moment, shown with a countdown.

use crate::DomainError;
use crate::money::Money;

/// A sale on one product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sale {
    /// 1 % to 90 % off, in basis points.
    pub bps: u16,
    pub ends_at_ms: i64,
}

impl Sale {
    /// Checks what a creator set: a sensible share, and an end still to come within a
    /// year (a sale with no end in sight is a new price).
    pub fn validate(self, now_ms: i64) -> Result<Sale, DomainError> {
        const YEAR_MS: i64 = 366 * 24 * 60 * 60 * 1000;
        let ends_ok = self.ends_at_ms > now_ms && self.ends_at_ms <= now_ms.saturating_add(YEAR_MS);
        if (100..=9_000).contains(&self.bps) && ends_ok {
            Ok(self)
        } else {
            Err(DomainError::InvalidSale)
        }
    }

    pub fn is_on(&self, now_ms: i64) -> bool {
        now_ms < self.ends_at_ms
    }

    /// The sale price: the share off rounded down (the buyer never pays less than the
    /// exact share allows), at least one minor unit.
    pub fn apply(&self, price: Money) -> Money {
        let off = price.split_bps(self.bps).0;
        Money::new(
            (price.amount_minor - off.amount_minor).max(1.min(price.amount_minor)),
            price.currency,
        )
    }
}

/// The price to charge now: the sale price while a sale runs, else the list price.
pub fn price_now(price: Money, sale: Option<Sale>, now_ms: i64) -> Money {
    match sale {
        Some(s) if s.is_on(now_ms) => s.apply(price),
        _ => price,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn a_sale_takes_its_share_until_it_ends() {
        let sale = Sale {
            bps: 3_000,
            ends_at_ms: 1_000,
        }
        .validate(0)
        .unwrap();
        let price = Money::new(1_999, Currency::USD);
        assert_eq!(
            price_now(price, Some(sale), 999),
            Money::new(1_400, Currency::USD)
        );
        assert_eq!(price_now(price, Some(sale), 1_000), price);
        assert_eq!(price_now(price, None, 0), price);
        assert_eq!(
            Sale {
                bps: 9_000,
                ends_at_ms: 1
            }
            .apply(Money::new(1, Currency::CNY)),
            Money::new(1, Currency::CNY)
        );
    }

    #[test]
    fn sales_are_checked() {
        assert!(
            Sale {
                bps: 50,
                ends_at_ms: 10
            }
            .validate(0)
            .is_err()
        );
        assert!(
            Sale {
                bps: 9_500,
                ends_at_ms: 10
            }
            .validate(0)
            .is_err()
        );
        assert!(
            Sale {
                bps: 1_000,
                ends_at_ms: 10
            }
            .validate(10)
            .is_err()
        );
    }
}
