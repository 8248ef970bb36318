//! Paid questions.

use async_trait::async_trait;
use kenning_app::ports::{QuestionStore, StoreError, StoreResult};
use kenning_domain::ids::{AccountId, OrderId, ProductId, QuestionId};
use kenning_domain::question::{Question, QuestionStatus};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::rows::{int, opt_int, opt_text, text};
use crate::{SqlStore, db_error, parse_col};

/// A member's question (no order) counts as paid when it was asked.
const QUESTION_SELECT: &str = "SELECT q.id, q.order_id, q.product_id, q.asker_id, \
     q.creator_id, q.body, q.answer, q.status, q.created_at_ms, q.answered_at_ms, \
     CASE WHEN q.order_id IS NULL THEN q.created_at_ms ELSE o.paid_at_ms END AS paid_at_ms \
     FROM questions q LEFT JOIN orders o ON o.id = q.order_id";

const QUESTION_COLUMNS: &str = "id, order_id, product_id, asker_id, creator_id, body, \
     answer, status, created_at_ms, answered_at_ms";

fn question(row: &AnyRow) -> StoreResult<Question> {
    let status = text(row, "status")?;
    Ok(Question {
        id: parse_col(&text(row, "id")?, "question id")?,
        order_id: opt_text(row, "order_id")?
            .map(|o| parse_col(&o, "order id"))
            .transpose()?,
        product_id: parse_col(&text(row, "product_id")?, "product id")?,
        asker_id: parse_col(&text(row, "asker_id")?, "account id")?,
        creator_id: parse_col(&text(row, "creator_id")?, "account id")?,
        body: text(row, "body")?,
        answer: opt_text(row, "answer")?,
        status: QuestionStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("question status {status:?}")))?,
        created_at_ms: int(row, "created_at_ms")?,
        answered_at_ms: opt_int(row, "answered_at_ms")?,
    })
}

fn with_paid_at(row: &AnyRow) -> StoreResult<(Question, Option<i64>)> {
    Ok((question(row)?, opt_int(row, "paid_at_ms")?))
}

impl SqlStore {
    async fn questions_where(
        &self,
        condition: &str,
        bind: String,
    ) -> StoreResult<Vec<(Question, Option<i64>)>> {
        let sql = AssertSqlSafe(format!(
            "{QUESTION_SELECT} WHERE {condition} ORDER BY q.created_at_ms DESC, q.id"
        ));
        let found = sqlx::query(sql)
            .bind(bind)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(with_paid_at).collect()
    }
}

#[async_trait]
impl QuestionStore for SqlStore {
    async fn insert_question(&self, q: &Question) -> StoreResult<()> {
        let sql = AssertSqlSafe(format!(
            "INSERT INTO questions ({QUESTION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ));
        sqlx::query(sql)
            .bind(q.id.to_string())
            .bind(q.order_id.map(|o| o.to_string()))
            .bind(q.product_id.to_string())
            .bind(q.asker_id.to_string())
            .bind(q.creator_id.to_string())
            .bind(q.body.clone())
            .bind(q.answer.clone())
            .bind(q.status.as_str())
            .bind(q.created_at_ms)
            .bind(q.answered_at_ms)
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn insert_member_question(
        &self,
        q: &Question,
        since_ms: i64,
        allowed: i64,
    ) -> StoreResult<bool> {
        // One statement: the count and the insert cannot be split by another request.
        let sql = AssertSqlSafe(format!(
            "INSERT INTO questions ({QUESTION_COLUMNS}) \
             SELECT $1, NULL, $2, $3, $4, $5, NULL, 'asked', $6, NULL \
             WHERE (SELECT COUNT(*) FROM questions WHERE asker_id = $3 AND product_id = $2 \
             AND order_id IS NULL AND created_at_ms >= $7) < $8"
        ));
        let done = sqlx::query(sql)
            .bind(q.id.to_string())
            .bind(q.product_id.to_string())
            .bind(q.asker_id.to_string())
            .bind(q.creator_id.to_string())
            .bind(q.body.clone())
            .bind(q.created_at_ms)
            .bind(since_ms)
            .bind(allowed)
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn member_questions_since(
        &self,
        asker: AccountId,
        product: ProductId,
        since_ms: i64,
    ) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM questions WHERE asker_id = $1 AND product_id = $2 \
             AND order_id IS NULL AND created_at_ms >= $3",
        )
        .bind(asker.to_string())
        .bind(product.to_string())
        .bind(since_ms)
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        int(&row, "n")
    }

    async fn question(&self, id: QuestionId) -> StoreResult<Option<(Question, Option<i64>)>> {
        Ok(self
            .questions_where("q.id = $1", id.to_string())
            .await?
            .into_iter()
            .next())
    }

    async fn question_of_order(&self, order: OrderId) -> StoreResult<Option<Question>> {
        Ok(self
            .questions_where("q.order_id = $1", order.to_string())
            .await?
            .into_iter()
            .next()
            .map(|(q, _)| q))
    }

    async fn questions_to(&self, creator: AccountId) -> StoreResult<Vec<(Question, i64)>> {
        Ok(self
            .questions_where(
                "q.creator_id = $1 AND (o.status = 'paid' OR q.order_id IS NULL)",
                creator.to_string(),
            )
            .await?
            .into_iter()
            .filter_map(|(q, paid)| paid.map(|at| (q, at)))
            .collect())
    }

    async fn questions_from(&self, asker: AccountId) -> StoreResult<Vec<(Question, Option<i64>)>> {
        self.questions_where("q.asker_id = $1", asker.to_string())
            .await
    }

    async fn answer_question(
        &self,
        id: QuestionId,
        answer: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE questions SET answer = $1, status = 'answered', answered_at_ms = $2 \
             WHERE id = $3 AND status = 'asked'",
        )
        .bind(answer.to_owned())
        .bind(now_ms)
        .bind(id.to_string())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn move_question(
        &self,
        id: QuestionId,
        from: QuestionStatus,
        to: QuestionStatus,
    ) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE questions SET status = $1 WHERE id = $2 AND status = $3")
            .bind(to.as_str())
            .bind(id.to_string())
            .bind(from.as_str())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn overdue_questions(&self, paid_before_ms: i64) -> StoreResult<Vec<Question>> {
        let sql = AssertSqlSafe(format!(
            "{QUESTION_SELECT} WHERE q.status = 'asked' AND ((o.status = 'paid' \
             AND o.paid_at_ms < $1) OR (q.order_id IS NULL AND q.created_at_ms < $1)) \
             ORDER BY q.created_at_ms, q.id"
        ));
        let found = sqlx::query(sql)
            .bind(paid_before_ms)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(question).collect()
    }
}
