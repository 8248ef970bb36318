//! Coupons: a code a creator hands out that takes a percentage or a fixed amount off one
//! product or all of theirs, until it expires or runs out of uses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::catalog::Product;
use crate::ids::{AccountId, ProductId};
use crate::money::{MAX_PRICE_MINOR, Money};

/// The most uses a coupon may allow (more is "no limit").
pub const MAX_USES: i64 = 1_000_000;

/// What a coupon takes off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Discount {
    /// A share of the price in basis points (1 % to 99 %), rounded down: the buyer is
    /// never charged less than the exact share allows.
    Percent { bps: u16 },
    /// A fixed amount in one currency; a price in another currency does not qualify.
    Fixed { amount: Money },
}

/// The code buyers type: 3 to 32 letters, digits, `-` or `_`, compared in upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CouponCode(String);

impl CouponCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CouponCode {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_ascii_uppercase();
        let ok = (3..=32).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(CouponCode(code))
        } else {
            Err(DomainError::InvalidCoupon)
        }
    }
}

impl fmt::Display for CouponCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A coupon as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coupon {
    pub code: CouponCode,
    pub creator_id: AccountId,
    /// One product, or (None) every product of the creator.
    pub product_id: Option<ProductId>,
    pub discount: Discount,
    pub max_uses: Option<i64>,
    pub uses: i64,
    pub expires_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

impl Coupon {
    /// Checks what a creator set.
    pub fn validate(self) -> Result<Coupon, DomainError> {
        let discount_ok = match self.discount {
            Discount::Percent { bps } => (100..=9_900).contains(&bps),
            Discount::Fixed { amount } => (1..=MAX_PRICE_MINOR).contains(&amount.amount_minor),
        };
        let uses_ok = self.max_uses.is_none_or(|m| (1..=MAX_USES).contains(&m));
        if discount_ok && uses_ok && self.expires_at_ms.is_none_or(|e| e >= 0) {
            Ok(self)
        } else {
            Err(DomainError::InvalidCoupon)
        }
    }

    /// The coupon with new limits: at least as many uses as it had (and at least one).
    pub fn with_limits(
        self,
        max_uses: Option<i64>,
        expires_at_ms: Option<i64>,
    ) -> Result<Coupon, DomainError> {
        if max_uses.is_some_and(|m| m < self.uses) {
            return Err(DomainError::CouponLimitBelowUses { uses: self.uses });
        }
        Coupon {
            max_uses,
            expires_at_ms,
            ..self
        }
        .validate()
    }

