//! A product's students, as its creator (or an operator) sees them: who holds it, since
//! when and how, and how far they got.

use kenning_domain::account::Role;
use kenning_domain::catalog::Product;
use kenning_domain::ids::ProductId;

use crate::accounts::CurrentUser;
use crate::ports::Student;
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct StudentsPage {
    pub product: Product,
    /// How many lessons the product has (progress is out of these).
    pub lessons: i64,
    pub students: Vec<Student>,
}

impl StudentsPage {
    /// Whether a student finished every lesson.
    pub fn finished(&self, student: &Student) -> bool {
        self.lessons > 0 && student.completed >= self.lessons
    }

    /// Their progress in whole percent.
    pub fn percent(&self, student: &Student) -> i64 {
        if self.lessons == 0 {
            0
        } else {
            (student.completed.min(self.lessons) * 100) / self.lessons
        }
    }
}

impl Kenning {
    /// The students of a product of the caller's (or any, for operators).
    pub async fn students(
        &self,
        user: &CurrentUser,
        id: ProductId,
    ) -> Result<StudentsPage, AppError> {
        let product = self
            .store
            .product(id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        if product.creator_id != user.account.id && user.account.role != Role::Admin {
            return Err(AppError::NotFound("product"));
        }
        let (lessons, students) =
            tokio::try_join!(self.store.lessons(id), self.store.students(id))?;
        Ok(StudentsPage {
            product,
            lessons: i64::try_from(lessons.len()).unwrap_or(i64::MAX),
            students,
        })
    }
}
