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
use crate::zone::Zone;

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

/// The arguments a notice's words use, in its mail and in the bell alike.
pub(crate) fn notice_args<'a>(
    tr: Tr<'_>,
    notice: &'a Notice,
) -> Vec<(&'static str, FluentValue<'a>)> {
    let title = |t: &'a String| ("title", FluentValue::from(t.as_str()));
    match notice {
        Notice::OrderRefunded { amount, .. } => {
            vec![("amount", FluentValue::from(tr.money(amount)))]
        }
        Notice::Announcement { title: t, .. }
        | Notice::MembershipEnded { title: t, .. }
        | Notice::ProductHeld { title: t, .. }
        | Notice::ProductReleased { title: t, .. } => vec![title(t)],
        Notice::RenewalSoon {
            title: t,
            amount,
            at_ms,
            ..
        } => vec![
            title(t),
            ("amount", FluentValue::from(tr.money(amount))),
            ("date", FluentValue::from(tr.date(*at_ms))),
        ],
        Notice::Renewed {
            title: t, amount, ..
        } => vec![title(t), ("amount", FluentValue::from(tr.money(amount)))],
        Notice::RenewalFailed {
            title: t, until_ms, ..
        } => vec![title(t), ("date", FluentValue::from(tr.date(*until_ms)))],
        Notice::LiveSoon {
            title: t, at_ms, ..
        } => {
            vec![title(t), ("time", FluentValue::from(tr.datetime(*at_ms)))]
        }
        Notice::QuestionAnswered { .. } => Vec::new(),
    }
}

/// The arguments a mail's words may use, from what it tells of.
fn facts_args<'a>(
    tr: Tr<'_>,
    mail: &'a Mail,
    facts: &'a MailFacts,
) -> Vec<(&'static str, FluentValue<'a>)> {
    let mut args = Vec::new();
    match &mail.message {
        MailMessage::Notice { notice } => args.extend(notice_args(tr, notice)),
        MailMessage::Gift { from, title, .. } => {
            args.push(("from", FluentValue::from(from.as_str())));
            args.push(("title", FluentValue::from(title.as_str())));
        }
        _ => {}
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
        let zone = mail.time_zone.as_deref().and_then(Zone::named);
        let tr = Tr::new(&self.i18n, mail.locale).in_zone(zone.as_ref());
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
            time_zone: None,
            message,
        }
    }

    /// One notice of every kind.
    fn notices() -> Vec<Notice> {
        use kenning_domain::ids::{OrderId, ProductId, QuestionId};
        use kenning_domain::money::{Currency, Money};
        let (product, title) = (ProductId::new(), "Tea".to_owned());
        let amount = Money::new(999, Currency::USD);
        vec![
            Notice::QuestionAnswered {
                question: QuestionId::new(),
                product,
            },
            Notice::OrderRefunded {
                order: OrderId::new(),
                amount,
            },
            Notice::Announcement {
                product,
                title: title.clone(),
                body: "Hi".into(),
            },
            Notice::RenewalSoon {
                product,
                title: title.clone(),
                amount,
                at_ms: 0,
            },
            Notice::Renewed {
                product,
                title: title.clone(),
                amount,
                order: OrderId::new(),
            },
            Notice::RenewalFailed {
                product,
                title: title.clone(),
                until_ms: 0,
            },
            Notice::MembershipEnded {
                product,
                title: title.clone(),
            },
            Notice::LiveSoon {
                product,
                title: title.clone(),
                at_ms: 0,
            },
            Notice::ProductHeld {
                product,
                title: title.clone(),
                reason: "Copied".into(),
            },
            Notice::ProductReleased { product, title },
        ]
    }

    #[test]
    fn every_notice_reads_in_both_languages_in_the_bell() {
        let writer = MailWriter::load().unwrap_or_else(|e| panic!("{e}"));
        for locale in Locale::ALL {
            let tr = Tr::new(&writer.i18n, locale);
            for notice in notices() {
                let key = format!("notice-{}", MailMessage::notice_kind(&notice));
                let text = tr.t_args(&key, notice_args(tr, &notice));
                assert!(!text.contains("notice-") && !text.contains("{$"), "{text}");
            }
            for kind in kenning_domain::notification::NoticeKind::ALL {
                let label = tr.t(&format!("notice-kind-{kind}"));
                assert!(!label.starts_with("notice-"), "{label}");
            }
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
                MailMessage::Gift {
                    code: "g".into(),
                    from: "Bo".into(),
                    title: "Tea".into(),
                    message: "Enjoy".into(),
                },
            ]
            .into_iter()
            .chain(
                notices()
                    .into_iter()
                    .map(|notice| MailMessage::Notice { notice }),
            ) {
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
