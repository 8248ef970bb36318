//! Prices derived from an operator-maintained rate table.
//!
//! A product may carry explicit prices per currency; in any other currency of the rate
//! table it is offered at its first price converted and then rounded the way that
//! currency's shoppers expect (`.99`, whole yuan, tens of yen). Rates are kept as
//! integers: units of the currency per one unit of the base currency, times 10^8.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::catalog::PriceList;
use crate::money::{Currency, MAX_PRICE_MINOR, Money};
use crate::order::Conversion;

/// The scale of a stored rate: 1.0 is 100 000 000.
pub const RATE_SCALE: i64 = 100_000_000;

/// How a converted price is rounded. Every rule rounds up, so a converted price is never
/// below the exact conversion (a seller's price is not cut by the exchange).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Up to the next minor unit.
    Exact,
    /// Up to a whole major unit (¥72.00).
    Whole,
    /// Up to the next price ending in .99 ($71.99); in a currency without minor units,
    /// up to the next price ending in 9 (₩12,349).
    NinetyNine,
    /// Up to a multiple of ten major units (¥1,240).
    Tens,
}

impl Rounding {
    pub fn as_str(&self) -> &'static str {
        match self {
            Rounding::Exact => "exact",
            Rounding::Whole => "whole",
            Rounding::NinetyNine => "ninety_nine",
            Rounding::Tens => "tens",
        }
    }
}

impl FromStr for Rounding {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Rounding, DomainError> {
        match s {
            "exact" => Ok(Rounding::Exact),
            "whole" => Ok(Rounding::Whole),
            "ninety_nine" => Ok(Rounding::NinetyNine),
            "tens" => Ok(Rounding::Tens),
            _ => Err(DomainError::InvalidExchangeRate),
        }
    }
}

/// One row of the rate table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRate {
    pub currency: Currency,
    /// Units of `currency` per unit of the base currency, times [`RATE_SCALE`].
    pub per_base_e8: i64,
    pub rounding: Rounding,
    /// Whether prices in this currency are shown with tax included.
    pub tax_inclusive: bool,
}

impl ExchangeRate {
    pub fn validate(self) -> Result<ExchangeRate, DomainError> {
        // Between 1e-6 and 1e8 units per base unit covers every real currency pair.
        if (100..=RATE_SCALE.saturating_mul(100_000_000)).contains(&self.per_base_e8) {
            Ok(self)
        } else {
            Err(DomainError::InvalidExchangeRate)
        }
    }
}

/// A rate as a decimal number ("7.1234"), up to eight fraction digits.
pub fn parse_rate(text: &str) -> Result<i64, DomainError> {
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || frac.len() > 8 {
        return Err(DomainError::InvalidExchangeRate);
    }
    let whole: i64 = whole
        .parse()
        .map_err(|_| DomainError::InvalidExchangeRate)?;
    let mut fraction: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| DomainError::InvalidExchangeRate)?
    };
    for _ in frac.len()..8 {
        fraction *= 10;
    }
    whole
        .checked_mul(RATE_SCALE)
        .and_then(|w| w.checked_add(fraction))
        .ok_or(DomainError::InvalidExchangeRate)
}

/// A scaled rate printed as a decimal ("7.1234").
pub struct RateDisplay(pub i64);

impl fmt::Display for RateDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / RATE_SCALE;
        let frac = format!("{:08}", self.0 % RATE_SCALE);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{frac}")
        }
    }
}

/// A price converted with the table: the amount and the rate used (units of the target
/// per unit of the source, times [`RATE_SCALE`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Converted {
    pub price: Money,
    pub from: Currency,
    pub rate_e8: i64,
}

fn pow10(exp: u8) -> i128 {
    10_i128.pow(u32::from(exp))
}

fn ceil_div(n: i128, d: i128) -> i128 {
    // n >= 0 and d > 0 here.
    n / d + i128::from(n % d != 0)
}

