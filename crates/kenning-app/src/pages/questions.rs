//! The questions page: the person's own paid questions and, for creators, the ones
//! they are asked, read concurrently.

use crate::accounts::CurrentUser;
use crate::questions::QuestionView;
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct QuestionsPage {
    pub mine: Vec<QuestionView>,
    /// For creators: the questions to answer.
    pub inbox: Option<Vec<QuestionView>>,
}

impl Kenning {
    pub async fn questions_page(&self, user: &CurrentUser) -> Result<QuestionsPage, AppError> {
        let inbox = async {
            match user.account.role.can_create_products() {
                true => Ok(Some(self.question_inbox(user).await?)),
                false => Ok(None),
            }
        };
        let (mine, inbox) = tokio::try_join!(self.my_questions(user), inbox)?;
        Ok(QuestionsPage { mine, inbox })
    }
}
