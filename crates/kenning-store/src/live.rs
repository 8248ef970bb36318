//! Live sessions: schedules, the chat, and PostgreSQL's LISTEN/NOTIFY as the channel
//! between server processes.

use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;
use kenning_app::ports::{
    ChannelStore, ChatStore, LiveScheduleStore, SeatStore, StoreError, StoreResult,
};
use kenning_domain::ids::{AccountId, LiveMessageId, OrderId, ProductId};
use kenning_domain::live::{ChatMessage, LiveSchedule};
use sqlx::any::AnyRow;

use crate::rows::{flag, int, opt_int, opt_text, text};
use crate::{Backend, SqlStore, db_error, parse_col};

const SCHEDULE_SELECT: &str = "SELECT product_id, starts_at_ms, duration_minutes, capacity, \
     stream_url, included_in FROM live_sessions";
/// Seats taken: tickets held ($1: the session), paid gifts not yet claimed, and unpaid
/// orders whose hold runs past $2 (other than order $3).
const SEATS_TAKEN: &str = "SELECT CAST( \
     (SELECT COUNT(*) FROM entitlements WHERE product_id = $1) \
     + (SELECT COUNT(*) FROM gifts g JOIN orders o ON o.id = g.order_id \
        WHERE g.product_id = $1 AND g.claimed_by IS NULL AND o.status = 'paid') \
     + (SELECT COUNT(*) FROM orders WHERE product_id = $1 AND status <> 'paid' \
        AND seat_hold_until_ms > $2 AND id <> $3) AS BIGINT) AS n";
const MESSAGE_SELECT: &str = "SELECT id, product_id, account_id, author_name, body, question, \
     pinned, answered, created_at_ms FROM live_messages";

fn schedule(row: &AnyRow) -> Result<LiveSchedule, StoreError> {
    Ok(LiveSchedule {
        product_id: parse_col::<ProductId>(&text(row, "product_id")?, "product id")?,
        starts_at_ms: int(row, "starts_at_ms")?,
        duration_minutes: int(row, "duration_minutes")?,
        capacity: opt_int(row, "capacity")?,
        stream_url: text(row, "stream_url")?,
        included_in: opt_text(row, "included_in")?
            .map(|p| parse_col::<ProductId>(&p, "product id"))
            .transpose()?,
    })
}

fn message(row: &AnyRow) -> Result<ChatMessage, StoreError> {
    Ok(ChatMessage {
        id: parse_col::<LiveMessageId>(&text(row, "id")?, "message id")?,
        product_id: parse_col::<ProductId>(&text(row, "product_id")?, "product id")?,
        account_id: parse_col::<AccountId>(&text(row, "account_id")?, "account id")?,
        author_name: text(row, "author_name")?,
        body: text(row, "body")?,
        question: flag(row, "question")?,
        pinned: flag(row, "pinned")?,
        answered: flag(row, "answered")?,
        created_at_ms: int(row, "created_at_ms")?,
    })
}

#[async_trait]
impl LiveScheduleStore for SqlStore {
    async fn set_live_schedule(&self, s: &LiveSchedule) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM live_sessions WHERE product_id = $1")
            .bind(s.product_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO live_sessions (product_id, starts_at_ms, duration_minutes, capacity, \
             stream_url, included_in) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.product_id.to_string())
        .bind(s.starts_at_ms)
        .bind(s.duration_minutes)
        .bind(s.capacity)
        .bind(&s.stream_url)
        .bind(s.included_in.map(|p| p.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn live_schedule(&self, product: ProductId) -> StoreResult<Option<LiveSchedule>> {
        let sql = sqlx::AssertSqlSafe(format!("{SCHEDULE_SELECT} WHERE product_id = $1"));
        let row = sqlx::query(sql)
            .bind(product.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(schedule).transpose()
    }

    async fn live_sessions_in(&self, product: ProductId) -> StoreResult<Vec<LiveSchedule>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SCHEDULE_SELECT} WHERE included_in = $1 ORDER BY starts_at_ms"
        ));
        let found = sqlx::query(sql)
            .bind(product.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(schedule).collect()
    }

