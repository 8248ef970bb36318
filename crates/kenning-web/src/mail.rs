//! Mail in its reader's language: the words from the locale files (`mail-<kind>-…`),
//! the HTML from `templates/mail.html`, the plain text beside it.

use std::sync::Arc;

use askama::Template;
use fluent_bundle::FluentValue;
use kenning_app::ports::{ComposedMail, MailComposer, MailFacts, ReceiptText};
use kenning_app::revenue::ReceiptView;
use kenning_domain::locale::Locale;
use kenning_domain::mail::{Mail, MailMessage};
use kenning_domain::notification::Notice;

use crate::i18n::{I18n, Tr};

/// Writes Kenning's mail (the binary hands it to the app as its [`MailComposer`]).
#[derive(Clone, Debug)]
pub struct MailWriter {
    i18n: Arc<I18n>,
}

impl MailWriter {
    /// With the embedded translations.
    pub fn load() -> Result<MailWriter, String> {
        Ok(MailWriter {
            i18n: Arc::new(I18n::load()?),
        })
    }
}

#[derive(Template)]
#[template(path = "mail.html")]
struct MailHtml<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    paragraphs: &'a [String],
    /// Someone's own words the mail quotes (an operator's reason).
    quoted: Option<&'a str>,
    action: Option<(&'a str, &'a str)>,
    footer: &'a str,
}

/// The arguments a mail's words may use, from what it tells of.
fn facts_args<'a>(
    tr: Tr<'_>,
    mail: &'a Mail,
    facts: &'a MailFacts,
) -> Vec<(&'static str, FluentValue<'a>)> {
    let mut args = Vec::new();
    if let MailMessage::Notice { notice } = &mail.message {
        match notice {
            Notice::OrderRefunded { amount, .. } => {
                args.push(("amount", FluentValue::from(tr.money(amount))));
            }
            Notice::Announcement { title, .. } => {
                args.push(("title", FluentValue::from(title.as_str())));
            }
            Notice::QuestionAnswered { .. } => {}
        }
    }
    if let Some(r) = &facts.receipt {
        args.push((
            "product",
            FluentValue::from(r.product.title.get(tr.locale).to_owned()),
        ));
        args.push(("total", FluentValue::from(tr.money(&r.order.total))));
        args.push((
            "number",
            FluentValue::from(
                r.number
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ),
        ));
    }
    args
}

impl MailComposer for MailWriter {
    fn receipt_text(&self, locale: Locale, receipt: &ReceiptView) -> ReceiptText {
        crate::pages::receipt_text(Tr::new(&self.i18n, locale), receipt)
    }

    fn compose(&self, mail: &Mail, base_url: &str, facts: &MailFacts) -> ComposedMail {
        let tr = Tr::new(&self.i18n, mail.locale);
        let kind = mail.message.kind();
        let subject = tr.t_args(&format!("mail-{kind}-subject"), facts_args(tr, mail, facts));
        let greeting = tr.t_with("mail-greeting", "name", mail.name.clone());
        let paragraphs: Vec<String> = tr
            .t_args(&format!("mail-{kind}-body"), facts_args(tr, mail, facts))
            .split("\n\n")
            .map(str::to_owned)
            .collect();
        let link = mail
            .message
            .link_path()
            .map(|path| format!("{base_url}{path}"));
        let label = tr.t(&format!("mail-{kind}-action"));
        let footer = tr.t("mail-footer");
        let quoted = mail.message.quoted();
        let mut text = format!("{greeting}\n\n{}\n\n", paragraphs.join("\n\n"));
        if let Some(quoted) = quoted {
            text.push_str(&format!("> {}\n\n", quoted.replace('\n', "\n> ")));
        }
        if let Some(link) = &link {
            text.push_str(&format!("{label}:\n{link}\n\n"));
        }
        text.push_str(&format!("-- \n{footer}\n"));
        let html = MailHtml {
            lang: mail.locale.tag(),
            subject: &subject,
            greeting: &greeting,
            paragraphs: &paragraphs,
            quoted,
            action: link.as_deref().map(|l| (label.as_str(), l)),
            footer: &footer,
        }
        .render()
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, kind, "mail template failed; sending text only");
            String::new()
        });
        ComposedMail {
            to: mail.to.as_str().to_owned(),
            to_name: mail.name.clone(),
            subject,
            text,
            html,
            // Notifications can be stopped (by kind) on the notifications page.
            unsubscribe: matches!(mail.message, MailMessage::Notice { .. })
                .then(|| format!("{base_url}/notifications#mail")),
            attachments: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_domain::account::Email;

    fn mail(locale: Locale, message: MailMessage) -> Mail {
        Mail {
            to: Email::parse("ada@example.com").unwrap_or_else(|e| panic!("{e}")),
            name: "Ada <script>".into(),
            locale,
            message,
        }
    }

    #[test]
    fn every_mail_is_written_in_both_languages_with_its_link() {
        let writer = MailWriter::load().unwrap_or_else(|e| panic!("{e}"));
        for locale in Locale::ALL {
            for message in [
                MailMessage::VerifyEmail { token: "v".into() },
                MailMessage::ResetPassword { token: "r".into() },
                MailMessage::ConfirmNewEmail { token: "c".into() },
                MailMessage::PasswordChanged,
                MailMessage::CreatorApproved,
                MailMessage::CreatorDeclined {
                    reason: "Not yet".into(),
                },
            ] {
                let kind = message.kind();
                let composed = writer.compose(
                    &mail(locale, message.clone()),
                    "https://k.test",
                    &MailFacts::default(),
                );
                for part in [&composed.subject, &composed.text, &composed.html] {
                    assert!(!part.contains("mail-"), "{locale:?} {kind}: {part}");
                }
                if let Some(path) = message.link_path() {
                    let link = format!("https://k.test{path}");
                    assert!(composed.text.contains(&link), "{}", composed.text);
                    assert!(composed.html.contains(&format!("href=\"{link}\"")));
                }
                // The name is the person's own text: escaped in HTML.
                assert!(
                    composed.html.contains("Ada &#60;script&#62;")
                        || composed.html.contains("Ada &lt;script&gt;"),
                    "{}",
                    composed.html
                );
            }
        }
        let zh = writer.compose(
            &mail(
                Locale::ZhCn,
                MailMessage::ResetPassword { token: "r".into() },
            ),
            "https://k.test",
            &MailFacts::default(),
        );
        let en = writer.compose(
            &mail(Locale::En, MailMessage::ResetPassword { token: "r".into() }),
            "https://k.test",
            &MailFacts::default(),
        );
        assert_ne!(zh.subject, en.subject);
    }
}
