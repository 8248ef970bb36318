//! Paid questions: the asker's list with answers, and the creator's inbox with answer
//! forms, on one page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::accounts::CurrentUser;
use kenning_app::questions::QuestionView;
use serde::Deserialize;

use super::forms::{KeptForm, Refused};
use super::{Page, render};
use crate::api::path_id;
use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::state::AppState;

/// A question as listed.
struct Line {
    id: String,
    product_id: String,
    body: String,
    /// The answer's Markdown as safe HTML.
    answer_html: Option<String>,
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
    /// An answer refused (its form is `answer-{question id}`).
    refused: Refused,
}

#[derive(Deserialize)]
pub struct QuestionsParams {
    asked: Option<String>,
}

fn line(state: &AppState, page: &Page<'_>, v: &QuestionView) -> Line {
    use kenning_domain::question::QuestionStatus;
    let q = &v.question;
    let shown = match (q.status, v.due_at_ms, q.answered_at_ms) {
        (QuestionStatus::Answered, _, Some(at)) => {
            page.t_s("question-answered-on", "date", &page.date(&at))
        }
        (QuestionStatus::Refunded, _, _) => page.t("question-refunded"),
        (QuestionStatus::Expired, _, _) => page.t("question-expired"),
        (_, Some(due), _) => page.t_s("question-due", "date", &page.date(&due)),
        _ => page.t("question-unpaid"),
    };
    let shown = match q.order_id {
        None => format!("{shown} · {}", page.t("question-member")),
        Some(_) => shown,
    };
    Line {
        id: q.id.to_string(),
        product_id: q.product_id.to_string(),
        body: q.body.clone(),
        answer_html: q.answer.as_deref().map(|a| state.markdown.to_safe_html(a)),
        state: shown,
        open: q.status == QuestionStatus::Asked && v.due_at_ms.is_some(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(params): Query<QuestionsParams>,
) -> Result<Response, HttpError> {
    questions_page(
        &state,
        &ctx,
        &user,
        params.asked.is_some(),
        Refused::default(),
    )
    .await
}

async fn questions_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    asked: bool,
    refused: Refused,
) -> Result<Response, HttpError> {
    let model = state.app.questions_page(user).await?;
    let page = Page::new(state, ctx, "questions-title");
    let lines = |list: &[QuestionView]| list.iter().map(|v| line(state, &page, v)).collect();
    let mine = lines(&model.mine);
    let inbox = model.inbox.as_deref().map(lines);
    Ok(render(
        refused.status(),
        &QuestionsTemplate {
            mine,
            inbox,
            asked,
            refused,
            page,
        },
    ))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    answer: String,
}

/// Answers a question; a refused answer (empty, too long) shows the page again with
/// the text kept and the reason beside it.
pub async fn answer(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<AnswerForm>,
) -> Result<Response, HttpError> {
    let question = path_id(&id)?;
    match state
        .app
        .answer_question(&user, question, &form.answer)
        .await
    {
        Ok(_) => Ok(Redirect::to("/questions#inbox").into_response()),
        Err(e) => {
            let refused = Refused::of(&state, &ctx, format!("answer-{id}"), e.into(), typed)?;
            questions_page(&state, &ctx, &user, false, refused).await
        }
    }
}
