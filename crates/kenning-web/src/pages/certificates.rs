//! Certificates: the public verification page and the PDF, in the reader's language.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use kenning_app::ports::CertificateText;
use kenning_domain::certificate::Certificate;

use super::{Page, ok};
use crate::context::Ctx;
use crate::error::HttpError;
use crate::i18n::Tr;
use crate::state::AppState;

/// Where anyone can check a certificate.
pub fn verification_url(base: &str, certificate: &Certificate) -> String {
    format!("{base}/certificates/{}", certificate.code)
}

/// The words of the certificate, in this language.
pub fn certificate_text(tr: Tr<'_>, certificate: &Certificate, url: &str) -> CertificateText {
    let locale = tr.locale;
    CertificateText {
        title: tr.t("certificate-title"),
        preamble: tr.t("certificate-preamble"),
        holder: certificate.holder_name.clone(),
        completed: tr.t("certificate-completed"),
        product: certificate.product_title.get(locale).to_owned(),
        details: format!(
            "{} · {} · {}",
            tr.t_with("certificate-lessons", "count", certificate.lessons),
            tr.t_with("product-by", "name", certificate.creator_name.clone()),
            tr.date(certificate.issued_at_ms)
        ),
        verification: tr.t_with(
            "certificate-verification",
            "code",
            format!("{} · {url}", certificate.code),
        ),
    }
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificateTemplate<'a> {
    page: Page<'a>,
    code: String,
    holder: String,
    product_id: String,
    product: String,
    creator: String,
    issued: String,
    lessons: i64,
    url: String,
}

/// The verification page: anyone with the code (or the link) may look.
pub async fn page(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let certificate = state.app.verify_certificate(&code).await?;
    let page = Page::new(&state, &ctx, "certificate-title");
    let base = crate::api::public_base(&state, &headers);
    let template = CertificateTemplate {
        code: certificate.code.to_string(),
        holder: certificate.holder_name.clone(),
        product_id: certificate.product_id.to_string(),
        product: certificate.product_title.get(ctx.locale).to_owned(),
        creator: certificate.creator_name.clone(),
        issued: page.date(&certificate.issued_at_ms),
        lessons: certificate.lessons,
        url: verification_url(&base, &certificate),
        page,
    };
    ok(&template)
}

/// The certificate as a PDF to download and print.
pub async fn pdf(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let certificate = state.app.verify_certificate(&code).await?;
    let base = crate::api::public_base(&state, &headers);
    let url = verification_url(&base, &certificate);
    let text = certificate_text(Tr::new(&state.i18n, ctx.locale), &certificate, &url);
    let bytes = state.app.certificate_pdf(text).await?;
    Ok(super::attachment(
        "application/pdf",
        &format!("certificate-{}.pdf", certificate.code),
        bytes,
    ))
}
