//! A person's own data: downloading all of it, and deleting their account.

use kenning_domain::account::Role;
use serde_json::{Map, Value, json};

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

impl Kenning {
    /// Everything Kenning holds about the person, table by table, as JSON (secrets
    /// such as password hashes and link tokens left out).
    pub async fn export_my_data(&self, user: &CurrentUser) -> Result<Value, AppError> {
        let tables = self.store.personal_data(user.account.id).await?;
        let mut by_table = Map::new();
        for table in tables {
            by_table.insert(
                table.table,
                Value::Array(table.rows.into_iter().map(Value::Object).collect()),
            );
        }
        Ok(json!({
            "account_id": user.account.id.to_string(),
            "exported_at_ms": self.now_ms(),
            "tables": by_table,
        }))
    }

    /// Deletes the person's account (their password is asked for): what identifies
    /// them is erased, every session ends, renewing memberships stop. Orders, receipts
    /// and the books stay, as the law requires, and nothing anyone else holds changes.
    /// Creators and operators hand their business over first (an operator changes
    /// their role), since buyers and payouts depend on them.
    pub async fn delete_my_account(
        &self,
        user: &CurrentUser,
        password: &str,
    ) -> Result<(), AppError> {
        self.check_current_password(user, password).await?;
        if user.account.role != Role::Learner {
            return Err(AppError::RoleCannotDelete);
        }
        self.store
            .erase_account(user.account.id, self.now_ms())
            .await?;
        self.session_cache.clear();
        self.access_changed(user.account.id);
        tracing::info!(account = %user.account.id, "account deleted by its owner");
        Ok(())
    }
}
