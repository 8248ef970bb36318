//! Money and currency text as people and API clients type it: amounts, currency codes,
//! percentages (coupons, shares), exchange rates, coupon codes, countries, card numbers.
//! Nothing panics, and whatever is accepted prints back to the same value.
#![no_main]

use kenning_domain::coupon::CouponCode;
use kenning_domain::fx::{RateDisplay, Rounding, parse_rate};
use kenning_domain::money::{Currency, MAX_PRICE_MINOR, Money, bps_to_percent, percent_to_bps};
use kenning_domain::order::CardNumber;
use kenning_domain::tax::Country;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(currency) = Currency::from_code(text) {
        assert_eq!(Currency::from_code(currency.code()), Ok(currency));
    }
    for currency in Currency::all() {
        if let Ok(money) = Money::parse_major(text, currency) {
            assert!((0..=MAX_PRICE_MINOR).contains(&money.amount_minor));
            assert_eq!(
                Money::parse_major(&money.major_digits(), currency),
                Ok(money)
            );
        }
    }
    if let Some(bps) = percent_to_bps(text) {
        assert!(bps <= 10_000);
        assert_eq!(percent_to_bps(&bps_to_percent(bps)), Some(bps));
    }
    if let Ok(rate) = parse_rate(text) {
        assert!(rate >= 0);
        assert_eq!(parse_rate(&RateDisplay(rate).to_string()), Ok(rate));
    }
    if let Ok(code) = text.parse::<CouponCode>() {
        assert_eq!(code.as_str().parse::<CouponCode>(), Ok(code.clone()));
    }
    if let Ok(country) = text.parse::<Country>() {
        assert_eq!(country.as_str().len(), 2);
    }
    let _ = Country::from_locale_tag(text);
    if let Ok(rounding) = text.parse::<Rounding>() {
        assert_eq!(rounding.as_str().parse::<Rounding>(), Ok(rounding));
    }
    if let Ok(card) = CardNumber::parse(text) {
        assert_eq!(card.last4().len(), 4);
        assert_eq!(CardNumber::parse(card.digits()), Ok(card.clone()));
    }
});
