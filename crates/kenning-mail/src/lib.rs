//! Mail delivery for Kenning's [`MailTransport`] port, with lettre: over SMTP to the
//! server an operator configures (`--smtp-url`: `smtp://host:port` plain, with
//! `?tls=required` for STARTTLS, `smtps://` for TLS, user and password in the URL), or,
//! when none is, as `.eml` files in the data directory, each announced in the log so
//! that the demo's links can be followed.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use kenning_app::ports::{ComposedMail, MailError, MailTransport};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where mail goes.
enum Route {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

/// Delivers mail from one sender address.
pub struct Mailer {
    route: Route,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let route = match &self.route {
            Route::Smtp(_) => "smtp".to_owned(),
            Route::Files(_, dir) => format!("files in {}", dir.display()),
        };
        f.debug_struct("Mailer")
            .field("route", &route)
            .field("from", &self.from.to_string())
            .finish()
    }
}

fn sender(from: &str) -> Result<Mailbox, String> {
    from.parse::<Mailbox>()
        .map_err(|e| format!("sender address {from:?}: {e}"))
}

impl Mailer {
    /// Through the SMTP server at `url` (the password, if any, is never logged).
    pub fn smtp(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP URL: {e}"))?
            .build();
        Ok(Mailer {
            route: Route::Smtp(transport),
            from: sender(from)?,
        })
    }

    /// As `.eml` files in `dir` (created if missing).
    pub fn files(dir: &Path, from: &str) -> Result<Mailer, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(Mailer {
            route: Route::Files(AsyncFileTransport::new(dir), dir.to_path_buf()),
            from: sender(from)?,
        })
    }
}

/// `List-Unsubscribe`, which mail programs show as an "unsubscribe" button.
#[derive(Clone, Debug)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, BoxError> {
        Ok(ListUnsubscribe(
            s.trim_start_matches('<').trim_end_matches('>').to_owned(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// The MIME message: plain text and HTML as alternatives, then any attachments.
fn message(from: &Mailbox, mail: &ComposedMail) -> Result<Message, MailError> {
    let to = mail
        .to
        .parse()
        .map_err(|e| MailError::Refused(format!("recipient: {e}")))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(Mailbox::new(Some(mail.to_name.clone()), to))
        .subject(mail.subject.clone());
    if let Some(link) = &mail.unsubscribe {
        builder = builder.header(ListUnsubscribe(link.clone()));
    }
    let body = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
    let built = if mail.attachments.is_empty() {
        builder.multipart(body)
    } else {
        let mut mixed = MultiPart::mixed().multipart(body);
        for attachment in &mail.attachments {
            let kind = ContentType::parse(&attachment.content_type)
                .map_err(|e| MailError::Refused(format!("attachment type: {e}")))?;
            let part: SinglePart =
                Attachment::new(attachment.filename.clone()).body(attachment.bytes.clone(), kind);
            mixed = mixed.singlepart(part);
        }
        builder.multipart(mixed)
    };
    built.map_err(|e| MailError::Refused(format!("building the message: {e}")))
}

#[async_trait]
impl MailTransport for Mailer {
    async fn deliver(&self, mail: &ComposedMail) -> Result<(), MailError> {
        let message = message(&self.from, mail)?;
        match &self.route {
            Route::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok(()),
                // A 5xx answer: this mail will never be taken.
                Err(e) if e.is_permanent() => Err(MailError::Refused(e.to_string())),
                // Not reached, timed out, or "try later" (4xx): the job retries.
                Err(e) => Err(MailError::Unavailable(e.to_string())),
            },
            Route::Files(files, dir) => {
                let id = files
                    .send(message)
                    .await
                    .map_err(|e| MailError::Unavailable(e.to_string()))?;
                // No SMTP server: the log shows the mail, so its links can be followed.
                tracing::info!(
                    "mail to {} (no SMTP server; saved as {}): {}\n{}",
                    mail.to,
                    dir.join(format!("{id}.eml")).display(),
                    mail.subject,
                    mail.text
                );
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_app::ports::Attachment as MailAttachment;

    fn composed() -> ComposedMail {
        ComposedMail {
            to: "ada@example.com".into(),
            to_name: "Ada Lovelace".into(),
            subject: "重置密码".into(),
            text: "Open https://kenning.test/reset-password/abc".into(),
            html: "<p><a href=\"https://kenning.test/reset-password/abc\">Reset</a></p>".into(),
            unsubscribe: Some("https://kenning.test/account#mail".into()),
            attachments: vec![MailAttachment {
                filename: "receipt.pdf".into(),
                content_type: "application/pdf".into(),
                bytes: b"%PDF-1.7".to_vec(),
            }],
        }
    }

    #[tokio::test]
    async fn mail_is_written_to_files_with_both_bodies_and_its_attachment() {
        let dir = std::env::temp_dir().join(format!("kenning-mail-{}", std::process::id()));
        let mailer = Mailer::files(&dir, "Kenning <no-reply@kenning.test>")
            .unwrap_or_else(|e| panic!("{e}"));
        mailer
            .deliver(&composed())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let written: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .collect();
        assert_eq!(written.len(), 1);
        let eml = std::fs::read_to_string(written[0].path()).unwrap_or_default();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            eml.contains("To: \"Ada Lovelace\" <ada@example.com>"),
            "{eml}"
        );
        assert!(eml.contains("List-Unsubscribe: <https://kenning.test/account#mail>"));
        assert!(eml.contains("multipart/alternative"));
        assert!(eml.contains("text/html"));
        assert!(eml.contains("filename=\"receipt.pdf\""));
        // The subject is encoded (RFC 2047), never sent raw.
        assert!(!eml.contains("重置密码"));
    }

    #[tokio::test]
    async fn an_unreachable_server_is_unavailable_not_refused() {
        let mailer = Mailer::smtp("smtp://127.0.0.1:9", "no-reply@kenning.test")
            .unwrap_or_else(|e| panic!("{e}"));
        let outcome = mailer.deliver(&composed()).await;
        assert!(
            matches!(outcome, Err(MailError::Unavailable(_))),
            "{outcome:?}"
        );
    }

    #[test]
    fn a_bad_sender_or_url_is_reported() {
        assert!(Mailer::smtp("gopher://x", "a@b.c").is_err());
        assert!(Mailer::smtp("smtp://127.0.0.1:25", "not an address").is_err());
    }
}
