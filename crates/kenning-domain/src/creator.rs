//! Becoming a creator: anyone may apply with a name, a short biography and where each
//! currency's earnings are paid; an operator approves (the person becomes a creator)
//! or declines with a reason they are told.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{AccountId, ApplicationId};
use crate::money::Currency;
use crate::text::{self, Lines};

/// The longest biography accepted.
pub const MAX_BIO_CHARS: usize = 2000;
/// The longest bank or payment-account reference accepted.
pub const MAX_PAYOUT_REFERENCE_CHARS: usize = 200;
/// The longest reason an operator gives.
pub const MAX_REASON_CHARS: usize = 500;

/// Where one currency's earnings are paid: a bank account (IBAN …) or a payment
/// account reference, as the creator writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutDetail {
    pub currency: Currency,
    pub reference: String,
}

/// Where an application stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Pending,
    Approved,
    Declined,
}

impl ApplicationStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "pending",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Declined => "declined",
        }
    }
}

impl fmt::Display for ApplicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ApplicationStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(ApplicationStatus::Pending),
            "approved" => Ok(ApplicationStatus::Approved),
            "declined" => Ok(ApplicationStatus::Declined),
            _ => Err(DomainError::InvalidApplication),
        }
    }
}

/// An application as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatorApplication {
    pub id: ApplicationId,
    pub account_id: AccountId,
    /// The name the creator sells under.
    pub name: String,
    pub bio: String,
    pub payout: Vec<PayoutDetail>,
    pub status: ApplicationStatus,
    /// Why it was declined.
    pub reason: Option<String>,
    pub created_at_ms: i64,
    pub decided_at_ms: Option<i64>,
    pub decided_by: Option<AccountId>,
}

/// What a person writes to apply, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationForm {
    pub name: String,
    pub bio: String,
    pub payout: Vec<PayoutDetail>,
}

impl ApplicationForm {
    /// A name of 1–80 characters on one line, a biography of up to 2000, and at least
    /// one currency's payout reference (each currency once, 1–200 characters).
    pub fn new(
        name: &str,
        bio: &str,
        payout: Vec<(String, String)>,
    ) -> Result<ApplicationForm, DomainError> {
        let name = name.trim();
        text::check(name, Lines::One)?;
        let bio = bio.trim();
        text::check(bio, Lines::Many)?;
        let name_chars = name.chars().count();
        if name_chars == 0 || name_chars > 80 || bio.chars().count() > MAX_BIO_CHARS {
            return Err(DomainError::InvalidApplication);
        }
        let mut details: Vec<PayoutDetail> = Vec::new();
        for (code, reference) in payout {
            let (code, reference) = (code.trim(), reference.trim());
            if code.is_empty() && reference.is_empty() {
                continue;
            }
            let currency = Currency::from_code(code)?;
            text::check(reference, Lines::One)?;
            let n = reference.chars().count();
            if n == 0
                || n > MAX_PAYOUT_REFERENCE_CHARS
                || details.iter().any(|d| d.currency == currency)
            {
                return Err(DomainError::InvalidApplication);
            }
            details.push(PayoutDetail {
                currency,
                reference: reference.to_owned(),
            });
        }
        if details.is_empty() {
            return Err(DomainError::InvalidApplication);
        }
        Ok(ApplicationForm {
            name: name.to_owned(),
            bio: bio.to_owned(),
            payout: details,
        })
    }
}

/// A creator's biography for their public page: at most 2000 characters (may be
/// empty).
pub fn bio(text: &str) -> Result<String, DomainError> {
    let bio = text.trim();
    text::check(bio, Lines::Many)?;
    if bio.chars().count() > MAX_BIO_CHARS {
        return Err(DomainError::InvalidBio);
    }
    Ok(bio.to_owned())
}

/// An operator's reason: required, one to 500 characters.
pub fn reason(text: &str) -> Result<String, DomainError> {
    let reason = text.trim();
    text::check(reason, Lines::Many)?;
    let n = reason.chars().count();
    if n == 0 || n > MAX_REASON_CHARS {
        return Err(DomainError::ReasonRequired);
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    #[test]
    fn an_application_needs_a_name_and_a_payout_reference() {
        let ok = ApplicationForm::new(
            " Ada Lovelace ",
            "I teach analysis.",
            vec![pair("eur", "DE89 3704 0044 0532 0130 00"), pair("", "")],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.name, "Ada Lovelace");
        assert_eq!(ok.payout.len(), 1);
        assert_eq!(ok.payout.first().map(|p| p.currency.code()), Some("EUR"));

        for (name, payout) in [
            ("", vec![pair("EUR", "x")]),
            ("Ada", vec![]),
            ("Ada", vec![pair("EUR", "")]),
            ("Ada", vec![pair("XYZ", "x")]),
            ("Ada", vec![pair("EUR", "a"), pair("eur", "b")]),
            ("Ada\nLovelace", vec![pair("EUR", "x")]),
        ] {
            assert!(
                ApplicationForm::new(name, "", payout.clone()).is_err(),
                "{name:?} {payout:?}"
            );
        }
        assert!(ApplicationForm::new("Ada", &"x".repeat(2001), vec![pair("EUR", "x")]).is_err());
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert!(reason("  ").is_err());
        assert!(reason(&"x".repeat(501)).is_err());
        assert_eq!(
            reason(" Not a teaching account ").ok().as_deref(),
            Some("Not a teaching account")
        );
    }
}
