//! Sending mail: a queued [`Job::SendMail`](kenning_domain::jobs::Job) is composed in
//! its reader's language and handed to the configured transport when a worker runs it,
//! so a slow or absent mail server never holds up the request that caused the mail,
//! and a failed delivery is tried again with backoff.

use kenning_domain::account::Account;
use kenning_domain::jobs::Job;
use kenning_domain::mail::{Mail, MailMessage};

use crate::ports::{Attachment, MailError, MailFacts};
use crate::{AppError, Kenning};

impl Kenning {
    /// Records where this node serves (`http://127.0.0.1:8080`), for links in mail
    /// when no public URL is configured; the first call wins.
    pub fn serving_at(&self, url: String) {
        let _ = self.serving_at.set(url);
    }

    /// Where links in mail point, without a trailing slash.
    fn link_base(&self) -> String {
        self.settings
            .public_url
            .as_deref()
            .or(self.serving_at.get().map(String::as_str))
            .unwrap_or("http://localhost:8080")
            .trim_end_matches('/')
            .to_owned()
    }

    /// Composes and hands over one mail (the `send_mail` job).
    pub(crate) async fn deliver_mail(&self, mail: &Mail) -> Result<(), AppError> {
        let mut facts = MailFacts::default();
        if let MailMessage::Receipt { order } = &mail.message {
            facts.receipt = Some(self.receipt_of_paid(*order).await?);
        }
        let mut composed = self.composer.compose(mail, &self.link_base(), &facts);
        if let Some(receipt) = &facts.receipt {
            let text = self.composer.receipt_text(mail.locale, receipt);
            let number = receipt
                .number
                .as_ref()
                .map_or_else(|| receipt.order.id.to_string(), ToString::to_string);
            composed.attachments.push(Attachment {
                filename: format!("receipt-{number}.pdf"),
                content_type: "application/pdf".into(),
                bytes: self.receipt_pdf(text).await?,
            });
        }
        match self.mail.deliver(&composed).await {
            Ok(()) => {
                tracing::info!(kind = mail.message.kind(), "mail sent");
                Ok(())
            }
            Err(MailError::Unavailable(e)) => Err(AppError::MailUnavailable(e)),
            Err(MailError::Refused(e)) => Err(AppError::Internal(format!("mail refused: {e}"))),
        }
    }

    /// Queues `message` to `account`, in their language.
    pub(crate) async fn mail_to(
        &self,
        account: &Account,
        message: MailMessage,
    ) -> Result<(), AppError> {
        let now = self.now_ms();
        self.store
            .enqueue(
                &Job::SendMail {
                    mail: mail_for(account, message),
                },
                now,
                now,
            )
            .await?;
        Ok(())
    }
}

/// A mail to `account`, in their language.
pub(crate) fn mail_for(account: &Account, message: MailMessage) -> Mail {
    Mail {
        to: account.email.clone(),
        name: account.display_name.as_str().to_owned(),
        locale: account.locale,
        time_zone: account.time_zone.clone(),
        message,
    }
}
