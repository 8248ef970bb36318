//! Media records, learning progress and shared secrets.

use async_trait::async_trait;
use kenning_app::ports::{
    FeedStore, FeedVersion, MediaRecordStore, ProgressStore, SecretStore, StoreError, StoreResult,
    Student,
};
use kenning_domain::ids::{AccountId, LessonId, MediaId, ProductId};
use kenning_domain::media::{LessonProgress, Media, MediaKind};
use sqlx::any::AnyRow;

use crate::{SqlStore, db_error, parse_col, rows};

const MEDIA_SELECT: &str = "SELECT id, product_id, lesson_id, kind, content_type, bytes, \
     object_key, file_name, created_at_ms FROM media";
const PROGRESS_SELECT: &str = "SELECT account_id, lesson_id, product_id, position_ms, \
     completed, updated_at_ms FROM lesson_progress";

fn media(row: &AnyRow) -> StoreResult<Media> {
    let kind = rows::text(row, "kind")?;
    Ok(Media {
        id: parse_col(&rows::text(row, "id")?, "media id")?,
        product_id: parse_col(&rows::text(row, "product_id")?, "product id")?,
        lesson_id: parse_col(&rows::text(row, "lesson_id")?, "lesson id")?,
        kind: MediaKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("media kind {kind:?}")))?,
        content_type: rows::text(row, "content_type")?,
        bytes: u64::try_from(rows::int(row, "bytes")?)
            .map_err(|_| StoreError::Corrupt("negative media size".into()))?,
        object_key: rows::text(row, "object_key")?,
        file_name: rows::text(row, "file_name")?,
        created_at_ms: rows::int(row, "created_at_ms")?,
    })
}

fn progress(row: &AnyRow) -> StoreResult<LessonProgress> {
    Ok(LessonProgress {
        account_id: parse_col(&rows::text(row, "account_id")?, "account id")?,
        lesson_id: parse_col(&rows::text(row, "lesson_id")?, "lesson id")?,
        product_id: parse_col(&rows::text(row, "product_id")?, "product id")?,
        position_ms: rows::int(row, "position_ms")?,
        completed: rows::flag(row, "completed")?,
        updated_at_ms: rows::int(row, "updated_at_ms")?,
    })
}

