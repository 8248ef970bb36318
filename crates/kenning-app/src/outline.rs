//! A course's outline: its chapters and lessons, added, edited, moved and deleted by
//! its creator (or an operator).

use kenning_domain::DomainError;
use kenning_domain::catalog::{Chapter, Lesson, MAX_LESSON_BODY_CHARS, MAX_TITLE_CHARS, Release};
use kenning_domain::ids::{ChapterId, LessonId, ProductId};
use kenning_domain::locale::LocalizedText;
use kenning_domain::text::Lines;

use crate::accounts::CurrentUser;
use crate::catalog::NewLesson;
use crate::{AppError, Kenning};

impl Kenning {
    pub async fn add_chapter(
        &self,
        user: &CurrentUser,
        product_id: ProductId,
        title: LocalizedText,
    ) -> Result<Chapter, AppError> {
        let product = self.editable_product(user, product_id).await?;
        if title.is_empty() {
            return Err(DomainError::TitleRequired.into());
        }
        title.check_text(Lines::One, MAX_TITLE_CHARS)?;
        let position = self
            .store
            .chapters(product.id)
            .await?
            .iter()
            .map(|c| c.position + 1)
            .max()
            .unwrap_or(0);
        let chapter = Chapter {
            id: ChapterId::new(),
            product_id: product.id,
            position,
            title,
        };
        self.store.insert_chapter(&chapter).await?;
        self.catalog_changed(product.id).await;
        Ok(chapter)
    }

    /// Changes when a lesson opens to those who hold its product.
    pub async fn set_lesson_release(
        &self,
        user: &CurrentUser,
        id: LessonId,
        release: Release,
    ) -> Result<Lesson, AppError> {
        let mut lesson = self
            .store
            .lesson(id)
            .await?
            .ok_or(AppError::NotFound("lesson"))?;
        self.editable_product(user, lesson.product_id).await?;
        lesson.release = release.validate()?;
        self.store.set_lesson_release(id, lesson.release).await?;
        self.catalog_changed(lesson.product_id).await;
        Ok(lesson)
    }

    pub async fn add_lesson(
        &self,
        user: &CurrentUser,
        product_id: ProductId,
        new: NewLesson,
    ) -> Result<Lesson, AppError> {
        let product = self.editable_product(user, product_id).await?;
        if new.title.is_empty() {
            return Err(DomainError::TitleRequired.into());
        }
        new.title.check_text(Lines::One, MAX_TITLE_CHARS)?;
        new.body.check_text(Lines::Many, MAX_LESSON_BODY_CHARS)?;
        let chapters = self.store.chapters(product.id).await?;
        let chapter_id = match new.chapter_id {
            Some(chapter_id) if !chapters.iter().any(|c| c.id == chapter_id) => {
                return Err(AppError::NotFound("chapter"));
            }
            Some(chapter_id) => Some(chapter_id),
            // A course with chapters gets new lessons in its last chapter.
            None => chapters.last().map(|c| c.id),
        };
        let position = self
            .store
            .lessons(product.id)
            .await?
            .iter()
            .map(|l| l.position + 1)
            .max()
            .unwrap_or(0);
        let lesson = Lesson {
            id: LessonId::new(),
            product_id: product.id,
            chapter_id,
            position,
            title: new.title,
            body: new.body,
            preview: new.preview,
            release: new.release.validate()?,
        };
        self.store.insert_lesson(&lesson).await?;
        self.catalog_changed(product.id).await;
        Ok(lesson)
    }

    /// A lesson of a product the caller may edit.
    async fn editable_lesson(&self, user: &CurrentUser, id: LessonId) -> Result<Lesson, AppError> {
        let lesson = self
            .store
            .lesson(id)
            .await?
            .ok_or(AppError::NotFound("lesson"))?;
        self.editable_product(user, lesson.product_id).await?;
        Ok(lesson)
    }

    /// A lesson and its product's chapters, for its edit form.
    pub async fn lesson_for_editing(
        &self,
        user: &CurrentUser,
        id: LessonId,
    ) -> Result<(Lesson, Vec<Chapter>), AppError> {
        let lesson = self.editable_lesson(user, id).await?;
        let chapters = self.store.chapters(lesson.product_id).await?;
        Ok((lesson, chapters))
    }

