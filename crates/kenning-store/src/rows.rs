//! Reading rows into domain types.

use kenning_app::ports::StoreError;
use kenning_domain::account::{Account, DisplayName, Email, Role};
use kenning_domain::catalog::{Chapter, Lesson, LessonOutline, PriceList, Product, Release};
use kenning_domain::ids::{AccountId, ChapterId, LessonId, OrderId, ProductId};
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::{Conversion, Order, OrderStatus, Referral};
use kenning_domain::review::RatingSummary;
use kenning_domain::tax::TaxLine;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{db_error, parse_col};

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    row.try_get::<String, _>(col).map_err(db_error)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    row.try_get::<Option<String>, _>(col).map_err(db_error)
}

pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    row.try_get::<i64, _>(col).map_err(db_error)
}

pub(crate) fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    row.try_get::<Option<i64>, _>(col).map_err(db_error)
}

/// BOOLEAN on PostgreSQL, INTEGER 0/1 on SQLite.
pub(crate) fn flag(row: &AnyRow, col: &str) -> Result<bool, StoreError> {
    match row.try_get::<bool, _>(col) {
        Ok(b) => Ok(b),
        Err(_) => int(row, col).map(|v| v != 0),
    }
}

/// A basis-point column (0 to 10 000).
pub(crate) fn small(value: i64, what: &str) -> Result<u16, StoreError> {
    u16::try_from(value).map_err(|_| StoreError::Corrupt(what.to_owned()))
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    col: &str,
) -> Result<T, StoreError> {
    let raw = text(row, col)?;
    serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn account(row: &AnyRow) -> Result<Account, StoreError> {
    Ok(Account {
        id: parse_col::<AccountId>(&text(row, "id")?, "account id")?,
        email: Email::parse(&text(row, "email")?)
            .map_err(|_| StoreError::Corrupt("email".into()))?,
        display_name: DisplayName::parse(&text(row, "display_name")?)
            .map_err(|_| StoreError::Corrupt("display_name".into()))?,
        role: parse_col::<Role>(&text(row, "role")?, "role")?,
        created_at_ms: int(row, "created_at_ms")?,
        locale: Locale::parse(&text(row, "locale")?)
            .map_err(|_| StoreError::Corrupt("locale".into()))?,
        email_verified: opt_int(row, "email_verified_at_ms")?.is_some(),
        time_zone: opt_text(row, "time_zone")?,
    })
}

/// The product columns without prices (they come from `product_prices`).
pub(crate) fn product(row: &AnyRow) -> Result<Product, StoreError> {
    Ok(Product {
        id: parse_col::<ProductId>(&text(row, "id")?, "product id")?,
        creator_id: parse_col::<AccountId>(&text(row, "creator_id")?, "creator id")?,
        creator_name: text(row, "creator_name")?,
        kind: parse_col(&text(row, "kind")?, "kind")?,
        status: parse_col(&text(row, "status")?, "status")?,
        title: json::<LocalizedText>(row, "title")?,
        description: json::<LocalizedText>(row, "description")?,
        prices: PriceList::default(),
        tags: json::<Vec<String>>(row, "tags")?,
        cover_key: opt_text(row, "cover_key")?,
        created_at_ms: int(row, "created_at_ms")?,
        published_at_ms: opt_int(row, "published_at_ms")?,
        rating: RatingSummary {
            count: int(row, "rating_count")?,
            sum: int(row, "rating_sum")?,
        },
    })
}

pub(crate) fn price(row: &AnyRow) -> Result<(ProductId, Money), StoreError> {
    let id = parse_col::<ProductId>(&text(row, "product_id")?, "product id")?;
    let currency = Currency::from_code(&text(row, "currency")?)
        .map_err(|_| StoreError::Corrupt("currency".into()))?;
    Ok((id, Money::new(int(row, "amount_minor")?, currency)))
}

pub(crate) fn chapter(row: &AnyRow) -> Result<Chapter, StoreError> {
    Ok(Chapter {
        id: parse_col::<ChapterId>(&text(row, "id")?, "chapter id")?,
        product_id: parse_col::<ProductId>(&text(row, "product_id")?, "product id")?,
        position: int(row, "position")?,
        title: json(row, "title")?,
    })
}

pub(crate) fn lesson(row: &AnyRow) -> Result<Lesson, StoreError> {
    let chapter_id = opt_text(row, "chapter_id")?
        .map(|c| parse_col::<ChapterId>(&c, "chapter id"))
        .transpose()?;
    Ok(Lesson {
        id: parse_col::<LessonId>(&text(row, "id")?, "lesson id")?,
        product_id: parse_col::<ProductId>(&text(row, "product_id")?, "product id")?,
        chapter_id,
        position: int(row, "position")?,
        title: json(row, "title")?,
        body: json(row, "body")?,
        preview: flag(row, "preview")?,
        release: release(row)?,
    })
}

pub(crate) fn lesson_outline(row: &AnyRow) -> Result<LessonOutline, StoreError> {
    let chapter_id = opt_text(row, "chapter_id")?
        .map(|c| parse_col::<ChapterId>(&c, "chapter id"))
        .transpose()?;
    Ok(LessonOutline {
        id: parse_col::<LessonId>(&text(row, "id")?, "lesson id")?,
        product_id: parse_col::<ProductId>(&text(row, "product_id")?, "product id")?,
        chapter_id,
        position: int(row, "position")?,
        title: json(row, "title")?,
        preview: flag(row, "preview")?,
        release: release(row)?,
    })
}

fn release(row: &AnyRow) -> Result<Release, StoreError> {
    Ok(
        match (
            opt_int(row, "release_after_days")?,
            opt_int(row, "release_at_ms")?,
        ) {
            (_, Some(at_ms)) => Release::OnDate { at_ms },
            (Some(days), None) => Release::AfterDays { days },
            (None, None) => Release::Immediately,
        },
    )
}

pub(crate) fn release_after_days(release: Release) -> Option<i64> {
    match release {
        Release::AfterDays { days } => Some(days),
        _ => None,
    }
}

pub(crate) fn release_at_ms(release: Release) -> Option<i64> {
    match release {
        Release::OnDate { at_ms } => Some(at_ms),
        _ => None,
    }
}

pub(crate) fn order(row: &AnyRow) -> Result<Order, StoreError> {
    let currency = Currency::from_code(&text(row, "currency")?)
        .map_err(|_| StoreError::Corrupt("currency".into()))?;
    let status = text(row, "status")?;
    Ok(Order {
        id: parse_col::<OrderId>(&text(row, "id")?, "order id")?,
        buyer_id: parse_col::<AccountId>(&text(row, "buyer_id")?, "buyer id")?,
        product_id: parse_col::<ProductId>(&text(row, "product_id")?, "product id")?,
        lesson_id: opt_text(row, "lesson_id")?
            .map(|l| parse_col::<LessonId>(&l, "lesson id"))
            .transpose()?,
        total: Money::new(int(row, "amount_minor")?, currency),
        // A released order keeps 'pending' in its status column (whose CHECK predates
        // releasing) and carries when it was released.
        status: match opt_int(row, "released_at_ms")? {
            Some(_) => OrderStatus::Released,
            None => OrderStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("order status {status:?}")))?,
        },
        idempotency_key: text(row, "idempotency_key")?,
        created_at_ms: int(row, "created_at_ms")?,
        paid_at_ms: opt_int(row, "paid_at_ms")?,
        coupon: opt_text(row, "coupon_code")?
            .map(|c| parse_col(&c, "coupon code"))
            .transpose()?,
        discount_minor: int(row, "discount_minor")?,
        tax: match opt_text(row, "tax_country")? {
            Some(country) => Some(TaxLine {
                country: parse_col(&country, "tax country")?,
                rate_bps: small(int(row, "tax_rate_bps")?, "tax rate")?,
                inclusive: flag(row, "tax_inclusive")?,
                amount: Money::new(int(row, "tax_minor")?, currency),
            }),
            None => None,
        },
        conversion: match (opt_text(row, "fx_from")?, opt_int(row, "fx_rate_e8")?) {
            (Some(from), Some(rate_e8)) => Some(Conversion {
                from: Currency::from_code(&from)
                    .map_err(|_| StoreError::Corrupt("fx currency".into()))?,
                rate_e8,
            }),
            _ => None,
        },
        referral: match opt_text(row, "affiliate_id")? {
            Some(id) => Some(Referral {
                affiliate: parse_col(&id, "affiliate id")?,
                bps: small(int(row, "affiliate_bps")?, "affiliate share")?,
            }),
            None => None,
        },
    })
}
