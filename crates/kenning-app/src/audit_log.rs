//! The audit log: operators' actions and money movements are appended as they happen,
//! and operators read (and export) it.

use kenning_domain::account::Role;
use kenning_domain::audit::{AuditAction, AuditEntry, AuditFilter, AuditRecord};
use kenning_domain::money::Money;
use serde_json::{Value, json};

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

/// The most entries one listing answers.
pub const MAX_AUDIT_PAGE: i64 = 500;

/// Refuses anyone who is not an operator.
pub(crate) fn admin_only(user: &CurrentUser) -> Result<(), AppError> {
    if user.account.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// An amount as the log shows it.
pub(crate) fn money_json(money: Money) -> Value {
    json!({"amount_minor": money.amount_minor, "currency": money.currency.code()})
}

/// What an audited change was, before and after.
pub(crate) struct Change {
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub reason: Option<String>,
}

impl Change {
    pub fn of(target: impl Into<String>) -> Change {
        Change {
            target: target.into(),
            before: None,
            after: None,
            reason: None,
        }
    }

    pub fn before(mut self, value: Value) -> Change {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Change {
        self.after = Some(value);
        self
    }

    pub fn reason(mut self, reason: &str) -> Change {
        self.reason = Some(reason.to_owned()).filter(|r| !r.is_empty());
        self
    }
}

impl Kenning {
    /// Refuses anyone who is not an operator (pages that check before reading).
    pub fn check_operator(&self, user: &CurrentUser) -> Result<(), AppError> {
        admin_only(user)
    }

    /// Appends what `actor` (None: Kenning itself) just did. An entry that cannot be
    /// written fails the request, so that an operator is never told an unlogged action
    /// went unnoticed.
    pub(crate) async fn audit(
        &self,
        actor: Option<&CurrentUser>,
        action: AuditAction,
        change: Change,
    ) -> Result<(), AppError> {
        let entry = AuditEntry {
            actor: actor.map(|u| u.account.id),
            action,
            target: change.target,
            before: change.before,
            after: change.after,
            reason: change.reason,
        };
        self.store.append_audit(&entry, self.now_ms()).await?;
        Ok(())
    }

    /// The log, newest first (operators).
    pub async fn audit_log(
        &self,
        user: &CurrentUser,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, AppError> {
        admin_only(user)?;
        Ok(self
            .store
            .audit_entries(filter, limit.clamp(1, MAX_AUDIT_PAGE))
            .await?)
    }

    /// Every matching entry, newest first, for a CSV export (operators).
    pub async fn audit_export(
        &self,
        user: &CurrentUser,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditRecord>, AppError> {
        admin_only(user)?;
        Ok(self.store.audit_entries(filter, 10_000).await?)
    }
}
