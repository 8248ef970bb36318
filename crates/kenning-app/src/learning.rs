//! Progress through lessons and products: where a person left off, what they finished.

use std::collections::{HashMap, HashSet};

use kenning_domain::ids::{LessonId, ProductId};
use kenning_domain::media::{LessonProgress, lesson_to_continue, percent_complete};

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

/// A person's progress through one product.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductProgress {
    pub completed_lessons: usize,
    pub total_lessons: usize,
    pub percent: u8,
    /// The lesson they touched last.
    pub last_lesson: Option<LessonId>,
    /// Where "continue" leads: the next unfinished lesson (see [`lesson_to_continue`]);
    /// none once all are done.
    pub continue_with: Option<LessonId>,
}

impl Kenning {
    /// Records where the player is in a lesson the person may read (every few seconds,
    /// on pause and at the end).
    pub async fn report_progress(
        &self,
        user: &CurrentUser,
        lesson: LessonId,
        position_ms: i64,
        duration_ms: Option<i64>,
        ended: bool,
    ) -> Result<LessonProgress, AppError> {
        // Only the access check: reports come every few seconds while a lesson plays.
        let (outline, _, _) = self.readable_lesson(lesson, Some(user)).await?;
        let previous = self.store.progress(user.account.id, lesson).await?;
        let progress = LessonProgress::report(
            previous,
            (user.account.id, lesson, outline.product.id),
            position_ms,
            duration_ms,
            ended,
            self.now_ms(),
        );
        self.store.save_progress(&progress).await?;
        if progress.completed && !previous.is_some_and(|p| p.completed) {
            self.certificate_if_complete(user, outline.product.id)
                .await?;
        }
        Ok(progress)
    }

    /// Progress through every product the person started, keyed by product.
    pub async fn progress_by_product(
        &self,
        user: &CurrentUser,
    ) -> Result<HashMap<ProductId, ProductProgress>, AppError> {
        let mut out: HashMap<ProductId, ProductProgress> = HashMap::new();
        let mut completed: HashSet<LessonId> = HashSet::new();
        // Most recent first, so the first row seen per product is its last lesson.
        for p in self.store.progress_of(user.account.id).await? {
            let entry = out.entry(p.product_id).or_default();
            if entry.last_lesson.is_none() {
                entry.last_lesson = Some(p.lesson_id);
            }
            if p.completed {
                entry.completed_lessons += 1;
                completed.insert(p.lesson_id);
            }
        }
        for (product, progress) in &mut out {
            let in_order: Vec<LessonId> = match self.outline(*product).await {
                Ok(o) => o.lessons.iter().map(|l| l.id).collect(),
                Err(AppError::NotFound(_)) => Vec::new(),
                Err(e) => return Err(e),
            };
            progress.total_lessons = in_order.len();
            progress.percent = percent_complete(progress.completed_lessons, in_order.len());
            progress.continue_with = lesson_to_continue(&in_order, progress.last_lesson, &|id| {
                completed.contains(&id)
            });
        }
        Ok(out)
    }
}
