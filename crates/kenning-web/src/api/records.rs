//! Learning records as xAPI 1.0.3 statements (actor, verb, object, result, timestamp),
//! downloadable as JSON by each person and by creators for their products.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kenning_app::records::{LearningRecord, RecordVerb};
use kenning_domain::ids::ProductId;
use kenning_domain::locale::LocalizedText;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::types::{ErrorResponse, timestamp};
use super::{path_id, public_base};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::i18n::Tr;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiAccount {
    #[serde(rename = "homePage")]
    pub home_page: String,
    /// The person's account id on this server.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiActor {
    #[serde(rename = "objectType")]
    pub object_type: String,
    pub name: String,
    pub account: XapiAccount,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiVerb {
    pub id: String,
    pub display: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiDefinition {
    pub name: BTreeMap<String, String>,
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiActivity {
    #[serde(rename = "objectType")]
    pub object_type: String,
    pub id: String,
    pub definition: XapiDefinition,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiResult {
    pub completion: bool,
    /// Where playback stood, in milliseconds, under `{server}/xapi/position_ms`.
    pub extensions: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiContextActivities {
    pub parent: Vec<XapiActivity>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiContext {
    #[serde(rename = "contextActivities")]
    pub context_activities: XapiContextActivities,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct XapiStatement {
    /// Stable for the same record, so a re-export does not duplicate statements.
    pub id: String,
    pub actor: XapiActor,
    pub verb: XapiVerb,
    pub object: XapiActivity,
    pub result: Option<XapiResult>,
    pub context: Option<XapiContext>,
    pub timestamp: String,
    pub version: String,
}

fn names(text: &LocalizedText) -> BTreeMap<String, String> {
    text.locales()
        .filter_map(|l| text.exact(l).map(|t| (l.tag().to_owned(), t.to_owned())))
        .collect()
}

fn activity(id: String, name: &LocalizedText, kind: &str) -> XapiActivity {
    XapiActivity {
        object_type: "Activity".to_owned(),
        id,
        definition: XapiDefinition {
            name: names(name),
            kind: kind.to_owned(),
        },
    }
}

const COURSE: &str = "http://adlnet.gov/expapi/activities/course";
const LESSON: &str = "http://adlnet.gov/expapi/activities/lesson";

fn statement(state: &AppState, base: &str, r: &LearningRecord) -> XapiStatement {
    let verb = verb(state, r.verb);
    let (object, context) = object_and_context(base, r);
    let result = r.position_ms.map(|position| XapiResult {
        completion: r.verb == RecordVerb::Completed,
        extensions: BTreeMap::from([(format!("{base}/xapi/position_ms"), position)]),
    });
    XapiStatement {
        id: statement_id(r, &verb.id, &object.id),
        actor: XapiActor {
            object_type: "Agent".to_owned(),
            name: r.actor.display_name.as_str().to_owned(),
            account: XapiAccount {
                home_page: base.to_owned(),
                name: r.actor.id.to_string(),
            },
        },
        verb,
        object,
        result,
        context,
        timestamp: timestamp(r.at_ms),
        version: "1.0.3".to_owned(),
    }
}

/// The ADL verb, named in every language the site speaks.
fn verb(state: &AppState, verb: RecordVerb) -> XapiVerb {
    let (id, word) = match verb {
        RecordVerb::Registered => ("http://adlnet.gov/expapi/verbs/registered", "registered"),
        RecordVerb::Progressed => ("http://adlnet.gov/expapi/verbs/progressed", "progressed"),
        RecordVerb::Completed => ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    };
    let display = [
        kenning_domain::locale::Locale::En,
        kenning_domain::locale::Locale::ZhCn,
    ]
    .iter()
    .map(|l| {
        (
            l.tag().to_owned(),
            Tr::new(&state.i18n, *l).t(&format!("xapi-verb-{word}")),
        )
    })
    .collect();
    XapiVerb {
        id: id.to_owned(),
        display,
    }
}

/// The lesson within its course, or the course alone.
fn object_and_context(base: &str, r: &LearningRecord) -> (XapiActivity, Option<XapiContext>) {
    let product = activity(
        format!("{base}/products/{}", r.product.id),
        &r.product.title,
        COURSE,
    );
    match &r.lesson {
        Some(lesson) => (
            activity(
                format!("{base}/lessons/{}", lesson.id),
                &lesson.title,
                LESSON,
            ),
            Some(XapiContext {
                context_activities: XapiContextActivities {
                    parent: vec![product],
                },
            }),
        ),
        None => (product, None),
    }
}

/// A stable id: the same person, verb, object and time give the same statement.
fn statement_id(r: &LearningRecord, verb: &str, object: &str) -> String {
    let digest =
        Sha256::digest(format!("{}\n{verb}\n{object}\n{}", r.actor.id, r.at_ms).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(digest.get(..16).unwrap_or(&[0u8; 16]));
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The records as statements, in a JSON download.
fn download(state: &AppState, headers: &HeaderMap, records: &[LearningRecord]) -> Response {
    let base = public_base(state, headers);
    let statements: Vec<XapiStatement> =
        records.iter().map(|r| statement(state, &base, r)).collect();
    let mut response = Json(statements).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"learning-records.json\""),
    );
    response
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordsParams {
    /// Only this product.
    pub product: Option<String>,
}

/// Your learning records as xAPI statements (a JSON download).
#[utoipa::path(get, path = "/api/v1/me/learning-records", tag = "learning",
    security(("bearer" = [])),
    params(RecordsParams),
    responses((status = 200, body = Vec<XapiStatement>), (status = 401, body = ErrorResponse),
        (status = 404, description = "No such product", body = ErrorResponse)))]
pub async fn my_records(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Query(params): Query<RecordsParams>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let only: Option<ProductId> = params.product.as_deref().map(path_id).transpose()?;
    let records = state.app.my_records(&user, only).await?;
    Ok(download(&state, &headers, &records))
}

/// Every learner's records for a product you made (or any, for operators), as xAPI.
#[utoipa::path(get, path = "/api/v1/products/{id}/learning-records", tag = "learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 200, body = Vec<XapiStatement>),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
    ))]
pub async fn product_records(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let product: ProductId = path_id(&id)?;
    let records = state.app.product_records(&user, product).await?;
    Ok(download(&state, &headers, &records))
}

/// A certificate of completion as anyone may check it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateResponse {
    pub code: String,
    pub holder: String,
    pub product_id: String,
    pub product_title: String,
    pub creator: String,
    pub lessons: i64,
    pub issued_at: String,
    /// The public page that verifies it.
    pub verification_url: String,
    /// The certificate as a PDF.
    pub pdf_url: String,
}

impl CertificateResponse {
    fn new(
        c: &kenning_domain::certificate::Certificate,
        locale: kenning_domain::locale::Locale,
        base: &str,
    ) -> Self {
        let url = crate::pages::certificates::verification_url(base, c);
        CertificateResponse {
            code: c.code.to_string(),
            holder: c.holder_name.clone(),
            product_id: c.product_id.to_string(),
            product_title: c.product_title.get(locale).to_owned(),
            creator: c.creator_name.clone(),
            lessons: c.lessons,
            issued_at: timestamp(c.issued_at_ms),
            pdf_url: format!("{url}/pdf"),
            verification_url: url,
        }
    }
}

/// Verify a certificate by its code (anyone).
#[utoipa::path(get, path = "/api/v1/certificates/{code}", tag = "learning",
    params(("code" = String, Path, description = "The code printed on the certificate")),
    responses((status = 200, body = CertificateResponse), (status = 404, body = ErrorResponse)))]
pub async fn verify_certificate(
    State(state): State<AppState>,
    crate::context::Ctx(ctx): crate::context::Ctx,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<CertificateResponse>, HttpError> {
    let certificate = state.app.verify_certificate(&code).await?;
    let base = public_base(&state, &headers);
    Ok(Json(CertificateResponse::new(
        &certificate,
        ctx.locale,
        &base,
    )))
}

/// The caller's certificates, newest first.
#[utoipa::path(get, path = "/api/v1/me/certificates", tag = "learning",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<CertificateResponse>), (status = 401, body = ErrorResponse)))]
pub async fn my_certificates(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    headers: HeaderMap,
) -> Result<Json<Vec<CertificateResponse>>, HttpError> {
    let base = public_base(&state, &headers);
    let all = state.app.my_certificates(&user).await?;
    Ok(Json(
        all.iter()
            .map(|c| CertificateResponse::new(c, ctx.locale, &base))
            .collect(),
    ))
}
