//! Tax rates, the exchange-rate table, revenue shares, statements and payouts.

use async_trait::async_trait;
use kenning_app::ports::{
    AffiliateStore, EarningsStore, ExchangeRateStore, Owed, PayoutRecord, RevenueShareStore,
    StoreError, StoreResult, TaxStore,
};
use kenning_domain::fx::{ExchangeRate, Rounding};
use kenning_domain::ids::{AccountId, OrderId, PartnerContractId, ProductId};
use kenning_domain::ledger::{LedgerAccount, LedgerTransaction, Payee, Posting};
use kenning_domain::locale::LocalizedText;
use kenning_domain::money::{Currency, Money};
use kenning_domain::revenue::{AffiliateProgram, CoCreator, PartnerContract};
use kenning_domain::statement::{StatementLine, base_kind};
use kenning_domain::tax::{Country, TaxRate};
use sqlx::any::AnyRow;

use crate::orders::insert_ledger;
use crate::rows::{flag, int, json, opt_int, opt_text, small, text};
use crate::{SqlStore, db_error, parse_col};

const PAYEES: [Payee; 4] = [
    Payee::Creator,
    Payee::CoCreator,
    Payee::Partner,
    Payee::Affiliate,
];

fn currency(row: &AnyRow, col: &str) -> StoreResult<Currency> {
    Currency::from_code(&text(row, col)?).map_err(|_| StoreError::Corrupt(col.to_owned()))
}

fn tax_rate(row: &AnyRow) -> StoreResult<TaxRate> {
    Ok(TaxRate {
        country: parse_col(&text(row, "country")?, "country")?,
        rate_bps: small(int(row, "rate_bps")?, "tax rate")?,
    })
}

fn exchange_rate(row: &AnyRow) -> StoreResult<ExchangeRate> {
    Ok(ExchangeRate {
        currency: currency(row, "currency")?,
        per_base_e8: int(row, "per_base_e8")?,
        rounding: parse_col::<Rounding>(&text(row, "rounding")?, "rounding")?,
        tax_inclusive: flag(row, "tax_inclusive")?,
    })
}

const CONTRACT_SELECT: &str = "SELECT id, partner_id, creator_id, product_id, bps, \
     starts_at_ms, ends_at_ms, created_at_ms FROM partner_contracts";

fn contract(row: &AnyRow) -> StoreResult<PartnerContract> {
    Ok(PartnerContract {
        id: parse_col::<PartnerContractId>(&text(row, "id")?, "contract id")?,
        partner_id: parse_col(&text(row, "partner_id")?, "partner id")?,
        creator_id: parse_col(&text(row, "creator_id")?, "creator id")?,
        product_id: opt_text(row, "product_id")?
            .map(|p| parse_col::<ProductId>(&p, "product id"))
            .transpose()?,
        bps: small(int(row, "bps")?, "contract share")?,
        starts_at_ms: int(row, "starts_at_ms")?,
        ends_at_ms: opt_int(row, "ends_at_ms")?,
        created_at_ms: int(row, "created_at_ms")?,
    })
}

/// The codes of a person's earnings accounts.
fn earnings_codes(account: AccountId) -> [String; 4] {
    PAYEES.map(|p| LedgerAccount::Earnings(p, account).code())
}

#[async_trait]
impl TaxStore for SqlStore {
    async fn tax_rates(&self) -> StoreResult<Vec<TaxRate>> {
        let found = sqlx::query("SELECT country, rate_bps FROM tax_rates ORDER BY country")
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(tax_rate).collect()
    }

