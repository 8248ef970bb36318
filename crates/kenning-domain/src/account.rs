//! People and what they may do.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::AccountId;
use crate::locale::Locale;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer passwords are refused so hashing cannot be used to exhaust the server.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A syntactically valid e-mail address, kept in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, DomainError> {
        let email = raw.trim().to_lowercase();
        let (local, domain) = email.split_once('@').ok_or(DomainError::InvalidEmail)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.len() >= 3
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && !domain.contains('@');
        if ok {
            Ok(Email(email))
        } else {
            Err(DomainError::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`: what a mail calls someone with no name here.
    pub fn local_part(&self) -> &str {
        self.0
            .split_once('@')
            .map_or(self.0.as_str(), |(local, _)| local)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a new password against the policy: long enough, not too long, and not one an
/// attacker tries first. The password itself is never stored.
pub fn check_password_policy(password: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err(DomainError::WeakPassword {
            min: MIN_PASSWORD_CHARS,
        })
    } else if n > MAX_PASSWORD_CHARS {
        Err(DomainError::PasswordTooLong)
    } else if is_common_password(password) {
        Err(DomainError::CommonPassword)
    } else {
        Ok(())
    }
}

/// A password from the lists of common and breached passwords (and the usual variations
/// of them: digits added, capitals, l33t, keyboard walks, repeats, dates), as zxcvbn's
/// dictionaries and estimator see it: fewer than a million guesses.
fn is_common_password(password: &str) -> bool {
    zxcvbn::zxcvbn(password, &[]).score() <= zxcvbn::Score::One
}

/// The name shown to others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, DomainError> {
        let name = raw.trim();
        crate::text::check(name, crate::text::Lines::One)?;
        let n = name.chars().count();
        if n == 0 || n > 80 {
            Err(DomainError::InvalidDisplayName)
        } else {
            Ok(DisplayName(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a person may do on the instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Learner,
    Creator,
    Admin,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Creator => "creator",
            Role::Admin => "admin",
        }
    }

    /// Creators and admins may publish products.
    pub fn can_create_products(&self) -> bool {
        matches!(self, Role::Creator | Role::Admin)
    }
}

impl FromStr for Role {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "learner" => Ok(Role::Learner),
            "creator" => Ok(Role::Creator),
            "admin" => Ok(Role::Admin),
            _ => Err(DomainError::UnknownRole),
        }
    }
}

/// A person's account as the rest of the system sees it (no secrets).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: AccountId,
    pub email: Email,
    pub display_name: DisplayName,
    pub role: Role,
    pub created_at_ms: i64,
    /// The language mail to this person is written in.
    pub locale: Locale,
    /// Whether the person followed the link mailed to their address.
    pub email_verified: bool,
    /// The IANA name of the zone their times are shown in, once their browser said.
    pub time_zone: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_breached_passwords_are_refused() {
        for common in [
            "password123",
            "Password1234",
            "qwertyuiop",
            "1234567890",
            "iloveyou123",
            "p@ssw0rd123",
            "aaaaaaaaaaaa",
        ] {
            assert_eq!(
                check_password_policy(common),
                Err(DomainError::CommonPassword),
                "{common}"
            );
        }
        for fine in [
            "kenning-demo-2026",
            "correct horse battery",
            "bench password 2026",
            "e2e operator password",
            "t7#Vq9!mZr2w",
        ] {
            assert_eq!(check_password_policy(fine), Ok(()), "{fine}");
        }
    }

    #[test]
    fn emails_are_normalised_to_lower_case() {
        assert_eq!(
            Email::parse(" Ada@Example.COM ").map(|e| e.to_string()),
            Ok("ada@example.com".to_owned())
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "a@b@c.com",
        ] {
            assert_eq!(Email::parse(bad), Err(DomainError::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn passwords_under_ten_characters_are_weak() {
        assert!(check_password_policy("123456789").is_err());
        assert!(check_password_policy("十个字的密码一二三四").is_ok());
    }

    #[test]
    fn display_names_are_bounded() {
        assert!(DisplayName::parse("  ").is_err());
        assert!(DisplayName::parse(&"x".repeat(81)).is_err());
        assert!(DisplayName::parse("李雷").is_ok());
    }
}
