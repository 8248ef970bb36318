//! Mail: writing a [`Mail`] in its reader's language (the web crate, which holds the
//! translations and templates) and handing it to a server (the mail crate: SMTP, or
//! files in the data directory when no server is configured).

use async_trait::async_trait;
use kenning_domain::locale::Locale;
use kenning_domain::mail::Mail;

use super::ReceiptText;
use crate::revenue::ReceiptView;

/// A mail ready to send: both forms of its body, and what it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposedMail {
    pub to: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A header for mail a person may stop (`List-Unsubscribe`), when the law asks.
    pub unsubscribe: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// A file sent with a mail (a receipt's PDF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a mail tells of, read when it is sent (a receipt's order, product and
/// amounts), beyond what the queued [`Mail`] holds.
#[derive(Clone, Debug, Default)]
pub struct MailFacts {
    pub receipt: Option<ReceiptView>,
}

/// Writes mail in its reader's language; `base_url` is where links point
/// (`https://school.example`, no trailing slash).
pub trait MailComposer: Send + Sync {
    fn compose(&self, mail: &Mail, base_url: &str, facts: &MailFacts) -> ComposedMail;
    /// The words of a receipt's PDF, as the receipt page shows them.
    fn receipt_text(&self, locale: Locale, receipt: &ReceiptView) -> ReceiptText;
}

/// Why a mail was not handed over.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The server did not answer or said "later" (4xx): the job tries again.
    #[error("mail server unavailable: {0}")]
    Unavailable(String),
    /// The server refused this mail for good (5xx), or it could not be built.
    #[error("mail refused: {0}")]
    Refused(String),
}

/// Hands composed mail to a mail server (or wherever the operator configured).
#[async_trait]
pub trait MailTransport: Send + Sync {
    async fn deliver(&self, mail: &ComposedMail) -> Result<(), MailError>;
}
