//! The job queue and the change feed.
//!
//! Workers claim with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers on several nodes
//! take different jobs without waiting for each other; SQLite has one writer (and one
//! worker), so the same UPDATE without the clause is enough there.

use async_trait::async_trait;
use kenning_app::ports::{JobStore, StoreError, StoreResult};
use kenning_domain::jobs::{Change, Job, JobRecord, JobStatus, Topic};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::{Backend, SqlStore, db_error, parse_col, rows};

const JOB_COLUMNS: &str =
    "id, kind, payload, status, attempts, run_at_ms, last_error, created_at_ms, finished_at_ms";

fn job(row: &AnyRow) -> StoreResult<JobRecord> {
    let status = rows::text(row, "status")?;
    Ok(JobRecord {
        id: rows::int(row, "id")?,
        kind: rows::text(row, "kind")?,
        job: rows::json::<Job>(row, "payload").ok(),
        status: JobStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("job status: {status:?}")))?,
        attempts: rows::int(row, "attempts")?,
        run_at_ms: rows::int(row, "run_at_ms")?,
        last_error: rows::opt_text(row, "last_error")?,
        created_at_ms: rows::int(row, "created_at_ms")?,
        finished_at_ms: rows::opt_int(row, "finished_at_ms")?,
    })
}

fn change(row: &AnyRow) -> StoreResult<Change> {
    let topic = match rows::text(row, "topic")?.as_str() {
        "product" => Topic::Product,
        "signals" => Topic::Signals,
        other => return Err(StoreError::Corrupt(format!("change topic: {other:?}"))),
    };
    Ok(Change {
        seq: rows::int(row, "seq")?,
        topic,
        product: parse_col(&rows::text(row, "entity_id")?, "changed product")?,
    })
}

/// Queues a job on `conn` (a transaction's, so that the job commits with the change
/// that causes it).
pub(crate) async fn insert_job(
    conn: &mut AnyConnection,
    job: &Job,
    key: Option<String>,
    run_at_ms: i64,
    now_ms: i64,
) -> StoreResult<Option<i64>> {
    let row = sqlx::query(
        "INSERT INTO jobs (kind, payload, unique_key, status, run_at_ms, created_at_ms) \
         VALUES ($1, $2, $3, 'queued', $4, $5) \
         ON CONFLICT (unique_key) DO NOTHING RETURNING id",
    )
    .bind(job.kind())
    .bind(rows::to_json(job)?)
    .bind(key)
    .bind(run_at_ms)
    .bind(now_ms)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(|r| rows::int(r, "id")).transpose()
}

#[async_trait]
impl JobStore for SqlStore {
    async fn enqueue(&self, job: &Job, run_at_ms: i64, now_ms: i64) -> StoreResult<Option<i64>> {
        let mut conn = self.pool().acquire().await.map_err(db_error)?;
        insert_job(&mut conn, job, job.unique_key(), run_at_ms, now_ms).await
    }

    async fn enqueue_keyed(
        &self,
        job: &Job,
        key: &str,
        run_at_ms: i64,
        now_ms: i64,
    ) -> StoreResult<Option<i64>> {
        let mut conn = self.pool().acquire().await.map_err(db_error)?;
        insert_job(&mut conn, job, Some(key.to_owned()), run_at_ms, now_ms).await
    }