#[async_trait]
impl ProgressStore for SqlStore {
    async fn progress(
        &self,
        account: AccountId,
        lesson: LessonId,
    ) -> StoreResult<Option<LessonProgress>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PROGRESS_SELECT} WHERE account_id = $1 AND lesson_id = $2"
        ));
        let found = sqlx::query(sql)
            .bind(account.to_string())
            .bind(lesson.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        found.as_ref().map(progress).transpose()
    }

    async fn save_progress(&self, p: &LessonProgress) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO lesson_progress (account_id, lesson_id, product_id, position_ms, \
             completed, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (account_id, lesson_id) DO UPDATE SET \
             position_ms = excluded.position_ms, completed = excluded.completed, \
             updated_at_ms = excluded.updated_at_ms",
        )
        .bind(p.account_id.to_string())
        .bind(p.lesson_id.to_string())
        .bind(p.product_id.to_string())
        .bind(p.position_ms)
        .bind(p.completed)
        .bind(p.updated_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn progress_of(&self, account: AccountId) -> StoreResult<Vec<LessonProgress>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PROGRESS_SELECT} WHERE account_id = $1 ORDER BY updated_at_ms DESC, lesson_id"
        ));
        let found = sqlx::query(sql)
            .bind(account.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(progress).collect()
    }

    async fn progress_in(&self, product: ProductId) -> StoreResult<Vec<LessonProgress>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{PROGRESS_SELECT} WHERE product_id = $1 ORDER BY updated_at_ms, account_id"
        ));
        let found = sqlx::query(sql)
            .bind(product.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(progress).collect()
    }

    async fn students(&self, product: ProductId) -> StoreResult<Vec<Student>> {
        let found = sqlx::query(
            "SELECT e.account_id, a.display_name, a.email, e.granted_at_ms, e.source, \
             (SELECT COALESCE(SUM(CASE WHEN p.completed THEN 1 ELSE 0 END), 0) \
              FROM lesson_progress p \
              WHERE p.account_id = e.account_id AND p.product_id = e.product_id) AS completed, \
             (SELECT MAX(p.updated_at_ms) FROM lesson_progress p \
              WHERE p.account_id = e.account_id AND p.product_id = e.product_id) AS last_active \
             FROM entitlements e JOIN accounts a ON a.id = e.account_id \
             WHERE e.product_id = $1 ORDER BY e.granted_at_ms DESC, e.account_id",
        )
        .bind(product.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok(Student {
                    account_id: parse_col(&rows::text(r, "account_id")?, "account id")?,
                    name: rows::text(r, "display_name")?,
                    email: rows::text(r, "email")?,
                    since_ms: rows::int(r, "granted_at_ms")?,
                    source: rows::text(r, "source")?,
                    completed: rows::int(r, "completed")?,
                    last_active_ms: rows::opt_int(r, "last_active")?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl FeedStore for SqlStore {
    async fn feed_version(&self, account: AccountId, product: ProductId) -> StoreResult<i64> {
        let found = sqlx::query(
            "SELECT version FROM feed_versions WHERE account_id = $1 AND product_id = $2",
        )
        .bind(account.to_string())
        .bind(product.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        found.map_or(Ok(0), |r| rows::int(&r, "version"))
    }

    async fn feed_versions(&self, account: AccountId) -> StoreResult<Vec<FeedVersion>> {
        let found =
            sqlx::query("SELECT product_id, version FROM feed_versions WHERE account_id = $1")
                .bind(account.to_string())
                .fetch_all(self.pool())
                .await
                .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok(FeedVersion {
                    product_id: parse_col(&rows::text(r, "product_id")?, "product id")?,
                    version: rows::int(r, "version")?,
                })
            })
            .collect()
    }

    async fn bump_feed_version(&self, account: AccountId, product: ProductId) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO feed_versions (account_id, product_id, version) VALUES ($1, $2, 1) \
             ON CONFLICT (account_id, product_id) \
             DO UPDATE SET version = feed_versions.version + 1 RETURNING version",
        )
        .bind(account.to_string())
        .bind(product.to_string())
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        rows::int(&row, "version")
    }
}

#[async_trait]
impl MediaRecordStore for SqlStore {
    async fn insert_media(&self, m: &Media) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO media (id, product_id, lesson_id, kind, content_type, bytes, \
             object_key, file_name, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(m.id.to_string())
        .bind(m.product_id.to_string())
        .bind(m.lesson_id.to_string())
        .bind(m.kind.as_str())
        .bind(m.content_type.clone())
        .bind(i64::try_from(m.bytes).map_err(|_| StoreError::Backend("file too large".into()))?)
        .bind(m.object_key.clone())
        .bind(m.file_name.clone())
        .bind(m.created_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn media(&self, id: MediaId) -> StoreResult<Option<Media>> {
        let sql = sqlx::AssertSqlSafe(format!("{MEDIA_SELECT} WHERE id = $1"));
        let found = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        found.as_ref().map(media).transpose()
    }

    async fn lesson_media(&self, lesson: LessonId) -> StoreResult<Vec<Media>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{MEDIA_SELECT} WHERE lesson_id = $1 ORDER BY created_at_ms, id"
        ));
        let found = sqlx::query(sql)
            .bind(lesson.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(media).collect()
    }

    async fn product_media(&self, product: ProductId) -> StoreResult<Vec<Media>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{MEDIA_SELECT} WHERE product_id = $1 ORDER BY created_at_ms, id"
        ));
        let found = sqlx::query(sql)
            .bind(product.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(media).collect()
    }
}

#[async_trait]
impl SecretStore for SqlStore {
    async fn secret(&self, name: &str, candidate: &str) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name.to_owned())
        .bind(candidate.to_owned())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        let row = sqlx::query("SELECT value FROM secrets WHERE name = $1")
            .bind(name.to_owned())
            .fetch_one(self.pool())
            .await
            .map_err(db_error)?;
        rows::text(&row, "value")
    }
}
