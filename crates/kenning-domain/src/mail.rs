//! Mail Kenning sends: to whom, in which language, and what it says (its words come
//! from the locale files when it is composed, never from here).
//!
//! A mail is queued as a job in the same transaction as the change it tells of, and
//! sent by whichever worker claims it, with retries.

use serde::{Deserialize, Serialize};

use crate::account::Email;
use crate::ids::OrderId;
use crate::locale::Locale;
use crate::notification::Notice;

/// One mail to one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: Email,
    /// The name the greeting uses.
    pub name: String,
    pub locale: Locale,
    /// The IANA zone times are written in (the reader's, when known; else UTC).
    #[serde(default)]
    pub time_zone: Option<String>,
    pub message: MailMessage,
}

/// What a mail says. A link's secret travels in the mail only; the database keeps its
/// hash (and the queued job, until it is pruned, the mail itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MailMessage {
    /// Confirms that the address belongs to the person who registered it.
    VerifyEmail { token: String },
    /// Sets a new password; sent only to an address that has an account.
    ResetPassword { token: String },
    /// Confirms a new address before it replaces the old one.
    ConfirmNewEmail { token: String },
    /// Tells the old address that the password was changed or reset.
    PasswordChanged,
    /// The receipt of a paid order, its PDF attached.
    Receipt { order: OrderId },
    /// A notification the person wants by mail too.
    Notice { notice: Notice },
    /// An operator approved the person's application: they can create now.
    CreatorApproved,
    /// An operator declined it, for this reason.
    CreatorDeclined { reason: String },
    /// Someone bought the reader `title` as a gift: the link claims it.
    Gift {
        code: String,
        from: String,
        title: String,
        /// The giver's own message (may be empty).
        message: String,
    },
}

impl MailMessage {
    /// The message's name in logs and in the locale files (`mail-<kind>-subject` …).
    pub fn kind(&self) -> &'static str {
        match self {
            MailMessage::VerifyEmail { .. } => "verify-email",
            MailMessage::ResetPassword { .. } => "reset-password",
            MailMessage::ConfirmNewEmail { .. } => "confirm-new-email",
            MailMessage::PasswordChanged => "password-changed",
            MailMessage::Receipt { .. } => "receipt",
            MailMessage::Notice { notice } => MailMessage::notice_kind(notice),
            MailMessage::CreatorApproved => "creator-approved",
            MailMessage::CreatorDeclined { .. } => "creator-declined",
            MailMessage::Gift { .. } => "gift",
        }
    }

    /// A notice's name in the locale files (`notice-<kind>`, `mail-<kind>-…`).
    pub fn notice_kind(notice: &Notice) -> &'static str {
        match notice {
            Notice::QuestionAnswered { .. } => "question-answered",
            Notice::OrderRefunded { .. } => "order-refunded",
            Notice::Announcement { .. } => "announcement",
            Notice::RenewalSoon { .. } => "renewal-soon",
            Notice::Renewed { .. } => "renewed",
            Notice::RenewalFailed { .. } => "renewal-failed",
            Notice::MembershipEnded { .. } => "membership-ended",
            Notice::LiveSoon { .. } => "live-soon",
            Notice::ProductHeld { .. } => "product-held",
            Notice::ProductReleased { .. } => "product-released",
        }
    }

    /// The path on this site the mail's button opens, if any.
    pub fn link_path(&self) -> Option<String> {
        match self {
            MailMessage::VerifyEmail { token } => Some(format!("/verify-email/{token}")),
            MailMessage::ResetPassword { token } => Some(format!("/reset-password/{token}")),
            MailMessage::ConfirmNewEmail { token } => Some(format!("/confirm-email/{token}")),
            MailMessage::PasswordChanged => Some("/forgot-password".to_owned()),
            MailMessage::Receipt { order } => Some(format!("/orders/{order}/receipt")),
            MailMessage::Notice { notice } => Some(notice.link_path()),
            MailMessage::CreatorApproved => Some("/studio".to_owned()),
            MailMessage::CreatorDeclined { .. } => Some("/become-a-creator".to_owned()),
            MailMessage::Gift { code, .. } => Some(format!("/gifts/{code}")),
        }
    }

    /// Words of the person's own (or an operator's) the mail quotes, if any.
    pub fn quoted(&self) -> Option<&str> {
        match self {
            MailMessage::CreatorDeclined { reason } => Some(reason),
            MailMessage::Gift { message, .. } if !message.is_empty() => Some(message),
            MailMessage::Notice {
                notice: Notice::ProductHeld { reason, .. },
            } => Some(reason),
            MailMessage::Notice {
                notice: Notice::Announcement { body, .. },
            } => Some(body),
            _ => None,
        }
    }
}

/// What a single-use link in a mail does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    ChangeEmail,
}

impl TokenPurpose {
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::ChangeEmail => "change_email",
        }
    }

    /// How long a link works: a reset link briefly (it is as good as the password),
    /// an address confirmation for days (people read mail late).
    pub fn lifetime_ms(&self) -> i64 {
        const HOUR: i64 = 60 * 60 * 1000;
        match self {
            TokenPurpose::ResetPassword => HOUR,
            TokenPurpose::VerifyEmail | TokenPurpose::ChangeEmail => 72 * HOUR,
        }
    }
}

/// What became of a single-use link when it was followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenUse<T> {
    /// Used now, for the first time; what it was for.
    Used(T),
    /// Used before.
    AlreadyUsed,
    /// Its time ran out.
    Expired,
    /// No such link (or one for something else).
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_round_trips_through_its_stored_form() {
        let mail = Mail {
            to: Email::parse("ada@example.com").unwrap_or_else(|e| panic!("{e}")),
            name: "Ada".into(),
            locale: Locale::ZhCn,
            time_zone: Some("Asia/Shanghai".into()),
            message: MailMessage::ResetPassword {
                token: "t0k".into(),
            },
        };
        let json = serde_json::to_string(&mail).unwrap_or_default();
        assert!(json.contains("\"reset_password\""), "{json}");
        let back: Mail = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, mail);
        assert_eq!(
            back.message.link_path().as_deref(),
            Some("/reset-password/t0k")
        );
    }

    #[test]
    fn a_reset_link_lives_shorter_than_an_address_confirmation() {
        assert!(
            TokenPurpose::ResetPassword.lifetime_ms() < TokenPurpose::VerifyEmail.lifetime_ms()
        );
    }
}
