//! The audit log: every operator action and every movement of money, appended with
//! who did it, when, to what, and the state before and after. Entries are never
//! edited or removed (the database refuses it).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::AccountId;

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    TaxRateSet,
    ExchangeRateSet,
    PayoutsRun,
    OrderRefunded,
    RoleChanged,
    AccountSuspended,
    AccountRestored,
    ProductUnpublished,
    ProductReleased,
    CreatorApproved,
    CreatorDeclined,
    JobRetried,
    SearchReindexed,
    ClockAdvanced,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        AuditAction::TaxRateSet,
        AuditAction::ExchangeRateSet,
        AuditAction::PayoutsRun,
        AuditAction::OrderRefunded,
        AuditAction::RoleChanged,
        AuditAction::AccountSuspended,
        AuditAction::AccountRestored,
        AuditAction::ProductUnpublished,
        AuditAction::ProductReleased,
        AuditAction::CreatorApproved,
        AuditAction::CreatorDeclined,
        AuditAction::JobRetried,
        AuditAction::SearchReindexed,
        AuditAction::ClockAdvanced,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AuditAction::TaxRateSet => "tax_rate_set",
            AuditAction::ExchangeRateSet => "exchange_rate_set",
            AuditAction::PayoutsRun => "payouts_run",
            AuditAction::OrderRefunded => "order_refunded",
            AuditAction::RoleChanged => "role_changed",
            AuditAction::AccountSuspended => "account_suspended",
            AuditAction::AccountRestored => "account_restored",
            AuditAction::ProductUnpublished => "product_unpublished",
            AuditAction::ProductReleased => "product_released",
            AuditAction::CreatorApproved => "creator_approved",
            AuditAction::CreatorDeclined => "creator_declined",
            AuditAction::JobRetried => "job_retried",
            AuditAction::SearchReindexed => "search_reindexed",
            AuditAction::ClockAdvanced => "clock_advanced",
        }
    }

    /// Whether money moved (the rest are operators' decisions).
    pub fn moves_money(&self) -> bool {
        matches!(self, AuditAction::PayoutsRun | AuditAction::OrderRefunded)
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or(DomainError::InvalidAuditFilter)
    }
}

/// One entry to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Who did it; None for Kenning itself (a job, the command line).
    pub actor: Option<AccountId>,
    pub action: AuditAction,
    /// What it was done to: `order:<id>`, `account:<id>`, `tax:DE` …
    pub target: String,
    /// The state before and after, as JSON (None where there was none).
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The operator's reason, where one is asked for.
    pub reason: Option<String>,
}

/// An entry as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at_ms: i64,
    pub actor: Option<AccountId>,
    /// The actor's address when the entry was written (kept if the account goes).
    pub actor_email: Option<String>,
    pub action: AuditAction,
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

/// Which entries to list (all when empty), newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub actor: Option<AccountId>,
    /// A target, or the start of one (`order:`).
    pub target: Option<String>,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// Only entries older than this id (the next page).
    pub before_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_name() {
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse::<AuditAction>(), Ok(action));
            assert_eq!(
                serde_json::to_value(action).unwrap_or_default(),
                serde_json::Value::String(action.as_str().to_owned())
            );
        }
        assert!("drop_table".parse::<AuditAction>().is_err());
        assert!(AuditAction::OrderRefunded.moves_money());
        assert!(!AuditAction::RoleChanged.moves_money());
    }
}
