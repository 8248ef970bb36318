//! Orders and the inputs of paying them.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{AccountId, LessonId, OrderId, ProductId};
use crate::money::{Currency, Money};
use crate::tax::TaxLine;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Created, waiting for a successful payment (a declined card leaves it pending).
    Pending,
    /// A payment provider is being asked right now; no second charge may start.
    Processing,
    /// Paid; the entitlement and the ledger postings exist.
    Paid,
    /// Released without payment: the buyer already held what it buys (or part of a
    /// bundle), so it can never be paid.
    Released,
}

impl OrderStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Processing => "processing",
            OrderStatus::Paid => "paid",
            OrderStatus::Released => "released",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        match s {
            "pending" => Some(OrderStatus::Pending),
            "processing" => Some(OrderStatus::Processing),
            "paid" => Some(OrderStatus::Paid),
            "released" => Some(OrderStatus::Released),
            _ => None,
        }
    }
}

/// A client-chosen key that makes order creation safe to retry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<IdempotencyKey, DomainError> {
        let key = raw.trim();
        if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
            Err(DomainError::InvalidIdempotencyKey)
        } else {
            Ok(IdempotencyKey(key.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: OrderId,
    pub buyer_id: AccountId,
    pub product_id: ProductId,
    /// Set when the order buys one lesson of the product on its own (按需付费).
    pub lesson_id: Option<LessonId>,
    pub total: Money,
    pub status: OrderStatus,
    pub idempotency_key: String,
    pub created_at_ms: i64,
    pub paid_at_ms: Option<i64>,
    /// The coupon it was made with, and what that took off (`total` is after it).
    pub coupon: Option<crate::coupon::CouponCode>,
    pub discount_minor: i64,
    /// The tax within `total`, when the buyer's country charges any.
    pub tax: Option<TaxLine>,
    /// The rate-table conversion it was priced with, when the product has no explicit
    /// price in the order's currency.
    pub conversion: Option<Conversion>,
    /// The affiliate who referred the buyer, with the commission agreed at the time.
    pub referral: Option<Referral>,
}

impl Order {
    /// What the order brings in before tax.
    pub fn net(&self) -> Money {
        let tax = self.tax.as_ref().map_or(0, |t| t.amount.amount_minor);
        Money::new(self.total.amount_minor - tax, self.total.currency)
    }
}

/// What is left to refund of an order that took `paid` and has given back `refunded`:
/// the one place this is computed. Both amounts are in the order's currency; nothing
/// given back is negative and never more than was taken, so the remainder lies between
/// zero and `paid` (anything else is [`DomainError::InvalidRefundAmount`], a currency
/// other than the order's [`DomainError::CurrencyMismatch`]).
pub fn refundable_remainder(paid: Money, refunded: Money) -> Result<Money, DomainError> {
    if paid.currency != refunded.currency {
        return Err(DomainError::CurrencyMismatch);
    }
    if paid.amount_minor < 0 || refunded.amount_minor < 0 {
        return Err(DomainError::InvalidRefundAmount);
    }
    let left = paid
        .checked_sub(refunded)
        .map_err(|_| DomainError::InvalidRefundAmount)?;
    if left.amount_minor < 0 {
        return Err(DomainError::InvalidRefundAmount);
    }
    Ok(left)
}

/// What a paid order gives its buyer that they can hold only once. Nobody pays for what
/// they already hold: this is checked when a payment is taken (before anything is
/// charged) and again inside the transaction that settles it (a payment confirmed later
/// by the provider for something held by then is refunded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holding {
    /// Nothing held once: a gift (its recipient claims it) or a paid question (each
    /// order asks its own).
    Nothing,
    /// The product itself: a course, an e-book, a live session's ticket …
    Product(ProductId),
    /// One lesson bought on its own: held when the lesson or its whole product is.
    Lesson {
        product: ProductId,
        lesson: LessonId,
    },
    /// A bundle: held when the bundle is, or when one of its items was got after the
    /// order was priced (the price credited only what was owned then).
    Bundle {
        bundle: ProductId,
        priced_at_ms: i64,
    },
    /// A membership tier: held while a subscription to it gives access.
    Membership(ProductId),
}

impl Holding {
    /// What `order` holds once, for a product of `kind`; `gift` when it is bought for
    /// someone else.
    pub fn of(order: &Order, kind: crate::catalog::ProductKind, gift: bool) -> Holding {
        use crate::catalog::ProductKind;
        match (kind, order.lesson_id) {
            _ if gift => Holding::Nothing,
            (ProductKind::Consultation, _) => Holding::Nothing,
            (_, Some(lesson)) => Holding::Lesson {
                product: order.product_id,
                lesson,
            },
            (ProductKind::Bundle, None) => Holding::Bundle {
                bundle: order.product_id,
                priced_at_ms: order.created_at_ms,
            },
            (ProductKind::Membership, None) => Holding::Membership(order.product_id),
            (_, None) => Holding::Product(order.product_id),
        }
    }
}

/// The conversion an order's price was derived with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    pub from: Currency,
    /// Units of the order's currency per unit of `from`, times 10^8.
    pub rate_e8: i64,
}

