//! The audit log: appended, never updated (triggers refuse UPDATE and DELETE).

use async_trait::async_trait;
use kenning_app::ports::{AuditLogStore, StoreError, StoreResult};
use kenning_domain::audit::{AuditEntry, AuditFilter, AuditRecord};
use sqlx::any::AnyRow;

use crate::{SqlStore, db_error, parse_col, rows};

fn json_col(row: &AnyRow, col: &str) -> StoreResult<Option<serde_json::Value>> {
    rows::opt_text(row, col)?
        .map(|raw| {
            serde_json::from_str(&raw).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
        })
        .transpose()
}

fn record(row: &AnyRow) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        id: rows::int(row, "id")?,
        at_ms: rows::int(row, "at_ms")?,
        actor: rows::opt_text(row, "actor_id")?
            .map(|id| parse_col(&id, "actor"))
            .transpose()?,
        actor_email: rows::opt_text(row, "actor_email")?,
        action: parse_col(&rows::text(row, "action")?, "audit action")?,
        target: rows::text(row, "target")?,
        before: json_col(row, "before_json")?,
        after: json_col(row, "after_json")?,
        reason: rows::opt_text(row, "reason")?,
    })
}

/// A filter value bound to a numbered parameter.
enum Bound {
    Text(String),
    Int(i64),
}

#[async_trait]
impl AuditLogStore for SqlStore {
    async fn append_audit(&self, entry: &AuditEntry, at_ms: i64) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO audit_log (at_ms, actor_id, actor_email, action, target, before_json, \
             after_json, reason) \
             VALUES ($1, $2, (SELECT email FROM accounts WHERE id = $2), $3, $4, $5, $6, $7) \
             RETURNING id",
        )
        .bind(at_ms)
        .bind(entry.actor.map(|a| a.to_string()))
        .bind(entry.action.as_str())
        .bind(entry.target.clone())
        .bind(entry.before.as_ref().map(serde_json::Value::to_string))
        .bind(entry.after.as_ref().map(serde_json::Value::to_string))
        .bind(entry.reason.clone())
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        rows::int(&row, "id")
    }

    async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> StoreResult<Vec<AuditRecord>> {
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        let mut add = |clause: &str, value: Bound| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("${}", values.len())));
        };
        if let Some(action) = filter.action {
            add("action = ?", Bound::Text(action.as_str().to_owned()));
        }
        if let Some(actor) = filter.actor {
            add("actor_id = ?", Bound::Text(actor.to_string()));
        }
        if let Some(target) = &filter.target {
            // A prefix: `order:` lists every order's entries. LIKE's own wildcards in
            // the text are escaped.
            let escaped = target
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            add(
                "target LIKE ? ESCAPE '\\'",
                Bound::Text(format!("{escaped}%")),
            );
        }
        if let Some(from) = filter.from_ms {
            add("at_ms >= ?", Bound::Int(from));
        }
        if let Some(until) = filter.until_ms {
            add("at_ms < ?", Bound::Int(until));
        }
        if let Some(before) = filter.before_id {
            add("id < ?", Bound::Int(before));
        }
        let condition = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT id, at_ms, actor_id, actor_email, action, target, before_json, after_json, \
             reason FROM audit_log {condition} ORDER BY id DESC LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        let mut query = sqlx::query(sql);
        for value in values {
            query = match value {
                Bound::Text(text) => query.bind(text),
                Bound::Int(n) => query.bind(n),
            };
        }
        let found = query.fetch_all(self.pool()).await.map_err(db_error)?;
        found.iter().map(record).collect()
    }
}
