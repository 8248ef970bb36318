//! The rows a payment writes: the payment, entitlements and ledger transactions.

use kenning_app::ports::{PaymentRecord, StoreResult};
use kenning_domain::ids::{AccountId, EntitlementId, OrderId, ProductId};
use kenning_domain::ledger::LedgerTransaction;
use sqlx::{Any, Transaction};

use crate::db_error;

pub(super) async fn insert_payment(
    tx: &mut Transaction<'_, Any>,
    p: &PaymentRecord,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO payments (id, order_id, provider, provider_reference, currency, \
         amount_minor, succeeded, failure_code, card_last4, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(p.id.to_string())
    .bind(p.order_id.to_string())
    .bind(p.provider.clone())
    .bind(p.provider_reference.clone())
    .bind(p.amount.currency.code())
    .bind(p.amount.amount_minor)
    .bind(p.succeeded)
    .bind(p.failure_code.clone())
    .bind(p.card_last4.clone())
    .bind(p.created_at_ms)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(super) async fn insert_entitlement(
    tx: &mut Transaction<'_, Any>,
    account: AccountId,
    product: ProductId,
    source: &str,
    order: Option<OrderId>,
    now_ms: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO entitlements (id, account_id, product_id, source, order_id, granted_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, product_id) DO NOTHING",
    )
    .bind(EntitlementId::new().to_string())
    .bind(account.to_string())
    .bind(product.to_string())
    .bind(source.to_owned())
    .bind(order.map(|o| o.to_string()))
    .bind(now_ms)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Writes a ledger transaction under `kind` (its own kind, or for refunds `refund:{id}`:
/// `ledger_transactions` holds one transaction per kind and order, which keeps a sale
/// from being booked twice while letting an order have many refunds).
pub(crate) async fn insert_ledger(
    tx: &mut Transaction<'_, Any>,
    ledger: &LedgerTransaction,
    kind: &str,
    at_ms: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO ledger_transactions (id, kind, order_id, created_at_ms) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(ledger.id.to_string())
    .bind(kind.to_owned())
    .bind(ledger.order_id.map(|o| o.to_string()))
    .bind(at_ms)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    for (line, posting) in ledger.postings().iter().enumerate() {
        sqlx::query(
            "INSERT INTO ledger_postings (transaction_id, line, account_code, currency, \
             amount_minor) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ledger.id.to_string())
        .bind(i64::try_from(line).unwrap_or(i64::MAX))
        .bind(posting.account.code())
        .bind(posting.amount.currency.code())
        .bind(posting.amount.amount_minor)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}
