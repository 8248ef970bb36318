//! Learning records: what a person did — enrolled, progressed, completed — as a neutral
//! list that the web layer exports as xAPI statements. People export their own; creators
//! (and operators) export everyone's for their products.

use std::collections::HashMap;

use kenning_domain::account::Account;
use kenning_domain::catalog::{LessonOutline, Product, can_edit_product};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::media::LessonProgress;

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordVerb {
    /// Gained access to a product.
    Registered,
    /// Started or moved through a lesson.
    Progressed,
    /// Finished a lesson.
    Completed,
}

#[derive(Clone, Debug)]
pub struct LearningRecord {
    pub actor: Account,
    pub verb: RecordVerb,
    pub product: Product,
    /// The lesson, for progress and completion.
    pub lesson: Option<LessonOutline>,
    /// Where playback stood, for progress.
    pub position_ms: Option<i64>,
    pub at_ms: i64,
}

impl Kenning {
    /// The person's own records, for every product they hold or one of them.
    pub async fn my_records(
        &self,
        user: &CurrentUser,
        only: Option<ProductId>,
    ) -> Result<Vec<LearningRecord>, AppError> {
        let mut out = Vec::new();
        let progress = self.store.progress_of(user.account.id).await?;
        for (product, granted_at_ms) in self.store.library(user.account.id).await? {
            if only.is_some_and(|p| p != product.id) {
                continue;
            }
            let mine: Vec<LessonProgress> = progress
                .iter()
                .filter(|p| p.product_id == product.id)
                .copied()
                .collect();
            self.records_for(&user.account, &product, granted_at_ms, &mine, &mut out)
                .await?;
        }
        out.sort_by_key(|r| r.at_ms);
        Ok(out)
    }

    /// Everyone's records for a product (its creator and operators only).
    pub async fn product_records(
        &self,
        user: &CurrentUser,
        product: ProductId,
    ) -> Result<Vec<LearningRecord>, AppError> {
        let product = self
            .store
            .product(product)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        if !can_edit_product(&product, user.viewer()) {
            return Err(AppError::Forbidden);
        }
        let mut by_account: HashMap<AccountId, Vec<LessonProgress>> = HashMap::new();
        for p in self.store.progress_in(product.id).await? {
            by_account.entry(p.account_id).or_default().push(p);
        }
        let mut out = Vec::new();
        for (account_id, granted_at_ms) in self.store.holders(product.id).await? {
            let Some(account) = self.store.account_by_id(account_id).await? else {
                continue;
            };
            let progress = by_account.remove(&account_id).unwrap_or_default();
            self.records_for(&account, &product, granted_at_ms, &progress, &mut out)
                .await?;
        }
        out.sort_by_key(|r| r.at_ms);
        Ok(out)
    }

    async fn records_for(
        &self,
        actor: &Account,
        product: &Product,
        granted_at_ms: i64,
        progress: &[LessonProgress],
        out: &mut Vec<LearningRecord>,
    ) -> Result<(), AppError> {
        out.push(LearningRecord {
            actor: actor.clone(),
            verb: RecordVerb::Registered,
            product: product.clone(),
            lesson: None,
            position_ms: None,
            at_ms: granted_at_ms,
        });
        let lessons = match self.outline(product.id).await {
            Ok(o) => o.lessons.clone(),
            Err(AppError::NotFound(_)) => Vec::new(),
            Err(e) => return Err(e),
        };
        for p in progress {
            let Some(lesson) = lessons.iter().find(|l| l.id == p.lesson_id) else {
                continue;
            };
            out.push(LearningRecord {
                actor: actor.clone(),
                verb: if p.completed {
                    RecordVerb::Completed
                } else {
                    RecordVerb::Progressed
                },
                product: product.clone(),
                lesson: Some(lesson.clone()),
                position_ms: Some(p.position_ms),
                at_ms: p.updated_at_ms,
            });
        }
        Ok(())
    }
}
