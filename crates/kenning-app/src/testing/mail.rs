//! Mail kept in memory: composed plainly (the message's kind and its link) and
//! delivered into a list a test reads, or refused while the test says the server is
//! down.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use kenning_domain::mail::Mail;

use super::lock;
use crate::ports::{
    ComposedMail, MailComposer, MailError, MailFacts, MailTransport, ReceiptRow, ReceiptText,
};
use crate::revenue::ReceiptView;
use kenning_domain::locale::Locale;

/// Writes the message's kind as the subject and its link as the body.
#[derive(Debug, Default)]
pub struct PlainComposer;

impl MailComposer for PlainComposer {
    fn receipt_text(&self, _locale: Locale, receipt: &ReceiptView) -> ReceiptText {
        ReceiptText {
            title: "receipt".into(),
            parties: Vec::new(),
            rows: vec![ReceiptRow::new("total", receipt.order.total.to_string())],
            footer: receipt.order.id.to_string(),
        }
    }

    fn compose(&self, mail: &Mail, base_url: &str, _facts: &MailFacts) -> ComposedMail {
        let link = mail
            .message
            .link_path()
            .map(|path| format!("{base_url}{path}"))
            .unwrap_or_default();
        ComposedMail {
            to: mail.to.as_str().to_owned(),
            to_name: mail.name.clone(),
            subject: mail.message.kind().to_owned(),
            text: link.clone(),
            html: link,
            unsubscribe: None,
            attachments: Vec::new(),
        }
    }
}

/// Keeps delivered mail; while `down` is set, answers as an unreachable server.
#[derive(Debug, Default)]
pub struct MemoryMail {
    sent: Mutex<Vec<ComposedMail>>,
    down: AtomicBool,
}

impl MemoryMail {
    /// Everything delivered so far, oldest first.
    pub fn sent(&self) -> Vec<ComposedMail> {
        lock(&self.sent).clone()
    }

    /// Makes the server unreachable (true) or reachable again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

#[async_trait]
impl MailTransport for MemoryMail {
    async fn deliver(&self, mail: &ComposedMail) -> Result<(), MailError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(MailError::Unavailable("connection refused".into()));
        }
        lock(&self.sent).push(mail.clone());
        Ok(())
    }
}
