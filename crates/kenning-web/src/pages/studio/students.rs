//! A product's students: who holds it, since when, how far they got; and as CSV.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use kenning_app::students::StudentsPage;
use kenning_domain::ids::ProductId;

use crate::api::path_id;
use crate::api::types::timestamp;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::{Page, attachment, ok};
use crate::sheet::Sheet;
use crate::state::AppState;

/// A student as the table shows them.
struct StudentRow {
    name: String,
    email: String,
    since: String,
    source: String,
    progress: String,
    percent: i64,
    finished: bool,
    last_active: String,
}

#[derive(Template)]
#[template(path = "studio_students.html")]
struct StudentsTemplate<'a> {
    page: Page<'a>,
    id: String,
    rows: Vec<StudentRow>,
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let model = state.app.students(&user, id).await?;
    let page = Page::new(&state, &ctx, "students-title");
    let rows = model
        .students
        .iter()
        .map(|s| StudentRow {
            name: s.name.clone(),
            email: s.email.clone(),
            since: page.tr.date(s.since_ms),
            source: page.t(&format!("students-source-{}", s.source)),
            progress: format!("{}/{}", s.completed.min(model.lessons), model.lessons),
            percent: model.percent(s),
            finished: model.finished(s),
            last_active: s
                .last_active_ms
                .map(|at| page.tr.date(at))
                .unwrap_or_default(),
        })
        .collect();
    let title = format!(
        "{} · {}",
        page.t("students-title"),
        model.product.title.get(ctx.locale)
    );
    ok(&StudentsTemplate {
        page: page.with_title(title),
        id: id.to_string(),
        rows,
    })
}

/// The students as CSV (for a spreadsheet or a mailing tool).
pub fn students_csv(model: &StudentsPage) -> Result<Vec<u8>, HttpError> {
    let mut sheet = Sheet::new(&[
        "name",
        "email",
        "since",
        "source",
        "lessons_completed",
        "lessons",
        "percent",
        "finished",
        "last_active",
    ])?;
    for s in &model.students {
        sheet.row([
            s.name.clone(),
            s.email.clone(),
            timestamp(s.since_ms),
            s.source.clone(),
            s.completed.to_string(),
            model.lessons.to_string(),
            model.percent(s).to_string(),
            model.finished(s).to_string(),
            s.last_active_ms.map(timestamp).unwrap_or_default(),
        ])?;
    }
    sheet.finish()
}

pub async fn csv(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let model = state.app.students(&user, id).await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("kenning-students-{id}.csv"),
        students_csv(&model)?,
    ))
}