    /// Changes a lesson's title, text, preview flag and chapter (`None`: outside any
    /// chapter); a lesson moved to another chapter goes to its end.
    pub async fn edit_lesson(
        &self,
        user: &CurrentUser,
        id: LessonId,
        edit: NewLesson,
    ) -> Result<Lesson, AppError> {
        let lesson = self.editable_lesson(user, id).await?;
        if edit.title.is_empty() {
            return Err(DomainError::TitleRequired.into());
        }
        edit.title.check_text(Lines::One, MAX_TITLE_CHARS)?;
        edit.body.check_text(Lines::Many, MAX_LESSON_BODY_CHARS)?;
        let chapters = self.store.chapters(lesson.product_id).await?;
        if let Some(chapter) = edit.chapter_id
            && !chapters.iter().any(|c| c.id == chapter)
        {
            return Err(AppError::NotFound("chapter"));
        }
        let position = if edit.chapter_id == lesson.chapter_id {
            lesson.position
        } else {
            self.store
                .lessons(lesson.product_id)
                .await?
                .iter()
                .map(|l| l.position + 1)
                .max()
                .unwrap_or(0)
        };
        let edited = Lesson {
            chapter_id: edit.chapter_id,
            position,
            title: edit.title,
            body: edit.body,
            preview: edit.preview,
            ..lesson
        };
        self.store.update_lesson(&edited).await?;
        self.catalog_changed(edited.product_id).await;
        Ok(edited)
    }

    /// Moves a lesson `steps` places up (earlier) or down within its chapter, as far
    /// as the chapter goes (one place from the buttons, more when dragged).
    pub async fn move_lesson(
        &self,
        user: &CurrentUser,
        id: LessonId,
        up: bool,
        steps: usize,
    ) -> Result<(), AppError> {
        let lesson = self.editable_lesson(user, id).await?;
        let siblings: Vec<LessonId> = self
            .store
            .lessons(lesson.product_id)
            .await?
            .into_iter()
            .filter(|l| l.chapter_id == lesson.chapter_id)
            .map(|l| l.id)
            .collect();
        let Some(at) = siblings.iter().position(|l| *l == id) else {
            return Err(AppError::NotFound("lesson"));
        };
        let to = if up {
            at.saturating_sub(steps)
        } else {
            at.saturating_add(steps)
                .min(siblings.len().saturating_sub(1))
        };
        // Past each lesson between, one swap at a time: the order stays whole after
        // each, whatever happens between them.
        let passed: Vec<LessonId> = if up {
            siblings[to..at].iter().rev().copied().collect()
        } else {
            siblings[at + 1..=to].to_vec()
        };
        for other in &passed {
            self.store.swap_lessons(id, *other).await?;
        }
        if !passed.is_empty() {
            self.catalog_changed(lesson.product_id).await;
        }
        Ok(())
    }

    /// Deletes a lesson (and its files' records and learners' progress in it); one
    /// that someone bought on its own stays (`lesson_sold`).
    pub async fn delete_lesson(&self, user: &CurrentUser, id: LessonId) -> Result<(), AppError> {
        let lesson = self.editable_lesson(user, id).await?;
        match self.store.delete_lesson(id).await {
            Err(crate::ports::StoreError::Conflict) => return Err(AppError::LessonSold),
            other => other?,
        }
        self.catalog_changed(lesson.product_id).await;
        Ok(())
    }

    async fn editable_chapter(
        &self,
        user: &CurrentUser,
        product: ProductId,
        id: ChapterId,
    ) -> Result<Vec<Chapter>, AppError> {
        self.editable_product(user, product).await?;
        let chapters = self.store.chapters(product).await?;
        if !chapters.iter().any(|c| c.id == id) {
            return Err(AppError::NotFound("chapter"));
        }
        Ok(chapters)
    }

    /// Moves a chapter one place up or down.
    pub async fn move_chapter(
        &self,
        user: &CurrentUser,
        product: ProductId,
        id: ChapterId,
        up: bool,
    ) -> Result<(), AppError> {
        let chapters = self.editable_chapter(user, product, id).await?;
        let at = chapters.iter().position(|c| c.id == id).unwrap_or(0);
        let other = if up {
            at.checked_sub(1).and_then(|i| chapters.get(i))
        } else {
            chapters.get(at + 1)
        };
        if let Some(other) = other {
            self.store.swap_chapters(id, other.id).await?;
            self.catalog_changed(product).await;
        }
        Ok(())
    }

    /// Renames a chapter.
    pub async fn rename_chapter(
        &self,
        user: &CurrentUser,
        product: ProductId,
        id: ChapterId,
        title: LocalizedText,
    ) -> Result<(), AppError> {
        self.editable_chapter(user, product, id).await?;
        if title.is_empty() {
            return Err(DomainError::TitleRequired.into());
        }
        title.check_text(Lines::One, MAX_TITLE_CHARS)?;
        self.store.rename_chapter(id, &title).await?;
        self.catalog_changed(product).await;
        Ok(())
    }

    /// Deletes a chapter; its lessons stay, outside any chapter.
    pub async fn delete_chapter(
        &self,
        user: &CurrentUser,
        product: ProductId,
        id: ChapterId,
    ) -> Result<(), AppError> {
        self.editable_chapter(user, product, id).await?;
        self.store.delete_chapter(id).await?;
        self.catalog_changed(product).await;
        Ok(())
    }
}