    async fn claim_jobs(
        &self,
        worker: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<JobRecord>> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1, \
                 locked_until_ms = $2 \
             WHERE id IN (SELECT id FROM jobs \
                 WHERE (status = 'queued' AND run_at_ms <= $3) \
                    OR (status = 'running' AND locked_until_ms < $3) \
                 ORDER BY run_at_ms, id LIMIT $4 {lock}) \
             RETURNING {JOB_COLUMNS}"
        ));
        let found = sqlx::query(sql)
            .bind(worker.to_owned())
            .bind(now_ms.saturating_add(lease_ms))
            .bind(now_ms)
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        let mut claimed = Vec::with_capacity(found.len());
        for row in &found {
            match job(row).and_then(|r| match r.job {
                Some(_) => Ok(r),
                None => Err(StoreError::Corrupt(format!(
                    "payload of a {:?} job",
                    r.kind
                ))),
            }) {
                Ok(record) => claimed.push(record),
                // A job no version of this program can read (written by a newer one, or
                // damaged) would fail forever: it waits for an operator at once, and
                // the rest of the batch runs.
                Err(e) => {
                    sqlx::query(
                        "UPDATE jobs SET status = 'failed', finished_at_ms = $1, \
                             last_error = $2, locked_by = NULL, locked_until_ms = NULL \
                         WHERE id = $3",
                    )
                    .bind(now_ms)
                    .bind(format!("unreadable job: {e}"))
                    .bind(rows::int(row, "id")?)
                    .execute(self.pool())
                    .await
                    .map_err(db_error)?;
                }
            }
        }
        claimed.sort_by_key(|j| (j.run_at_ms, j.id));
        Ok(claimed)
    }

    async fn finish_job(&self, id: i64, worker: &str, now_ms: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE jobs SET status = 'done', finished_at_ms = $1, locked_by = NULL, \
                 locked_until_ms = NULL \
             WHERE id = $2 AND locked_by = $3 AND status = 'running'",
        )
        .bind(now_ms)
        .bind(id)
        .bind(worker.to_owned())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at_ms: Option<i64>,
        now_ms: i64,
    ) -> StoreResult<()> {
        let error: String = error.chars().take(2000).collect();
        let query = match retry_at_ms {
            Some(at) => sqlx::query(
                "UPDATE jobs SET status = 'queued', run_at_ms = $1, last_error = $2, \
                     locked_by = NULL, locked_until_ms = NULL \
                 WHERE id = $3 AND locked_by = $4 AND status = 'running'",
            )
            .bind(at),
            None => sqlx::query(
                "UPDATE jobs SET status = 'failed', finished_at_ms = $1, last_error = $2, \
                     locked_by = NULL, locked_until_ms = NULL \
                 WHERE id = $3 AND locked_by = $4 AND status = 'running'",
            )
            .bind(now_ms),
        };
        query
            .bind(error)
            .bind(id)
            .bind(worker.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn jobs(&self, status: Option<JobStatus>, limit: i64) -> StoreResult<Vec<JobRecord>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE ($1 = '' OR status = $1) \
             ORDER BY id DESC LIMIT $2"
        ));
        let found = sqlx::query(sql)
            .bind(status.map_or("", JobStatus::as_str))
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(job).collect()
    }

    async fn job(&self, id: i64) -> StoreResult<Option<JobRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(job).transpose()
    }

    async fn retry_job(&self, id: i64, now_ms: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'queued', attempts = 0, run_at_ms = $1, \
                 finished_at_ms = NULL \
             WHERE id = $2 AND status = 'failed'",
        )
        .bind(now_ms)
        .bind(id)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn jobs_keyed(&self, prefix: &str) -> StoreResult<Vec<String>> {
        let found = sqlx::query(
            "SELECT unique_key FROM jobs WHERE substr(unique_key, 1, length($1)) = $1 \
             ORDER BY unique_key",
        )
        .bind(prefix.to_owned())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found.iter().map(|r| rows::text(r, "unique_key")).collect()
    }

    async fn prune_jobs(&self, before_ms: i64) -> StoreResult<u64> {
        let jobs = sqlx::query(
            "DELETE FROM jobs WHERE status = 'done' AND finished_at_ms < $1 \
                 AND (unique_key IS NULL OR substr(unique_key, 1, 6) <> 'every:')",
        )
        .bind(before_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        // A periodic job's row says its period ran; kept a week, longer than any period.
        let periodic = sqlx::query(
            "DELETE FROM jobs WHERE status = 'done' AND finished_at_ms < $1 \
                 AND substr(unique_key, 1, 6) = 'every:'",
        )
        .bind(before_ms.saturating_sub(6 * 24 * 60 * 60 * 1000))
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        let changes = sqlx::query("DELETE FROM changes WHERE at_ms < $1")
            .bind(before_ms)
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        // Sign-in challenges and mailed links are useless once expired; a link's row is
        // kept a week past that, so following it still says "expired" rather than
        // "unknown". A reminder's key outlives the longest period it may name.
        const DAY_MS: i64 = 24 * 60 * 60 * 1000;
        let mut secrets = 0;
        for (sql, cutoff) in [
            (
                "DELETE FROM login_challenges WHERE expires_at_ms < $1",
                before_ms,
            ),
            (
                "DELETE FROM account_tokens WHERE expires_at_ms < $1",
                before_ms.saturating_sub(7 * DAY_MS),
            ),
            (
                "DELETE FROM reminders_sent WHERE sent_at_ms < $1",
                before_ms.saturating_sub(400 * DAY_MS),
            ),
        ] {
            secrets += sqlx::query(sql)
                .bind(cutoff)
                .execute(self.pool())
                .await
                .map_err(db_error)?
                .rows_affected();
        }
        Ok(jobs.rows_affected() + periodic.rows_affected() + changes.rows_affected() + secrets)
    }

    async fn changes_after(&self, seq: i64, limit: i64) -> StoreResult<Vec<Change>> {
        let found = sqlx::query(
            "SELECT seq, topic, entity_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found.iter().map(change).collect()
    }

    async fn last_change(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS seq FROM changes")
            .fetch_one(self.pool())
            .await
            .map_err(db_error)?;
        rows::int(&row, "seq")
    }

    async fn mark_catalog_changed(&self) -> StoreResult<u64> {
        let done = sqlx::query(
            "INSERT INTO changes (topic, entity_id) \
             SELECT 'product', id FROM products WHERE status = 'published'",
        )
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify('kenning_changes', 'reindex')")
                .execute(self.pool())
                .await
                .map_err(db_error)?;
        }
        Ok(done.rows_affected())
    }
}