    async fn live_sessions_starting(
        &self,
        from_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Vec<LiveSchedule>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SCHEDULE_SELECT} WHERE starts_at_ms > $1 AND starts_at_ms <= $2 \
             AND product_id IN (SELECT id FROM products WHERE status = 'published') \
             ORDER BY starts_at_ms"
        ));
        let found = sqlx::query(sql)
            .bind(from_ms)
            .bind(until_ms)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(schedule).collect()
    }
}

#[async_trait]
impl SeatStore for SqlStore {
    async fn seats_taken(&self, product: ProductId, now_ms: i64) -> StoreResult<i64> {
        // No order is left out of the count ('' is no order's id).
        let row = sqlx::query(SEATS_TAKEN)
            .bind(product.to_string())
            .bind(now_ms)
            .bind("")
            .fetch_one(self.pool())
            .await
            .map_err(db_error)?;
        int(&row, "n")
    }

    async fn hold_seat(
        &self,
        order: OrderId,
        product: ProductId,
        capacity: i64,
        now_ms: i64,
        until_ms: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Lock the session (a row lock on PostgreSQL, the write lock on SQLite) so that
        // holds for it are counted and made one at a time.
        sqlx::query("UPDATE live_sessions SET product_id = product_id WHERE product_id = $1")
            .bind(product.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let row = sqlx::query(SEATS_TAKEN)
            .bind(product.to_string())
            .bind(now_ms)
            .bind(order.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        if int(&row, "n")? >= capacity {
            tx.rollback().await.map_err(db_error)?;
            return Ok(false);
        }
        sqlx::query("UPDATE orders SET seat_hold_until_ms = $1 WHERE id = $2")
            .bind(until_ms)
            .bind(order.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn release_seat(&self, order: OrderId) -> StoreResult<()> {
        sqlx::query(
            "UPDATE orders SET seat_hold_until_ms = NULL WHERE id = $1 AND status <> 'paid'",
        )
        .bind(order.to_string())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl ChatStore for SqlStore {
    async fn insert_live_message(&self, m: &ChatMessage) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO live_messages (id, product_id, account_id, author_name, body, \
             question, pinned, answered, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(m.id.to_string())
        .bind(m.product_id.to_string())
        .bind(m.account_id.to_string())
        .bind(&m.author_name)
        .bind(&m.body)
        .bind(m.question)
        .bind(m.pinned)
        .bind(m.answered)
        .bind(m.created_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn update_live_message(&self, m: &ChatMessage) -> StoreResult<()> {
        let done = sqlx::query("UPDATE live_messages SET pinned = $1, answered = $2 WHERE id = $3")
            .bind(m.pinned)
            .bind(m.answered)
            .bind(m.id.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn live_message(&self, id: LiveMessageId) -> StoreResult<Option<ChatMessage>> {
        let sql = sqlx::AssertSqlSafe(format!("{MESSAGE_SELECT} WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(message).transpose()
    }

    async fn live_messages(&self, product: ProductId, limit: i64) -> StoreResult<Vec<ChatMessage>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE product_id = $1 ORDER BY created_at_ms DESC, id DESC LIMIT $2"
        ));
        let found = sqlx::query(sql)
            .bind(product.to_string())
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        let mut messages = found.iter().map(message).collect::<StoreResult<Vec<_>>>()?;
        messages.reverse();
        Ok(messages)
    }
}

#[async_trait]
impl ChannelStore for SqlStore {
    async fn notify(&self, channel: &str, payload: &str) -> StoreResult<bool> {
        if self.backend != Backend::Postgres {
            return Ok(false);
        }
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(true)
    }

    async fn listen(&self, channel: &str) -> StoreResult<Option<BoxStream<'static, String>>> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        // A connection of its own, outside the pool. After an error, the next `recv`
        // reconnects (notifications sent meanwhile are lost; a room sends its history on
        // entry), so the stream never ends.
        let mut listener = sqlx::postgres::PgListener::connect(&self.url)
            .await
            .map_err(db_error)?;
        listener.listen(channel).await.map_err(db_error)?;
        let stream = futures::stream::unfold(listener, |mut listener| async move {
            loop {
                match listener.recv().await {
                    Ok(n) => return Some((n.payload().to_owned(), listener)),
                    Err(e) => {
                        tracing::warn!(error = %e, "live channel interrupted; reconnecting");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(Some(stream.boxed()))
    }
}
