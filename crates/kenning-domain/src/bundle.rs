//! Bundles (组合套餐): several products at one price. Someone who already owns part of
//! a bundle pays only for the rest: the bundle price in proportion to the list prices of
//! the items they do not own yet (by count, when an item has no price in that currency).

use crate::DomainError;
use crate::money::Money;

/// One item of a bundle as the buyer stands: its list price in the bundle's currency
/// (if it has one) and whether they own it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundleItem {
    pub price: Option<Money>,
    pub owned: bool,
}

/// What this buyer pays for the bundle. Rounded down (in the buyer's favour), never
/// below one minor unit; refused when they own every item.
pub fn bundle_price(price: Money, items: &[BundleItem]) -> Result<Money, DomainError> {
    if items.is_empty() {
        return Err(DomainError::InvalidBundle);
    }
    if items.iter().all(|i| i.owned) {
        return Err(DomainError::BundleAlreadyOwned);
    }
    if !items.iter().any(|i| i.owned) {
        return Ok(price);
    }
    let priced = items
        .iter()
        .all(|i| i.price.is_some_and(|p| p.currency == price.currency));
    let weight = |i: &BundleItem| -> i128 {
        if priced {
            i128::from(i.price.map_or(0, |p| p.amount_minor.max(0)))
        } else {
            1
        }
    };
    let total: i128 = items.iter().map(weight).sum();
    let unowned: i128 = items.iter().filter(|i| !i.owned).map(weight).sum();
    if total <= 0 {
        // Every item free: count them instead.
        let n = i128::try_from(items.len()).unwrap_or(1);
        let left = i128::try_from(items.iter().filter(|i| !i.owned).count()).unwrap_or(0);
        let share = i128::from(price.amount_minor) * left / n;
        return Ok(Money::new(
            i64::try_from(share).unwrap_or(0).max(1),
            price.currency,
        ));
    }
    let share = i128::from(price.amount_minor) * unowned / total;
    Ok(Money::new(
        i64::try_from(share).unwrap_or(0).max(1),
        price.currency,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use proptest::prelude::*;

    fn usd(n: i64) -> Option<Money> {
        Some(Money::new(n, Currency::USD))
    }

    #[test]
    fn owning_part_of_a_bundle_lowers_its_price_in_proportion() {
        let price = Money::new(3_000, Currency::USD);
        let items = [
            BundleItem {
                price: usd(2_000),
                owned: false,
            },
            BundleItem {
                price: usd(1_000),
                owned: false,
            },
        ];
        assert_eq!(bundle_price(price, &items), Ok(price));
        let part = [
            BundleItem {
                price: usd(2_000),
                owned: true,
            },
            BundleItem {
                price: usd(1_000),
                owned: false,
            },
        ];
        assert_eq!(
            bundle_price(price, &part),
            Ok(Money::new(1_000, Currency::USD))
        );
        let all = [
            BundleItem {
                price: usd(2_000),
                owned: true,
            },
            BundleItem {
                price: usd(1_000),
                owned: true,
            },
        ];
        assert_eq!(
            bundle_price(price, &all),
            Err(DomainError::BundleAlreadyOwned)
        );
        // Without prices in the currency, items count alike.
        let unpriced = [
            BundleItem {
                price: None,
                owned: true,
            },
            BundleItem {
                price: usd(1_000),
                owned: false,
            },
        ];
        assert_eq!(
            bundle_price(price, &unpriced),
            Ok(Money::new(1_500, Currency::USD))
        );
        assert_eq!(bundle_price(price, &[]), Err(DomainError::InvalidBundle));
    }

    proptest! {
        #[test]
        fn a_partial_owner_never_pays_more_than_the_bundle_nor_nothing(
            price in 1i64..=crate::money::MAX_PRICE_MINOR,
            items in proptest::collection::vec((0i64..=1_000_000, any::<bool>()), 1..8),
        ) {
            let items: Vec<BundleItem> = items
                .into_iter()
                .map(|(p, owned)| BundleItem { price: usd(p), owned })
                .collect();
            let bundle = Money::new(price, Currency::USD);
            match bundle_price(bundle, &items) {
                Ok(pay) => prop_assert!(pay.amount_minor >= 1 && pay.amount_minor <= price),
                Err(e) => prop_assert_eq!(e, DomainError::BundleAlreadyOwned),
            }
        }
    }
}
