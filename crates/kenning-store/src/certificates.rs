//! Certificates of completion and marked copies of documents.

use async_trait::async_trait;
use kenning_app::ports::{CertificateStore, MarkedCopyStore, StoreResult};
use kenning_domain::certificate::{Certificate, CertificateCode};
use kenning_domain::ids::{AccountId, MediaId, ProductId};
use sqlx::any::AnyRow;

use crate::rows::{int, json, text, to_json};
use crate::{SqlStore, db_error, parse_col};

const CERTIFICATE_SELECT: &str = "SELECT id, account_id, product_id, holder_name, \
     creator_name, product_title, lessons, issued_at_ms FROM certificates";

fn certificate(row: &AnyRow) -> StoreResult<Certificate> {
    Ok(Certificate {
        code: parse_col::<CertificateCode>(&text(row, "id")?, "certificate code")?,
        account_id: parse_col::<AccountId>(&text(row, "account_id")?, "account id")?,
        product_id: parse_col::<ProductId>(&text(row, "product_id")?, "product id")?,
        holder_name: text(row, "holder_name")?,
        creator_name: text(row, "creator_name")?,
        product_title: json(row, "product_title")?,
        lessons: int(row, "lessons")?,
        issued_at_ms: int(row, "issued_at_ms")?,
    })
}

fn copy(row: &AnyRow) -> StoreResult<(String, u64)> {
    Ok((
        text(row, "object_key")?,
        u64::try_from(int(row, "bytes")?).unwrap_or(0),
    ))
}

#[async_trait]
impl CertificateStore for SqlStore {
    async fn insert_certificate(&self, c: &Certificate) -> StoreResult<Certificate> {
        sqlx::query(
            "INSERT INTO certificates (id, account_id, product_id, holder_name, creator_name, \
             product_title, lessons, issued_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (account_id, product_id) DO NOTHING",
        )
        .bind(c.code.to_string())
        .bind(c.account_id.to_string())
        .bind(c.product_id.to_string())
        .bind(&c.holder_name)
        .bind(&c.creator_name)
        .bind(to_json(&c.product_title)?)
        .bind(c.lessons)
        .bind(c.issued_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        self.certificate_of(c.account_id, c.product_id)
            .await?
            .ok_or(kenning_app::ports::StoreError::NotFound)
    }

    async fn certificate(&self, code: &CertificateCode) -> StoreResult<Option<Certificate>> {
        let sql = sqlx::AssertSqlSafe(format!("{CERTIFICATE_SELECT} WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(code.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(certificate).transpose()
    }

    async fn certificate_of(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<Certificate>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CERTIFICATE_SELECT} WHERE account_id = $1 AND product_id = $2"
        ));
        let row = sqlx::query(sql)
            .bind(account.to_string())
            .bind(product.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(certificate).transpose()
    }

    async fn certificates_of(&self, account: AccountId) -> StoreResult<Vec<Certificate>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{CERTIFICATE_SELECT} WHERE account_id = $1 ORDER BY issued_at_ms DESC"
        ));
        let found = sqlx::query(sql)
            .bind(account.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(certificate).collect()
    }
}

#[async_trait]
impl MarkedCopyStore for SqlStore {
    async fn marked_copy(
        &self,
        media: MediaId,
        account: AccountId,
    ) -> StoreResult<Option<(String, u64)>> {
        let row = sqlx::query(
            "SELECT object_key, bytes FROM marked_copies WHERE media_id = $1 AND account_id = $2",
        )
        .bind(media.to_string())
        .bind(account.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.as_ref().map(copy).transpose()
    }

    async fn insert_marked_copy(
        &self,
        media: MediaId,
        account: AccountId,
        object_key: &str,
        bytes: u64,
        now_ms: i64,
    ) -> StoreResult<(String, u64)> {
        sqlx::query(
            "INSERT INTO marked_copies (media_id, account_id, object_key, bytes, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (media_id, account_id) DO NOTHING",
        )
        .bind(media.to_string())
        .bind(account.to_string())
        .bind(object_key)
        .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
        .bind(now_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        self.marked_copy(media, account)
            .await?
            .ok_or(kenning_app::ports::StoreError::NotFound)
    }
}