/// Converts `price` (in `from`'s currency) into `to`'s currency and rounds it by `to`'s
/// rule. The result is at least one minor unit and never above the largest price.
pub fn convert(
    price: Money,
    from: &ExchangeRate,
    to: &ExchangeRate,
) -> Result<Converted, DomainError> {
    if price.currency != from.currency
        || price.amount_minor < 0
        || from.per_base_e8 <= 0
        || to.per_base_e8 <= 0
    {
        return Err(DomainError::InvalidExchangeRate);
    }
    let (src, dst) = (from.currency.exponent(), to.currency.exponent());
    // amount_to_minor = amount_from_minor / 10^src × (to_rate / from_rate) × 10^dst
    let numerator = i128::from(price.amount_minor)
        .checked_mul(i128::from(to.per_base_e8))
        .and_then(|n| n.checked_mul(pow10(dst)))
        .ok_or(DomainError::InvalidAmount)?;
    let denominator = i128::from(from.per_base_e8) * pow10(src);
    let exact = ceil_div(numerator, denominator);
    // Above the largest price nothing can be charged, and rounding stays far from overflow.
    if exact > i128::from(MAX_PRICE_MINOR) {
        return Err(DomainError::InvalidAmount);
    }
    let major = pow10(dst);
    let rounded = match to.rounding {
        Rounding::Exact => exact,
        Rounding::Whole => ceil_div(exact, major) * major,
        Rounding::Tens => ceil_div(exact, 10 * major) * 10 * major,
        // x.99: the smallest such price at or above the exact one. A currency without
        // minor units ends in 9 instead (¥1,299 stays whole yen: 1299).
        Rounding::NinetyNine if dst == 0 => ceil_div(exact + 1, 10) * 10 - 1,
        Rounding::NinetyNine => ceil_div(exact + 1, major) * major - 1,
    };
    let rounded = i64::try_from(rounded.max(1)).map_err(|_| DomainError::InvalidAmount)?;
    let price = Money::price(rounded, to.currency)?;
    let rate = i128::from(to.per_base_e8) * i128::from(RATE_SCALE) / i128::from(from.per_base_e8);
    let rate_e8 = i64::try_from(rate).map_err(|_| DomainError::InvalidExchangeRate)?;
    Ok(Converted {
        price,
        from: from.currency,
        rate_e8,
    })
}

/// A price as offered to one buyer: the amount before tax, and the conversion it came
/// from when the product has no explicit price in that currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offer {
    pub price: Money,
    pub conversion: Option<Conversion>,
}

/// What a price list asks in `to`: its explicit price there, else its first price
/// converted with the rate table when both currencies are in it, else nothing.
pub fn offer_in(
    prices: &PriceList,
    to: Currency,
    rates: &[ExchangeRate],
) -> Result<Option<Offer>, DomainError> {
    if let Some(price) = prices.in_currency(to) {
        return Ok(Some(Offer {
            price,
            conversion: None,
        }));
    }
    let Some(first) = prices.iter().next().copied() else {
        return Ok(None);
    };
    let find = |c: Currency| rates.iter().find(|r| r.currency == c);
    let (Some(from), Some(target)) = (find(first.currency), find(to)) else {
        return Ok(None);
    };
    let converted = convert(first, from, target)?;
    Ok(Some(Offer {
        price: converted.price,
        conversion: Some(Conversion {
            from: converted.from,
            rate_e8: converted.rate_e8,
        }),
    }))
}

/// The price to show in `to`: [`offer_in`], or the list's first price when it cannot be
/// had in `to` (nothing for a free product).
pub fn shown_price(prices: &PriceList, to: Currency, rates: &[ExchangeRate]) -> Option<Money> {
    match offer_in(prices, to, rates) {
        Ok(Some(offer)) => Some(offer.price),
        _ => prices.preferred(to),
    }
}

/// Whether prices in `currency` are shown with tax held in them (a currency the table
/// does not list: yes, as most of the world shows prices).
pub fn tax_inclusive_in(rates: &[ExchangeRate], currency: Currency) -> bool {
    rates
        .iter()
        .find(|r| r.currency == currency)
        .is_none_or(|r| r.tax_inclusive)
}

