//! Paid questions and their answers.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, OrderId, ProductId, QuestionId};
use kenning_domain::question::{Question, QuestionStatus};

use super::StoreResult;

/// Paid questions and their answers.
#[async_trait]
pub trait QuestionStore: Send + Sync {
    async fn insert_question(&self, question: &Question) -> StoreResult<()>;
    /// Writes a member's question (no order) unless its asker has already asked this
    /// desk `allowed` such questions since `since_ms`; false when the allowance is used.
    async fn insert_member_question(
        &self,
        question: &Question,
        since_ms: i64,
        allowed: i64,
    ) -> StoreResult<bool>;
    /// How many member's questions `asker` put to a desk since `since_ms`.
    async fn member_questions_since(
        &self,
        asker: AccountId,
        product: ProductId,
        since_ms: i64,
    ) -> StoreResult<i64>;
    /// A question with when its order was paid (`None`: not yet).
    async fn question(&self, id: QuestionId) -> StoreResult<Option<(Question, Option<i64>)>>;
    async fn question_of_order(&self, order: OrderId) -> StoreResult<Option<Question>>;
    /// Questions to a creator whose orders are paid, newest first, with when paid.
    async fn questions_to(&self, creator: AccountId) -> StoreResult<Vec<(Question, i64)>>;
    /// A person's questions, newest first, with when paid.
    async fn questions_from(&self, asker: AccountId) -> StoreResult<Vec<(Question, Option<i64>)>>;
    /// Writes the answer to a question still waiting for one; false when it was not.
    async fn answer_question(&self, id: QuestionId, answer: &str, now_ms: i64)
    -> StoreResult<bool>;
    /// Moves a question from one status to another; false when it was not in `from`.
    async fn move_question(
        &self,
        id: QuestionId,
        from: QuestionStatus,
        to: QuestionStatus,
    ) -> StoreResult<bool>;
    /// Unanswered questions whose orders were paid (members' questions: asked) before
    /// `paid_before_ms`.
    async fn overdue_questions(&self, paid_before_ms: i64) -> StoreResult<Vec<Question>>;
}
