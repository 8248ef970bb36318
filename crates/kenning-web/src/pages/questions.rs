//! Paid questions: the asker's list with answers, and the creator's inbox with answer
//! forms, on one page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};
use kenning_app::questions::QuestionView;
use serde::Deserialize;

use super::forms::CsrfForm;
use super::{Page, ok};
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// A question as listed.
struct Line {
    id: String,
    product_id: String,
    body: String,
    answer: Option<String>,
    /// "Waiting for an answer until …", "Answered on …", "Refunded: not answered in time".
    state: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "questions.html")]
struct QuestionsTemplate<'a> {
    page: Page<'a>,
    mine: Vec<Line>,
    /// For creators: the questions to answer.
    inbox: Option<Vec<Line>>,
    asked: bool,
}

#[derive(Deserialize)]
pub struct QuestionsParams {
    asked: Option<String>,
}

fn line(page: &Page<'_>, v: &QuestionView) -> Line {
    use kenning_domain::question::QuestionStatus;
    let q = &v.question;
    let state = match (q.status, v.due_at_ms, q.answered_at_ms) {
        (QuestionStatus::Answered, _, Some(at)) => {
            page.t_s("question-answered-on", "date", &page.date(&at))
        }
        (QuestionStatus::Refunded, _, _) => page.t("question-refunded"),
        (_, Some(due), _) => page.t_s("question-due", "date", &page.date(&due)),
        _ => page.t("question-unpaid"),
    };
    Line {
        id: q.id.to_string(),
        product_id: q.product_id.to_string(),
        body: q.body.clone(),
        answer: q.answer.clone(),
        state,
        open: q.status == QuestionStatus::Asked && v.due_at_ms.is_some(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(params): Query<QuestionsParams>,
) -> Result<Response, HttpError> {
    let model = state.app.questions_page(&user).await?;
    let page = Page::new(&state, &ctx, "questions-title");
    ok(&QuestionsTemplate {
        mine: model.mine.iter().map(|v| line(&page, v)).collect(),
        inbox: (model.inbox.as_ref()).map(|list| list.iter().map(|v| line(&page, v)).collect()),
        asked: params.asked.is_some(),
        page,
    })
}

#[derive(Deserialize)]
pub struct AnswerForm {
    answer: String,
}

pub async fn answer(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<Redirect, HttpError> {
    state
        .app
        .answer_question(&user, path_id(&id)?, &form.answer)
        .await?;
    Ok(Redirect::to("/questions#inbox"))
}
