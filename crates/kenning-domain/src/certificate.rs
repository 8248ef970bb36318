//! Certificates of completion: issued once all of a product's lessons are done, and
//! checkable by anyone with the code printed on them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{AccountId, LessonId, ProductId};
use crate::locale::LocalizedText;

/// Crockford's base 32: no I, L, O or U, so a code read aloud or typed is unambiguous.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const GROUPS: usize = 4;
const GROUP_LEN: usize = 4;

/// The public verification code of a certificate, e.g. `7K3D-Q9XA-M2PF-8RTB` (80 random
/// bits).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CertificateCode(String);

impl CertificateCode {
    /// A fresh random code.
    pub fn new() -> CertificateCode {
        let random = uuid::Uuid::new_v4().as_u128();
        let mut code = String::with_capacity(GROUPS * (GROUP_LEN + 1));
        for i in 0..GROUPS * GROUP_LEN {
            if i > 0 && i % GROUP_LEN == 0 {
                code.push('-');
            }
            let index = usize::try_from((random >> (5 * i)) & 31).unwrap_or(0);
            code.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'0')));
        }
        CertificateCode(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for CertificateCode {
    fn default() -> Self {
        CertificateCode::new()
    }
}

impl fmt::Display for CertificateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Accepts a code as printed, in either case.
impl FromStr for CertificateCode {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_ascii_uppercase();
        let groups: Vec<&str> = code.split('-').collect();
        let well_formed = groups.len() == GROUPS
            && groups
                .iter()
                .all(|g| g.len() == GROUP_LEN && g.bytes().all(|b| ALPHABET.contains(&b)));
        if well_formed {
            Ok(CertificateCode(code))
        } else {
            Err(DomainError::InvalidId)
        }
    }
}

/// A certificate as issued. Names and title are kept as they read that day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub code: CertificateCode,
    pub account_id: AccountId,
    pub product_id: ProductId,
    pub holder_name: String,
    pub creator_name: String,
    pub product_title: LocalizedText,
    /// How many lessons were completed.
    pub lessons: i64,
    pub issued_at_ms: i64,
}

/// Every lesson of the product is completed (a product without lessons earns nothing).
pub fn is_complete(lessons: &[LessonId], completed: &[LessonId]) -> bool {
    !lessons.is_empty() && lessons.iter().all(|l| completed.contains(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_unambiguous_and_parse_back() {
        let code = CertificateCode::new();
        assert_eq!(code.as_str().len(), 19);
        assert!(!code.as_str().contains(['I', 'L', 'O', 'U']));
        assert_eq!(code.as_str().parse::<CertificateCode>(), Ok(code.clone()));
        assert_eq!(
            code.as_str().to_lowercase().parse::<CertificateCode>(),
            Ok(code.clone())
        );
        assert_ne!(CertificateCode::new(), code);
        assert!("ABCD-EFGH-IJKL-MNOP".parse::<CertificateCode>().is_err());
        assert!("ABCD-EFGH".parse::<CertificateCode>().is_err());
    }

    #[test]
    fn a_certificate_needs_every_lesson() {
        let (a, b) = (LessonId::new(), LessonId::new());
        assert!(is_complete(&[a, b], &[b, a]));
        assert!(!is_complete(&[a, b], &[a]));
        assert!(!is_complete(&[], &[]));
    }
}
