//! The error answers every operation can give, declared once. Each operation states its
//! own success and the refusals particular to it (403, 409, 402 …) in its annotation;
//! this modifier then adds the answers that follow from the operation's shape, so the
//! document lists every status the server really returns:
//!
//! - a query string or body that cannot be read: 400 (`invalid_request`, `malformed_json`);
//! - a bearer token required: 401 (`unauthenticated`);
//! - an id in the path: 404 (`not_found`; a malformed id names nothing either);
//! - a JSON body: 413 (`upload_too_large`), 415 (`json_expected`) and 422 (`invalid_body`);
//! - query parameters or a body: 422 for values out of range (`invalid_page`, …);
//! - logging in and registering are throttled per account and per client address: 429
//!   (`too_many_attempts`, with `Retry-After`).
//!
//! Every one has the `{"error": {"code", "message"}}` body.

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

pub struct CommonErrors;

/// Operations (by operation id) that answer 429 when attempts come too fast.
const THROTTLED: &[&str] = &["create_session", "create_account"];

fn error_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorResponse")))
                    .build(),
            )
            .build(),
    )
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| error_response(description));
}

/// The answers that follow from `operation`'s shape.
pub fn declare(operation: &mut Operation) {
    let params = operation.parameters.as_deref().unwrap_or_default();
    let in_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let in_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    let any_body = operation.request_body.is_some();
    let signed_in = operation.security.as_ref().is_some_and(|s| !s.is_empty());

    if in_query || any_body {
        add(
            operation,
            "400",
            "The query string or body could not be read",
        );
        add(
            operation,
            "422",
            "A value is missing, malformed or out of range",
        );
    }
    if signed_in {
        add(operation, "401", "No valid bearer token");
    }
    if in_path {
        add(
            operation,
            "404",
            "Nothing with this id (or not visible to the caller)",
        );
    }
    if json_body {
        add(
            operation,
            "413",
            "The body is larger than the server accepts",
        );
        add(operation, "415", "The body is not sent as application/json");
    }
    if operation
        .operation_id
        .as_deref()
        .is_some_and(|id| THROTTLED.contains(&id))
    {
        add(
            operation,
            "429",
            "Too many attempts; try again after Retry-After seconds",
        );
    }
}

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                declare(operation);
            }
        }
    }
}
