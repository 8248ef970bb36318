//! Paid questions (付费问答): a creator's consultation product is bought once per
//! question. Paying opens the question to the creator, who answers within
//! [`ANSWER_WITHIN_DAYS`]; an unanswered one is refunded in full by the background job.

use kenning_domain::account::Role;
use kenning_domain::catalog::ProductKind;
use kenning_domain::ids::{ProductId, QuestionId};
use kenning_domain::order;
use kenning_domain::question::{
    ANSWER_WITHIN_DAYS, MEMBER_QUESTIONS, MEMBER_QUESTIONS_DAYS, Question, QuestionStatus,
    answer_due_ms, member_window_start, question_text,
};

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

/// A question with when it must be answered (once its order is paid).
#[derive(Clone, Debug)]
pub struct QuestionView {
    pub question: Question,
    pub due_at_ms: Option<i64>,
}

impl Kenning {
    /// The person's questions, newest first.
    pub async fn my_questions(&self, user: &CurrentUser) -> Result<Vec<QuestionView>, AppError> {
        Ok(self
            .store
            .questions_from(user.account.id)
            .await?
            .into_iter()
            .map(|(question, paid)| QuestionView {
                question,
                due_at_ms: paid.map(answer_due_ms),
            })
            .collect())
    }

    /// Paid questions to this creator, newest first.
    pub async fn question_inbox(&self, user: &CurrentUser) -> Result<Vec<QuestionView>, AppError> {
        if !user.account.role.can_create_products() {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store
            .questions_to(user.account.id)
            .await?
            .into_iter()
            .map(|(question, paid)| QuestionView {
                question,
                due_at_ms: Some(answer_due_ms(paid)),
            })
            .collect())
    }

    /// Whether an order bought a question.
    pub async fn is_question_order(
        &self,
        order: &kenning_domain::order::Order,
    ) -> Result<bool, AppError> {
        Ok(self.store.question_of_order(order.id).await?.is_some())
    }

    /// Answers a paid question (its creator, or an operator), once.
    pub async fn answer_question(
        &self,
        user: &CurrentUser,
        id: QuestionId,
        answer: &str,
    ) -> Result<Question, AppError> {
        let (question, paid) = self
            .store
            .question(id)
            .await?
            .ok_or(AppError::NotFound("question"))?;
        if question.creator_id != user.account.id && user.account.role != Role::Admin {
            return Err(AppError::NotFound("question"));
        }
        let answer = question_text(answer)?;
        if paid.is_none()
            || !self
                .store
                .answer_question(id, &answer, self.now_ms())
                .await?
        {
            return Err(AppError::QuestionClosed);
        }
        tracing::info!(question = %id, "question answered");
        self.notify_one(
            question.asker_id,
            kenning_domain::notification::Notice::QuestionAnswered {
                question: id,
                product: question.product_id,
            },
        )
        .await?;
        Ok(Question {
            answer: Some(answer),
            status: QuestionStatus::Answered,
            answered_at_ms: Some(self.now_ms()),
            ..question
        })
    }

    /// Asks a desk (a consultation product) a question as a member whose membership
    /// includes it: no payment, within the allowance (see [`crate::questions`] and
    /// [`MEMBER_QUESTIONS`]). The allowance is checked in the statement that writes
    /// the question, so two questions sent at once cannot both pass its last place.
    pub async fn ask_as_member(
        &self,
        user: &CurrentUser,
        product_id: ProductId,
        body: &str,
    ) -> Result<Question, AppError> {
        let product = self
            .store
            .product(product_id)
            .await?
            .filter(|p| p.is_published() && p.kind == ProductKind::Consultation)
            .ok_or(AppError::NotFound("product"))?;
        let body = question_text(body)?;
        let held = self
            .store
            .holdings(user.account.id, product_id, &[])
            .await?;
        if held.since(product_id).is_none() {
            return Err(AppError::NotAMember);
        }
        let now = self.now_ms();
        let question = Question::asked(
            None,
            product_id,
            product.creator_id,
            user.account.id,
            body,
            now,
        );
        let since = member_window_start(now);
        if !(self.store)
            .insert_member_question(&question, since, MEMBER_QUESTIONS)
            .await?
        {
            return Err(AppError::MemberQuestionsUsed {
                allowed: MEMBER_QUESTIONS,
                days: MEMBER_QUESTIONS_DAYS,
            });
        }
        tracing::info!(question = %question.id, "member asked a question");
        Ok(question)
    }

    /// How many questions the member may still ask this desk now.
    pub async fn member_questions_left(
        &self,
        user: &CurrentUser,
        product_id: ProductId,
    ) -> Result<i64, AppError> {
        let since = member_window_start(self.now_ms());
        let asked = (self.store)
            .member_questions_since(user.account.id, product_id, since)
            .await?;
        Ok((MEMBER_QUESTIONS - asked).max(0))
    }

    /// Offers one refund job for every paid question left unanswered past its deadline;
    /// a member's question (no order) simply expires.
    pub(crate) async fn offer_question_refunds(&self) -> Result<usize, AppError> {
        let now = self.now_ms();
        let deadline = now - ANSWER_WITHIN_DAYS * 86_400_000;
        let mut offered = 0;
        for question in self.store.overdue_questions(deadline).await? {
            if question.order_id.is_none() {
                let expired = (self.store)
                    .move_question(question.id, QuestionStatus::Asked, QuestionStatus::Expired)
                    .await?;
                if expired {
                    tracing::info!(question = %question.id, "member's question expired unanswered");
                }
                continue;
            }
            let job = kenning_domain::jobs::Job::RefundQuestion {
                question: question.id,
            };
            if self.store.enqueue(&job, now, now).await?.is_some() {
                offered += 1;
            }
        }
        Ok(offered)
    }

    /// Refunds a paid question left unanswered past its deadline. The question is taken
    /// first, so an answer arriving at the same moment either lands before (no refund)
    /// or is refused. A refund that fails puts the question back and fails the job, to
    /// be tried again.
    pub(crate) async fn refund_unanswered(&self, id: QuestionId) -> Result<(), AppError> {
        let deadline = self.now_ms() - ANSWER_WITHIN_DAYS * 86_400_000;
        let Some((question, Some(paid_at_ms))) = self.store.question(id).await? else {
            return Ok(());
        };
        if question.status != QuestionStatus::Asked || paid_at_ms >= deadline {
            return Ok(());
        }
        if !self
            .store
            .move_question(question.id, QuestionStatus::Asked, QuestionStatus::Refunded)
            .await?
        {
            return Ok(());
        }
        let Some(order_id) = question.order_id else {
            return Ok(());
        };
        let (Some(creator), Some(order)) = (
            self.store.account_by_id(question.creator_id).await?,
            self.store.order(order_id).await?,
        ) else {
            return Ok(());
        };
        // The promise to the asker holds whatever the creator's refund window: recorded
        // in the creator's name, as their question went unanswered.
        let refund = self
            .claim_and_refund(
                &CurrentUser { account: creator },
                &order,
                None,
                "unanswered in time",
            )
            .await;
        let Err(e) = refund else {
            tracing::info!(question = %question.id, "unanswered paid question refunded");
            return Ok(());
        };
        // Already refunded by hand: it stays refunded. Anything else: put it back and
        // try again.
        let left = order::refundable_remainder(order.total, self.refunded(&order).await?)?;
        if left.is_zero() {
            return Ok(());
        }
        self.store
            .move_question(question.id, QuestionStatus::Refunded, QuestionStatus::Asked)
            .await?;
        Err(e)
    }
}
