//! Tax on digital goods, charged by the buyer's country.
//!
//! Rates are kept in basis points and maintained by the operator (a table seeded with
//! the common ones). Whether a currency's prices include tax is an operator setting too:
//! European and Asian shoppers expect a price that already holds VAT/GST, North American
//! ones a price with tax added at checkout.
//!
//! Rounding rule: the tax line is rounded half up to a whole minor unit, then the other
//! side is whatever is left, so `net + tax == total` always.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::money::Money;

/// The highest tax rate an operator may enter (50 %).
pub const MAX_TAX_BPS: u16 = 5_000;

/// An ISO 3166-1 alpha-2 country code, upper case ("CN", "DE").
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country(String);

impl Country {
    /// A code written in this crate (always two upper-case letters).
    pub(crate) fn known(code: &'static str) -> Country {
        Country(code.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The country a locale tag names ("en-GB" → GB, "zh-CN" → CN), if any.
    pub fn from_locale_tag(tag: &str) -> Option<Country> {
        tag.split(['-', '_'])
            .skip(1)
            .find(|part| part.len() == 2)
            .and_then(|part| part.parse().ok())
    }
}

impl FromStr for Country {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Country, DomainError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Country(code))
        } else {
            Err(DomainError::UnknownCountry)
        }
    }
}

impl TryFrom<String> for Country {
    type Error = DomainError;

    fn try_from(raw: String) -> Result<Country, DomainError> {
        raw.parse()
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The rate of one country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    pub country: Country,
    pub rate_bps: u16,
}

impl TaxRate {
    pub fn new(country: Country, rate_bps: i64) -> Result<TaxRate, DomainError> {
        match u16::try_from(rate_bps) {
            Ok(rate_bps) if rate_bps <= MAX_TAX_BPS => Ok(TaxRate { country, rate_bps }),
            _ => Err(DomainError::InvalidTaxRate),
        }
    }
}

/// The tax of one order: where, at what rate, how it was shown, and how much.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    pub country: Country,
    pub rate_bps: u16,
    /// True when the price shown already held the tax.
    pub inclusive: bool,
    pub amount: Money,
}

/// What a buyer pays for a price at a rate: the total charged and the tax within it.
///
/// With `inclusive` the price is the total and the tax is taken out of it
/// (`tax = price × r / (1 + r)`); otherwise the tax is added (`tax = price × r`).
pub fn apply(price: Money, rate_bps: u16, inclusive: bool) -> Result<(Money, Money), DomainError> {
    if price.amount_minor < 0 || rate_bps > MAX_TAX_BPS {
        return Err(DomainError::InvalidAmount);
    }
    let amount = i128::from(price.amount_minor);
    let rate = i128::from(rate_bps);
    let (numerator, denominator) = if inclusive {
        (amount * rate, 10_000 + rate)
    } else {
        (amount * rate, 10_000)
    };
    // Half up: add half the divisor before dividing (all terms are non-negative).
    let tax = (2 * numerator + denominator) / (2 * denominator);
    let tax = i64::try_from(tax).map_err(|_| DomainError::InvalidAmount)?;
    let tax = Money::new(tax, price.currency);
    let total = if inclusive {
        price
    } else {
        price.checked_add(tax)?
    };
    Ok((total, tax))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, MAX_PRICE_MINOR};
    use proptest::prelude::*;

    fn eur() -> Currency {
        Currency::from_code("EUR").unwrap()
    }

    #[test]
    fn vat_comes_out_of_an_inclusive_price() {
        // €19.99 with 19 % German VAT holds €3.19 of tax.
        let (total, tax) = apply(Money::new(1999, eur()), 1900, true).unwrap();
        assert_eq!(total.amount_minor, 1999);
        assert_eq!(tax.amount_minor, 319);
    }

    #[test]
    fn sales_tax_is_added_to_an_exclusive_price() {
        let (total, tax) = apply(Money::new(1999, Currency::USD), 1000, false).unwrap();
        assert_eq!(tax.amount_minor, 200);
        assert_eq!(total.amount_minor, 2199);
        let (total, tax) = apply(Money::new(1999, Currency::USD), 0, false).unwrap();
        assert_eq!((total.amount_minor, tax.amount_minor), (1999, 0));
    }

    #[test]
    fn yen_tax_is_whole_yen() {
        let jpy = Currency::from_code("JPY").unwrap();
        let (total, tax) = apply(Money::new(1_980, jpy), 1000, true).unwrap();
        assert_eq!((total.amount_minor, tax.amount_minor), (1_980, 180));
    }

    #[test]
    fn countries_are_two_letters() {
        assert_eq!("gb".parse::<Country>().unwrap().as_str(), "GB");
        assert!("GBR".parse::<Country>().is_err());
        assert!("1A".parse::<Country>().is_err());
        assert_eq!(
            Country::from_locale_tag("zh-CN").map(|c| c.to_string()),
            Some("CN".into())
        );
        assert_eq!(Country::from_locale_tag("en"), None);
        assert!(TaxRate::new("DE".parse().unwrap(), 5_001).is_err());
        assert!(TaxRate::new("DE".parse().unwrap(), -1).is_err());
    }

    proptest! {
        #[test]
        fn the_tax_is_within_half_a_minor_unit_of_exact(
            amount in 0..=MAX_PRICE_MINOR,
            rate in 0u16..=MAX_TAX_BPS,
            inclusive in any::<bool>(),
        ) {
            let price = Money::new(amount, Currency::USD);
            let (total, tax) = apply(price, rate, inclusive).unwrap();
            let net = total.amount_minor - tax.amount_minor;
            prop_assert!(tax.amount_minor >= 0 && net >= 0);
            // 2·|tax − exact| ≤ 1 minor unit, computed exactly in integers.
            let (num, den) = if inclusive {
                (i128::from(amount) * i128::from(rate), 10_000 + i128::from(rate))
            } else {
                (i128::from(amount) * i128::from(rate), 10_000)
            };
            prop_assert!((2 * (i128::from(tax.amount_minor) * den - num)).abs() <= den);
            if inclusive {
                prop_assert_eq!(total, price);
            } else {
                prop_assert_eq!(net, amount);
            }
        }
    }
}
