//! Money: integer minor units of an ISO 4217 currency. Never floats.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::DomainError;

/// An ISO 4217 currency with its number of minor-unit digits (CNY 2, JPY 0, KWD 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: &'static str,
    exponent: u8,
}

/// The currencies Kenning can price in. Adding one is a line here and a symbol in
/// `locales/*/main.ftl`.
const CURRENCIES: &[(&str, u8)] = &[
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CNY", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("IDR", 2),
    ("INR", 2),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("PHP", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TWD", 2),
    ("USD", 2),
    ("VND", 0),
];

impl Currency {
    pub const CNY: Currency = Currency {
        code: "CNY",
        exponent: 2,
    };
    pub const USD: Currency = Currency {
        code: "USD",
        exponent: 2,
    };

    /// Looks a currency up by its ISO 4217 code (case-insensitive).
    pub fn from_code(code: &str) -> Result<Currency, DomainError> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|&(code, exponent)| Currency { code, exponent })
            .ok_or(DomainError::UnknownCurrency)
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Digits after the decimal separator.
    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES
            .iter()
            .map(|&(code, exponent)| Currency { code, exponent })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::from_code(&code).map_err(serde::de::Error::custom)
    }
}

/// The largest amount Kenning accepts for a price: 10^12 minor units keeps every sum of
/// many prices far inside i64.
pub const MAX_PRICE_MINOR: i64 = 1_000_000_000_000;

/// A percentage as typed ("12.5", "30"), up to two decimals and at most 100, in basis
/// points; `None` for anything else.
pub fn percent_to_bps(text: &str) -> Option<u16> {
    let text = text.trim().trim_end_matches('%').trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let frac: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u32>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    let bps = whole.checked_mul(100)?.checked_add(frac)?;
    u16::try_from(bps).ok().filter(|b| *b <= 10_000)
}

/// Basis points as a percentage without a sign ("12.5", "30", "0.01"), the inverse of
/// [`percent_to_bps`].
pub fn bps_to_percent(bps: u16) -> String {
    let (whole, hundredths) = (bps / 100, bps % 100);
    match hundredths {
        0 => whole.to_string(),
        h if h % 10 == 0 => format!("{whole}.{}", h / 10),
        h => format!("{whole}.{h:02}"),
    }
}