    async fn tax_rate(&self, country: &Country) -> StoreResult<Option<TaxRate>> {
        let row = sqlx::query("SELECT country, rate_bps FROM tax_rates WHERE country = $1")
            .bind(country.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(tax_rate).transpose()
    }

    async fn set_tax_rate(&self, rate: &TaxRate, now_ms: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO tax_rates (country, rate_bps, updated_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (country) DO UPDATE SET rate_bps = excluded.rate_bps, \
             updated_at_ms = excluded.updated_at_ms",
        )
        .bind(rate.country.to_string())
        .bind(i64::from(rate.rate_bps))
        .bind(now_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl ExchangeRateStore for SqlStore {
    async fn exchange_rates(&self) -> StoreResult<Vec<ExchangeRate>> {
        let found = sqlx::query(
            "SELECT currency, per_base_e8, rounding, tax_inclusive FROM exchange_rates \
             ORDER BY currency",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found.iter().map(exchange_rate).collect()
    }

    async fn set_exchange_rate(&self, rate: &ExchangeRate, now_ms: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO exchange_rates (currency, per_base_e8, rounding, tax_inclusive, \
             updated_at_ms) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (currency) DO UPDATE SET per_base_e8 = excluded.per_base_e8, \
             rounding = excluded.rounding, tax_inclusive = excluded.tax_inclusive, \
             updated_at_ms = excluded.updated_at_ms",
        )
        .bind(rate.currency.code())
        .bind(rate.per_base_e8)
        .bind(rate.rounding.as_str())
        .bind(rate.tax_inclusive)
        .bind(now_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl RevenueShareStore for SqlStore {
    async fn cocreators(&self, product: ProductId) -> StoreResult<Vec<CoCreator>> {
        let found = sqlx::query(
            "SELECT account_id, bps FROM product_shares WHERE product_id = $1 \
             ORDER BY account_id",
        )
        .bind(product.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok(CoCreator {
                    account_id: parse_col(&text(r, "account_id")?, "account id")?,
                    bps: small(int(r, "bps")?, "co-creator share")?,
                })
            })
            .collect()
    }

    async fn set_cocreators(&self, product: ProductId, shares: &[CoCreator]) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM product_shares WHERE product_id = $1")
            .bind(product.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for share in shares {
            sqlx::query(
                "INSERT INTO product_shares (product_id, account_id, bps) VALUES ($1, $2, $3)",
            )
            .bind(product.to_string())
            .bind(share.account_id.to_string())
            .bind(i64::from(share.bps))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn insert_partner_contract(&self, c: &PartnerContract) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO partner_contracts (id, partner_id, creator_id, product_id, bps, \
             starts_at_ms, ends_at_ms, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(c.id.to_string())
        .bind(c.partner_id.to_string())
        .bind(c.creator_id.to_string())
        .bind(c.product_id.map(|p| p.to_string()))
        .bind(i64::from(c.bps))
        .bind(c.starts_at_ms)
        .bind(c.ends_at_ms)
        .bind(c.created_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn partner_contracts_of(&self, creator: AccountId) -> StoreResult<Vec<PartnerContract>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CONTRACT_SELECT} WHERE creator_id = $1 ORDER BY created_at_ms, id"
        ));
        let found = sqlx::query(sql)
            .bind(creator.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(contract).collect()
    }

    async fn contracts_as_partner(&self, partner: AccountId) -> StoreResult<Vec<PartnerContract>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CONTRACT_SELECT} WHERE partner_id = $1 ORDER BY created_at_ms, id"
        ));
        let found = sqlx::query(sql)
            .bind(partner.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(contract).collect()
    }
}

#[async_trait]
impl AffiliateStore for SqlStore {
    async fn affiliate_program(&self, creator: AccountId) -> StoreResult<Option<AffiliateProgram>> {
        let row =
            sqlx::query("SELECT bps, cookie_days FROM affiliate_programs WHERE creator_id = $1")
                .bind(creator.to_string())
                .fetch_optional(self.pool())
                .await
                .map_err(db_error)?;
        row.map(|r| {
            Ok(AffiliateProgram {
                creator_id: creator,
                bps: small(int(&r, "bps")?, "affiliate share")?,
                cookie_days: int(&r, "cookie_days")?,
            })
        })
        .transpose()
    }

    async fn set_affiliate_program(&self, p: &AffiliateProgram, now_ms: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO affiliate_programs (creator_id, bps, cookie_days, updated_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (creator_id) DO UPDATE SET \
             bps = excluded.bps, cookie_days = excluded.cookie_days, \
             updated_at_ms = excluded.updated_at_ms",
        )
        .bind(p.creator_id.to_string())
        .bind(i64::from(p.bps))
        .bind(p.cookie_days)
        .bind(now_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn referral_code_of(&self, account: AccountId) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT code FROM referral_codes WHERE account_id = $1")
            .bind(account.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| text(r, "code")).transpose()
    }

    async fn insert_referral_code(&self, account: AccountId, code: &str) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO referral_codes (code, account_id) VALUES ($1, $2) \
             ON CONFLICT (account_id) DO NOTHING",
        )
        .bind(code.to_owned())
        .bind(account.to_string())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        self.referral_code_of(account)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn referral_owner(&self, code: &str) -> StoreResult<Option<AccountId>> {
        let row = sqlx::query("SELECT account_id FROM referral_codes WHERE code = $1")
            .bind(code.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(|r| parse_col(&text(r, "account_id")?, "account id"))
            .transpose()
    }
}

#[async_trait]
impl EarningsStore for SqlStore {
    async fn sale_postings(&self, order: OrderId) -> StoreResult<Vec<Posting>> {
        let found = sqlx::query(
            "SELECT p.account_code, p.currency, p.amount_minor FROM ledger_postings p \
             JOIN ledger_transactions t ON t.id = p.transaction_id \
             WHERE t.order_id = $1 AND t.kind = 'sale' ORDER BY p.line",
        )
        .bind(order.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                let code = text(r, "account_code")?;
                Ok(Posting {
                    account: LedgerAccount::parse(&code)
                        .ok_or_else(|| StoreError::Corrupt(format!("account {code:?}")))?,
                    amount: Money::new(int(r, "amount_minor")?, currency(r, "currency")?),
                })
            })
            .collect()
    }

    async fn earnings_lines(
        &self,
        account: AccountId,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<StatementLine>> {
        let [a, b, c, d] = earnings_codes(account);
        let found = sqlx::query(
            "SELECT t.created_at_ms, t.kind, t.order_id, p.account_code, p.currency, \
             p.amount_minor FROM ledger_postings p \
             JOIN ledger_transactions t ON t.id = p.transaction_id \
             WHERE p.account_code IN ($1, $2, $3, $4) \
             AND t.created_at_ms >= $5 AND t.created_at_ms < $6 \
             ORDER BY t.created_at_ms, t.id, p.line",
        )
        .bind(a)
        .bind(b)
        .bind(c)
        .bind(d)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                let code = text(r, "account_code")?;
                let Some(LedgerAccount::Earnings(payee, _)) = LedgerAccount::parse(&code) else {
                    return Err(StoreError::Corrupt(format!("account {code:?}")));
                };
                Ok(StatementLine {
                    at_ms: int(r, "created_at_ms")?,
                    kind: base_kind(&text(r, "kind")?).to_owned(),
                    order_id: opt_text(r, "order_id")?
                        .map(|o| parse_col::<OrderId>(&o, "order id"))
                        .transpose()?,
                    payee,
                    // A credit on a liability is money owed to them.
                    amount: Money::new(-int(r, "amount_minor")?, currency(r, "currency")?),
                })
            })
            .collect()
    }

    async fn sales_earned(
        &self,
        account: AccountId,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<(OrderId, LocalizedText, Vec<Posting>)>> {
        let [a, b, c, d] = earnings_codes(account);
        let found = sqlx::query(
            "SELECT t.order_id, pr.title, p.account_code, p.currency, p.amount_minor              FROM ledger_transactions t              JOIN ledger_postings p ON p.transaction_id = t.id              JOIN orders o ON o.id = t.order_id              JOIN products pr ON pr.id = o.product_id              WHERE t.kind IN ('sale', 'gateway_fee') AND t.order_id IN (                SELECT t2.order_id FROM ledger_transactions t2                JOIN ledger_postings p2 ON p2.transaction_id = t2.id                WHERE t2.kind = 'sale' AND p2.account_code IN ($1, $2, $3, $4)                AND t2.created_at_ms >= $5 AND t2.created_at_ms < $6)              ORDER BY t.order_id, t.created_at_ms, p.line",
        )
        .bind(a)
        .bind(b)
        .bind(c)
        .bind(d)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        let mut out: Vec<(OrderId, LocalizedText, Vec<Posting>)> = Vec::new();
        for r in &found {
            let order: OrderId = parse_col(&text(r, "order_id")?, "order id")?;
            let code = text(r, "account_code")?;
            let posting = Posting {
                account: LedgerAccount::parse(&code)
                    .ok_or_else(|| StoreError::Corrupt(format!("account {code:?}")))?,
                amount: Money::new(int(r, "amount_minor")?, currency(r, "currency")?),
            };
            match out.last_mut() {
                Some((id, _, postings)) if *id == order => postings.push(posting),
                _ => out.push((order, json(r, "title")?, vec![posting])),
            }
        }
        Ok(out)
    }

    async fn owed_before(&self, account: AccountId, before_ms: i64) -> StoreResult<Vec<Money>> {
        let [a, b, c, d] = earnings_codes(account);
        let found = sqlx::query(
            "SELECT p.currency, CAST(SUM(p.amount_minor) AS BIGINT) AS total \
             FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id \
             WHERE p.account_code IN ($1, $2, $3, $4) AND t.created_at_ms < $5 \
             GROUP BY p.currency ORDER BY p.currency",
        )
        .bind(a)
        .bind(b)
        .bind(c)
        .bind(d)
        .bind(before_ms)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| Ok(Money::new(-int(r, "total")?, currency(r, "currency")?)))
            .collect()
    }

    async fn owed_balances(&self) -> StoreResult<Vec<Owed>> {
        let found = sqlx::query(
            "SELECT account_code, currency, CAST(SUM(amount_minor) AS BIGINT) AS total \
             FROM ledger_postings WHERE account_code LIKE 'liability:%' \
             AND account_code NOT LIKE 'liability:tax:%' \
             GROUP BY account_code, currency HAVING SUM(amount_minor) <> 0 \
             ORDER BY account_code, currency",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                let code = text(r, "account_code")?;
                let Some(LedgerAccount::Earnings(payee, account_id)) = LedgerAccount::parse(&code)
                else {
                    return Err(StoreError::Corrupt(format!("account {code:?}")));
                };
                Ok(Owed {
                    account_id,
                    payee,
                    amount: Money::new(-int(r, "total")?, currency(r, "currency")?),
                })
            })
            .collect()
    }

    async fn record_payout(&self, p: &PayoutRecord, ledger: &LedgerTransaction) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Lock the person (a row lock on PostgreSQL, the write lock on SQLite), then check
        // the balance has not moved since it was read.
        sqlx::query("UPDATE accounts SET id = id WHERE id = $1")
            .bind(p.account_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let [a, b, c, d] = earnings_codes(p.account_id);
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS total \
             FROM ledger_postings WHERE account_code IN ($1, $2, $3, $4) AND currency = $5",
        )
        .bind(a)
        .bind(b)
        .bind(c)
        .bind(d)
        .bind(p.amount.currency.code())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        if -int(&row, "total")? != p.amount.amount_minor {
            tx.rollback().await.map_err(db_error)?;
            return Err(StoreError::Conflict);
        }
        sqlx::query(
            "INSERT INTO payouts (id, account_id, currency, amount_minor, actor_id, \
             created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(p.id.to_string())
        .bind(p.account_id.to_string())
        .bind(p.amount.currency.code())
        .bind(p.amount.amount_minor)
        .bind(p.actor_id.to_string())
        .bind(p.created_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let kind = format!("{}:{}", ledger.kind, p.id);
        insert_ledger(&mut tx, ledger, &kind, p.created_at_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn payouts(&self, limit: i64) -> StoreResult<Vec<PayoutRecord>> {
        let found = sqlx::query(
            "SELECT id, account_id, currency, amount_minor, actor_id, created_at_ms \
             FROM payouts ORDER BY created_at_ms DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok(PayoutRecord {
                    id: parse_col(&text(r, "id")?, "payout id")?,
                    account_id: parse_col(&text(r, "account_id")?, "account id")?,
                    amount: Money::new(int(r, "amount_minor")?, currency(r, "currency")?),
                    actor_id: parse_col(&text(r, "actor_id")?, "account id")?,
                    created_at_ms: int(r, "created_at_ms")?,
                })
            })
            .collect()
    }
}
