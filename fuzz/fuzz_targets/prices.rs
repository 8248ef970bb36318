//! Price arithmetic on amounts and rates from anywhere in their ranges: conversion with
//! the rate table, tax and shares. Nothing panics or overflows, no minor unit is made
//! or lost, and a converted price is never below the exact conversion.
#![no_main]

use kenning_domain::fx::{ExchangeRate, Rounding, convert};
use kenning_domain::money::{Currency, MAX_PRICE_MINOR, Money};
use kenning_domain::tax::{MAX_TAX_BPS, apply};
use libfuzzer_sys::fuzz_target;

fn currency(n: u8) -> Currency {
    let all: Vec<Currency> = Currency::all().collect();
    all[usize::from(n) % all.len()]
}

fn rounding(n: u8) -> Rounding {
    [
        Rounding::Exact,
        Rounding::Whole,
        Rounding::NinetyNine,
        Rounding::Tens,
    ][usize::from(n) % 4]
}

fn rate(c: u8, per_base_e8: i64, r: u8) -> ExchangeRate {
    ExchangeRate {
        currency: currency(c),
        per_base_e8,
        rounding: rounding(r),
        tax_inclusive: r & 4 != 0,
    }
}

/// A row of the rate table as the fuzzer picks it: currency, rate, rounding and tax flag.
type RateRow = (u8, i64, u8);

fuzz_target!(|input: (i64, RateRow, RateRow, u16, bool)| {
    let (amount, (fc, fr, fround), (tc, tr, tround), bps, inclusive) = input;
    let from = rate(fc, fr, fround);
    let to = rate(tc, tr, tround);
    let price = Money::new(amount, from.currency);

    // Shares (platform fee, co-creators, coupons) never make or lose a minor unit.
    let (share, rest) = price.split_bps(bps);
    assert_eq!(
        i128::from(share.amount_minor) + i128::from(rest.amount_minor),
        i128::from(amount)
    );

    // Conversion: refused or sane for any rates, and bounded for the table's own.
    let converted = convert(price, &from, &to);
    let (Ok(from), Ok(to)) = (from.validate(), to.validate()) else {
        return;
    };
    if !(0..=MAX_PRICE_MINOR).contains(&amount) {
        return;
    }
    if let Ok(c) = converted {
        assert!((1..=MAX_PRICE_MINOR).contains(&c.price.amount_minor));
        assert_eq!(c.price.currency, to.currency);
        // Never below the exact conversion.
        let exact_numerator = i128::from(amount)
            * i128::from(to.per_base_e8)
            * 10_i128.pow(u32::from(to.currency.exponent()));
        let denominator =
            i128::from(from.per_base_e8) * 10_i128.pow(u32::from(from.currency.exponent()));
        assert!(i128::from(c.price.amount_minor) * denominator >= exact_numerator);
    }

    // Tax: the total holds the tax, and a tax-inclusive price is the total.
    let bps = bps % (MAX_TAX_BPS + 1);
    let (total, tax) = apply(price, bps, inclusive).expect("a valid price and rate");
    assert!(tax.amount_minor >= 0 && tax.amount_minor <= total.amount_minor);
    if inclusive {
        assert_eq!(total, price);
    } else {
        assert_eq!(total.amount_minor, amount + tax.amount_minor);
    }
});