    /// The amount taken off `price` for `product` at `now_ms`, or why the coupon does not
    /// apply. A discount always leaves at least one minor unit to pay.
    pub fn discount_for(
        &self,
        product: &Product,
        price: Money,
        now_ms: i64,
    ) -> Result<Money, DomainError> {
        if self.expires_at_ms.is_some_and(|e| e <= now_ms) {
            return Err(DomainError::CouponExpired);
        }
        if self.max_uses.is_some_and(|m| self.uses >= m) {
            return Err(DomainError::CouponExhausted);
        }
        let scope_ok = match self.product_id {
            Some(id) => id == product.id,
            None => self.creator_id == product.creator_id,
        };
        if !scope_ok || price.amount_minor < 2 {
            return Err(DomainError::CouponNotApplicable);
        }
        let off = match self.discount {
            Discount::Percent { bps } => price.split_bps(bps).0,
            Discount::Fixed { amount } if amount.currency == price.currency => amount,
            Discount::Fixed { .. } => return Err(DomainError::CouponNotApplicable),
        };
        let most = price.amount_minor - 1;
        Ok(Money::new(off.amount_minor.clamp(0, most), price.currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{PriceList, ProductKind, ProductStatus};
    use crate::locale::{Locale, LocalizedText};
    use crate::money::Currency;
    use crate::review::RatingSummary;
    use proptest::prelude::*;

    fn product(creator: AccountId) -> Product {
        Product {
            id: ProductId::new(),
            creator_id: creator,
            creator_name: "c".into(),
            kind: ProductKind::Course,
            status: ProductStatus::Published,
            title: LocalizedText::from_pairs([(Locale::En, "T")]),
            description: LocalizedText::new(),
            prices: PriceList::default(),
            tags: vec![],
            cover_key: None,
            created_at_ms: 0,
            published_at_ms: Some(0),
            rating: RatingSummary::default(),
        }
    }

    fn coupon(creator: AccountId, discount: Discount) -> Coupon {
        Coupon {
            code: "SPRING-25".parse().unwrap(),
            creator_id: creator,
            product_id: None,
            discount,
            max_uses: Some(2),
            uses: 0,
            expires_at_ms: Some(1_000),
            created_at_ms: 0,
        }
    }

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(
            "  spring-25 ".parse::<CouponCode>().unwrap().as_str(),
            "SPRING-25"
        );
        assert!("ab".parse::<CouponCode>().is_err());
        assert!("no spaces".parse::<CouponCode>().is_err());
    }

    #[test]
    fn a_coupon_takes_its_share_within_scope_time_and_uses() {
        let creator = AccountId::new();
        let p = product(creator);
        let c = coupon(creator, Discount::Percent { bps: 2_500 });
        let price = Money::new(1_999, Currency::USD);
        assert_eq!(
            c.discount_for(&p, price, 0),
            Ok(Money::new(499, Currency::USD))
        );
        assert_eq!(
            c.discount_for(&p, price, 1_000),
            Err(DomainError::CouponExpired)
        );
        let used = Coupon {
            uses: 2,
            ..c.clone()
        };
        assert_eq!(
            used.discount_for(&p, price, 0),
            Err(DomainError::CouponExhausted)
        );
        let other = product(AccountId::new());
        assert_eq!(
            c.discount_for(&other, price, 0),
            Err(DomainError::CouponNotApplicable)
        );
        let fixed = coupon(
            creator,
            Discount::Fixed {
                amount: Money::new(5_000, Currency::CNY),
            },
        );
        assert_eq!(
            fixed.discount_for(&p, price, 0),
            Err(DomainError::CouponNotApplicable)
        );
        let cny = Money::new(1_000, Currency::CNY);
        assert_eq!(
            fixed.discount_for(&p, cny, 0),
            Ok(Money::new(999, Currency::CNY))
        );
    }

    #[test]
    fn settings_are_checked() {
        let creator = AccountId::new();
        assert!(
            coupon(creator, Discount::Percent { bps: 10_000 })
                .validate()
                .is_err()
        );
        assert!(
            coupon(creator, Discount::Percent { bps: 50 })
                .validate()
                .is_err()
        );
        let none_left = Coupon {
            max_uses: Some(0),
            ..coupon(creator, Discount::Percent { bps: 1_000 })
        };
        assert!(none_left.validate().is_err());
        let negative = coupon(
            creator,
            Discount::Fixed {
                amount: Money::new(-5, Currency::USD),
            },
        );
        assert!(negative.validate().is_err());
    }

    proptest! {
        #[test]
        fn typed_codes_are_kept_only_in_their_alphabet(text in prop_oneof!["[ a-zA-Z0-9_-]{0,40}", "\\PC{0,40}"]) {
            if let Ok(code) = text.parse::<CouponCode>() {
                prop_assert!((3..=32).contains(&code.as_str().len()), "{text:?}");
                prop_assert!(code.as_str().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_'));
                prop_assert_eq!(code.as_str().parse::<CouponCode>(), Ok(code.clone()));
            }
        }

        #[test]
        fn a_discount_never_exceeds_the_price_nor_goes_negative(
            amount in 2i64..=MAX_PRICE_MINOR,
            bps in 100u16..=9_900,
            fixed in 1i64..=MAX_PRICE_MINOR,
        ) {
            let creator = AccountId::new();
            let p = product(creator);
            let price = Money::new(amount, Currency::CNY);
            for discount in [Discount::Percent { bps }, Discount::Fixed { amount: Money::new(fixed, Currency::CNY) }] {
                let off = coupon(creator, discount).discount_for(&p, price, 0).unwrap();
                prop_assert!(off.amount_minor >= 0);
                prop_assert!(price.amount_minor - off.amount_minor >= 1);
            }
        }
    }
}