/// Who referred an order and what they earn from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub affiliate: AccountId,
    pub bps: u16,
}

/// A payment card number as typed: digits only after removing spaces and dashes, 12 to
/// 19 digits, valid Luhn check digit. Only the last four digits are ever kept.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl CardNumber {
    pub fn parse(raw: &str) -> Result<CardNumber, DomainError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !(12..=19).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(DomainError::InvalidCardNumber);
        }
        if !luhn_valid(&digits) {
            return Err(DomainError::InvalidCardNumber);
        }
        Ok(CardNumber(digits))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    pub fn last4(&self) -> &str {
        let n = self.0.len();
        self.0.get(n.saturating_sub(4)..).unwrap_or_default()
    }
}

impl std::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardNumber(****{})", self.last4())
    }
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A receipt's number: one unbroken series per calendar year (UTC), taken in the moment
/// the order is paid, as invoicing rules ask for. Shown as `2026-000042`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceiptNumber {
    pub year: i32,
    pub sequence: i64,
}

impl ReceiptNumber {
    /// The calendar year (UTC) whose series a sale paid at `paid_at_ms` belongs to.
    pub fn year_of(paid_at_ms: i64) -> i32 {
        crate::statement::Period::containing(paid_at_ms).year()
    }
}

impl std::fmt::Display for ReceiptNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:06}", self.year, self.sequence)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn receipt_numbers_run_per_year() {
        // 2026-01-01T00:00:00Z and one millisecond before it.
        let new_year_ms = 1_767_225_600_000;
        assert_eq!(ReceiptNumber::year_of(new_year_ms), 2026);
        assert_eq!(ReceiptNumber::year_of(new_year_ms - 1), 2025);
        let n = ReceiptNumber {
            year: 2026,
            sequence: 42,
        };
        assert_eq!(n.to_string(), "2026-000042");
    }

    use super::*;

    #[test]
    fn test_cards_pass_the_luhn_check() {
        assert!(CardNumber::parse("4242 4242 4242 4242").is_ok());
        assert!(CardNumber::parse("4000-0000-0000-0002").is_ok());
        assert_eq!(
            CardNumber::parse("4242 4242 4242 4241"),
            Err(DomainError::InvalidCardNumber)
        );
        assert_eq!(
            CardNumber::parse("abc"),
            Err(DomainError::InvalidCardNumber)
        );
    }

    #[test]
    fn only_the_last_four_digits_are_shown() {
        let card = CardNumber::parse("4242424242424242");
        assert_eq!(
            card.map(|c| format!("{c:?}")),
            Ok("CardNumber(****4242)".to_owned())
        );
    }

    #[test]
    fn idempotency_keys_are_printable_and_bounded() {
        assert!(IdempotencyKey::parse("order-1").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("a b").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
    }

    #[test]
    fn the_remainder_is_what_was_paid_less_what_was_given_back() {
        let usd = |m| Money::new(m, Currency::USD);
        assert_eq!(refundable_remainder(usd(1999), usd(0)), Ok(usd(1999)));
        assert_eq!(refundable_remainder(usd(1999), usd(500)), Ok(usd(1499)));
        assert_eq!(refundable_remainder(usd(1999), usd(1999)), Ok(usd(0)));
    }

    #[test]
    fn a_remainder_below_zero_or_across_currencies_is_refused() {
        let usd = |m| Money::new(m, Currency::USD);
        assert_eq!(
            refundable_remainder(usd(100), usd(101)),
            Err(DomainError::InvalidRefundAmount)
        );
        assert_eq!(
            refundable_remainder(usd(100), usd(-1)),
            Err(DomainError::InvalidRefundAmount)
        );
        assert_eq!(
            refundable_remainder(usd(-1), usd(0)),
            Err(DomainError::InvalidRefundAmount)
        );
        assert_eq!(
            refundable_remainder(usd(i64::MAX), usd(0)),
            Ok(usd(i64::MAX))
        );
        assert_eq!(
            refundable_remainder(usd(100), Money::new(0, Currency::CNY)),
            Err(DomainError::CurrencyMismatch)
        );
    }

    proptest::proptest! {
        #[test]
        fn the_remainder_and_what_was_given_back_add_up_to_what_was_paid(
            paid in 0i64..=i64::MAX,
            refunded in 0i64..=i64::MAX,
        ) {
            let usd = |m| Money::new(m, Currency::USD);
            match refundable_remainder(usd(paid), usd(refunded)) {
                Ok(left) => {
                    proptest::prop_assert!(refunded <= paid);
                    proptest::prop_assert!(left.amount_minor >= 0);
                    proptest::prop_assert_eq!(left.checked_add(usd(refunded)), Ok(usd(paid)));
                }
                Err(e) => {
                    proptest::prop_assert!(refunded > paid);
                    proptest::prop_assert_eq!(e, DomainError::InvalidRefundAmount);
                }
            }
        }
    }
}