/// What a buyer pays for `price` at `tax_bps`: the price itself where prices hold the
/// tax, else the price with the tax added.
pub fn paid_price(price: Money, rates: &[ExchangeRate], tax_bps: u16) -> Money {
    if tax_bps == 0 || tax_inclusive_in(rates, price.currency) {
        return price;
    }
    crate::tax::apply(price, tax_bps, false).map_or(price, |(total, _)| total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rate(code: &str, per_base: &str, rounding: Rounding) -> ExchangeRate {
        ExchangeRate {
            currency: Currency::from_code(code).unwrap(),
            per_base_e8: parse_rate(per_base).unwrap(),
            rounding,
            tax_inclusive: true,
        }
    }

    #[test]
    fn rates_parse_and_print() {
        assert_eq!(parse_rate("7.1234").unwrap(), 712_340_000);
        assert_eq!(parse_rate("1").unwrap(), RATE_SCALE);
        assert!(parse_rate("-1").is_err());
        assert!(parse_rate("1.123456789").is_err());
        assert!(parse_rate("abc").is_err());
        assert_eq!(RateDisplay(712_340_000).to_string(), "7.1234");
        assert_eq!(RateDisplay(RATE_SCALE * 150).to_string(), "150");
    }

    #[test]
    fn an_explicit_price_wins_and_others_are_converted() {
        let rates = [
            rate("USD", "1", Rounding::NinetyNine),
            rate("CNY", "7.12", Rounding::Whole),
        ];
        let prices = PriceList::new(vec![
            Money::new(4900, Currency::USD),
            Money::new(29_900, Currency::CNY),
        ])
        .unwrap();
        let own = offer_in(&prices, Currency::CNY, &rates).unwrap().unwrap();
        assert_eq!((own.price.amount_minor, own.conversion), (29_900, None));
        let usd_only = PriceList::new(vec![Money::new(4900, Currency::USD)]).unwrap();
        let converted = offer_in(&usd_only, Currency::CNY, &rates).unwrap().unwrap();
        assert_eq!(converted.price, Money::new(34_900, Currency::CNY));
        assert_eq!(converted.conversion.map(|c| c.from), Some(Currency::USD));
        // A currency outside the table: no offer, and the first price is shown.
        let eur = Currency::from_code("EUR").unwrap();
        assert_eq!(offer_in(&usd_only, eur, &rates).unwrap(), None);
        assert_eq!(
            shown_price(&usd_only, eur, &rates),
            Some(Money::new(4900, Currency::USD))
        );
        assert_eq!(shown_price(&PriceList::default(), eur, &rates), None);
    }

    #[test]
    fn each_currency_rounds_its_own_way() {
        let usd = rate("USD", "1", Rounding::NinetyNine);
        let cny = rate("CNY", "7.12", Rounding::Whole);
        let jpy = rate("JPY", "151.3", Rounding::Tens);
        let kwd = rate("KWD", "0.307", Rounding::Exact);
        let eur = rate("EUR", "0.92", Rounding::NinetyNine);
        let price = Money::new(4900, Currency::USD);
        // 49 × 7.12 = 348.88 → ¥349.00
        assert_eq!(
            convert(price, &usd, &cny).unwrap().price.amount_minor,
            34_900
        );
        // 49 × 151.3 = 7413.7 → ¥7,420
        assert_eq!(
            convert(price, &usd, &jpy).unwrap().price.amount_minor,
            7_420
        );
        // 49 × 0.307 = 15.043 KWD exactly
        assert_eq!(
            convert(price, &usd, &kwd).unwrap().price.amount_minor,
            15_043
        );
        // 49 × 0.92 = 45.08 → €45.99
        assert_eq!(
            convert(price, &usd, &eur).unwrap().price.amount_minor,
            4_599
        );
        // back from yuan to dollars: 349 / 7.12 = 49.017 → $49.99
        let back = convert(Money::new(34_900, Currency::CNY), &cny, &usd).unwrap();
        assert_eq!(back.price.amount_minor, 4_999);
        assert_eq!(RateDisplay(back.rate_e8).to_string(), "0.14044943");
    }

    #[test]
    fn rates_and_amounts_from_anywhere_are_refused_not_overflowed() {
        // Found by the `prices` fuzz target: i64::MAX × i64::MAX × 100 overflowed i128.
        let huge = |code: &str| ExchangeRate {
            currency: Currency::from_code(code).unwrap(),
            per_base_e8: i64::MAX,
            rounding: Rounding::Tens,
            tax_inclusive: false,
        };
        let from = ExchangeRate {
            per_base_e8: 1,
            ..huge("USD")
        };
        let price = Money::new(i64::MAX, Currency::USD);
        assert_eq!(
            convert(price, &from, &huge("EUR")),
            Err(DomainError::InvalidAmount)
        );
        assert_eq!(
            convert(Money::new(1, Currency::USD), &from, &huge("KWD")),
            Err(DomainError::InvalidAmount)
        );
        let negative = ExchangeRate {
            per_base_e8: -1,
            ..huge("EUR")
        };
        assert_eq!(
            convert(Money::new(100, Currency::USD), &from, &negative),
            Err(DomainError::InvalidExchangeRate)
        );
    }

    proptest! {
        #[test]
        fn typed_rates_print_back_to_the_same_rate(
            text in prop_oneof!["[ 0-9.]{0,30}", "[0-9]{1,12}\\.[0-9]{1,9}", "\\PC{0,30}"],
        ) {
            if let Ok(rate) = parse_rate(&text) {
                prop_assert!(rate >= 0, "{text:?}");
                prop_assert_eq!(parse_rate(&RateDisplay(rate).to_string()), Ok(rate));
            }
        }

        #[test]
        fn any_rates_and_amount_convert_or_are_refused(
            amount in any::<i64>(),
            from_rate in any::<i64>(),
            to_rate in any::<i64>(),
            rounding in prop_oneof![
                Just(Rounding::Exact),
                Just(Rounding::Whole),
                Just(Rounding::NinetyNine),
                Just(Rounding::Tens),
            ],
        ) {
            let from = ExchangeRate { currency: Currency::USD, per_base_e8: from_rate, rounding, tax_inclusive: false };
            let jpy = Currency::from_code("JPY").unwrap();
            for currency in [Currency::CNY, jpy] {
                let to = ExchangeRate { currency, per_base_e8: to_rate, rounding, tax_inclusive: true };
                if let Ok(c) = convert(Money::new(amount, Currency::USD), &from, &to) {
                    prop_assert!((1..=MAX_PRICE_MINOR).contains(&c.price.amount_minor));
                }
            }
        }

        #[test]
        fn a_converted_price_is_at_or_just_above_the_exact_one(
            amount in 1i64..=10_000_000_000,
            to_rate in 100i64..=20_000_000_000_000,
            rounding in prop_oneof![
                Just(Rounding::Exact), Just(Rounding::Whole),
                Just(Rounding::NinetyNine), Just(Rounding::Tens)
            ],
            to_code in prop_oneof![Just("CNY"), Just("JPY"), Just("KWD"), Just("EUR")],
        ) {
            let from = rate("USD", "1", Rounding::Exact);
            let to = ExchangeRate {
                currency: Currency::from_code(to_code).unwrap(),
                per_base_e8: to_rate,
                rounding,
                tax_inclusive: true,
            };
            let exp = to.currency.exponent();
            let Ok(done) = convert(Money::new(amount, Currency::USD), &from, &to) else {
                // Only a price beyond the largest accepted one is refused.
                return Ok(());
            };
            let got = i128::from(done.price.amount_minor);
            // exact (in target minor units) = amount × to_rate × 10^exp / (1e8 × 100)
            let num = i128::from(amount) * i128::from(to_rate) * pow10(exp);
            let den = i128::from(RATE_SCALE) * 100;
            prop_assert!(got * den >= num, "below the exact conversion");
            let step = match rounding {
                Rounding::Exact => 1,
                Rounding::Whole | Rounding::NinetyNine => pow10(exp).max(10),
                Rounding::Tens => 10 * pow10(exp),
            };
            prop_assert!((got - 1) * den < num + step * den, "more than one step above");
            if rounding == Rounding::NinetyNine && exp == 2 {
                prop_assert_eq!(got % 100, 99);
            }
        }
    }
}