/// An amount of money in minor units (cents, fen …) of one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount_minor: i64, currency: Currency) -> Money {
        Money {
            amount_minor,
            currency,
        }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    /// A price as typed by a person or an API client: non-negative and bounded.
    pub fn price(amount_minor: i64, currency: Currency) -> Result<Money, DomainError> {
        if (0..=MAX_PRICE_MINOR).contains(&amount_minor) {
            Ok(Money::new(amount_minor, currency))
        } else {
            Err(DomainError::InvalidAmount)
        }
    }

    /// Parses a decimal amount in major units ("19.99", "99", "1,500") for this currency,
    /// refusing more fraction digits than the currency has.
    pub fn parse_major(text: &str, currency: Currency) -> Result<Money, DomainError> {
        let text = text.trim();
        // A comma only groups thousands (`1,000.50`); `5,00` or `1,5` (a decimal comma)
        // is refused rather than read as 500 or 15.
        let whole_part = text.split_once('.').map_or(text, |(w, _)| w);
        if whole_part.contains(',') {
            let mut groups = whole_part.split(',');
            let lead = groups.next().unwrap_or_default();
            if !(1..=3).contains(&lead.len()) || groups.any(|g| g.len() != 3) {
                return Err(DomainError::InvalidAmount);
            }
        }
        let cleaned: String = text.chars().filter(|c| *c != ',').collect();
        let (whole, frac) = match cleaned.split_once('.') {
            Some((w, f)) => (w, f),
            None => (cleaned.as_str(), ""),
        };
        let exp = usize::from(currency.exponent());
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits_ok(whole) || !digits_ok(frac) || frac.len() > exp {
            return Err(DomainError::InvalidAmount);
        }
        let whole: i64 = whole.parse().map_err(|_| DomainError::InvalidAmount)?;
        let mut frac_value: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| DomainError::InvalidAmount)?
        };
        for _ in frac.len()..exp {
            frac_value *= 10;
        }
        let scale = 10_i64.pow(u32::from(currency.exponent()));
        let minor = whole
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac_value))
            .ok_or(DomainError::InvalidAmount)?;
        Money::price(minor, currency)
    }

    pub fn is_zero(&self) -> bool {
        self.amount_minor == 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::CurrencyMismatch);
        }
        self.amount_minor
            .checked_add(other.amount_minor)
            .map(|a| Money::new(a, self.currency))
            .ok_or(DomainError::InvalidAmount)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::CurrencyMismatch);
        }
        self.amount_minor
            .checked_sub(other.amount_minor)
            .map(|a| Money::new(a, self.currency))
            .ok_or(DomainError::InvalidAmount)
    }

    pub fn negate(self) -> Money {
        Money::new(-self.amount_minor, self.currency)
    }

    /// Splits off a share given in basis points (1/100 of a percent).
    ///
    /// Rounding rule: the share is rounded down (towards zero) to a whole minor unit and
    /// the remainder keeps every leftover unit, so `share + rest == self` always and no
    /// minor unit is created or lost.
    pub fn split_bps(self, bps: u16) -> (Money, Money) {
        let bps = i128::from(bps.min(10_000));
        let share = i128::from(self.amount_minor) * bps / 10_000;
        // |share| <= |amount| so it always fits back into i64.
        let share = i64::try_from(share).unwrap_or(0);
        let rest = self.amount_minor - share;
        (
            Money::new(share, self.currency),
            Money::new(rest, self.currency),
        )
    }

    /// The amount in major units as plain digits ("1234.50"), without grouping or symbol.
    pub fn major_digits(&self) -> String {
        let exp = u32::from(self.currency.exponent());
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10_u64.pow(exp);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = usize::from(self.currency.exponent())
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.major_digits(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn currencies_know_their_minor_units() {
        assert_eq!(Currency::from_code("jpy").map(|c| c.exponent()), Ok(0));
        assert_eq!(Currency::from_code("KWD").map(|c| c.exponent()), Ok(3));
        assert_eq!(Currency::from_code("CNY"), Ok(Currency::CNY));
        assert_eq!(
            Currency::from_code("XYZ"),
            Err(DomainError::UnknownCurrency)
        );
    }

    #[test]
    fn major_amounts_parse_with_the_currency_precision() {
        assert_eq!(
            Money::parse_major("19.99", Currency::USD),
            Ok(Money::new(1999, Currency::USD))
        );
        assert_eq!(
            Money::parse_major("1,500", Currency::CNY),
            Ok(Money::new(150_000, Currency::CNY))
        );
        assert_eq!(
            Money::parse_major("12,345,678.50", Currency::USD),
            Ok(Money::new(1_234_567_850, Currency::USD))
        );
        // A decimal comma is refused, never read as a thousands separator.
        for text in ["5,00", "1,5", ",500", "1,0000", "1,,000"] {
            assert_eq!(
                Money::parse_major(text, Currency::USD),
                Err(DomainError::InvalidAmount),
                "{text}"
            );
        }
        assert_eq!(
            Money::parse_major("9.5", Currency::USD),
            Ok(Money::new(950, Currency::USD))
        );
        let jpy = Currency::from_code("JPY").unwrap_or(Currency::USD);
        assert_eq!(
            Money::parse_major("1.5", jpy),
            Err(DomainError::InvalidAmount)
        );
        assert_eq!(
            Money::parse_major("-3", Currency::USD),
            Err(DomainError::InvalidAmount)
        );
        assert_eq!(
            Money::parse_major("99999999999999999999", Currency::USD),
            Err(DomainError::InvalidAmount)
        );
    }

    #[test]
    fn amounts_print_in_major_units() {
        assert_eq!(Money::new(1999, Currency::USD).major_digits(), "19.99");
        assert_eq!(Money::new(5, Currency::CNY).major_digits(), "0.05");
        let kwd = Currency::from_code("KWD").unwrap_or(Currency::USD);
        assert_eq!(Money::new(1234, kwd).major_digits(), "1.234");
    }

    #[test]
    fn percentages_become_basis_points() {
        assert_eq!(percent_to_bps("12.5"), Some(1250));
        assert_eq!(percent_to_bps("30 %"), Some(3000));
        assert_eq!(percent_to_bps("0.01"), Some(1));
        assert_eq!(percent_to_bps("100"), Some(10_000));
        for bad in ["-1", "1.234", "100.01", "", "abc", "1e3"] {
            assert_eq!(percent_to_bps(bad), None, "{bad}");
        }
        for bps in [0, 1, 10, 1250, 1900, 2050, 2550, 10_000] {
            assert_eq!(percent_to_bps(&bps_to_percent(bps)), Some(bps));
        }
        assert_eq!(bps_to_percent(1250), "12.5");
        assert_eq!(bps_to_percent(5), "0.05");
    }

    #[test]
    fn adding_different_currencies_is_refused() {
        assert_eq!(
            Money::new(1, Currency::USD).checked_add(Money::new(1, Currency::CNY)),
            Err(DomainError::CurrencyMismatch)
        );
    }

    proptest! {
        #[test]
        fn a_split_never_creates_or_loses_a_minor_unit(amount in -MAX_PRICE_MINOR..=MAX_PRICE_MINOR, bps in 0u16..=10_000) {
            let m = Money::new(amount, Currency::CNY);
            let (share, rest) = m.split_bps(bps);
            prop_assert_eq!(share.amount_minor + rest.amount_minor, amount);
            prop_assert!(share.amount_minor.abs() <= amount.abs());
        }

        #[test]
        fn typed_amounts_become_bounded_prices_that_print_back(
            text in prop_oneof![
                "[ 0-9,.+-]{0,24}",
                "[0-9]{1,20}(\\.[0-9]{0,4})?",
                "\\PC{0,24}",
            ],
        ) {
            for currency in Currency::all() {
                if let Ok(m) = Money::parse_major(&text, currency) {
                    prop_assert!((0..=MAX_PRICE_MINOR).contains(&m.amount_minor), "{text:?}");
                    prop_assert_eq!(Money::parse_major(&m.major_digits(), currency), Ok(m));
                }
            }
            if let Ok(currency) = Currency::from_code(&text) {
                prop_assert_eq!(Currency::from_code(currency.code()), Ok(currency));
            }
        }

        #[test]
        fn typed_percentages_are_at_most_100_and_print_back(
            text in prop_oneof!["[ 0-9.%-]{0,12}", "\\PC{0,12}"],
        ) {
            if let Some(bps) = percent_to_bps(&text) {
                prop_assert!(bps <= 10_000, "{text:?}");
                prop_assert_eq!(percent_to_bps(&bps_to_percent(bps)), Some(bps));
            }
        }

        #[test]
        fn parse_and_print_round_trip(amount in 0..=MAX_PRICE_MINOR) {
            let m = Money::new(amount, Currency::USD);
            prop_assert_eq!(Money::parse_major(&m.major_digits(), Currency::USD), Ok(m));
        }
    }
}
