//! What a person owns.

use kenning_domain::catalog::Product;

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct LibraryItem {
    pub product: Product,
    pub granted_at_ms: i64,
}

impl Kenning {
    /// Every product the person is entitled to, most recent first.
    pub async fn library(&self, user: &CurrentUser) -> Result<Vec<LibraryItem>, AppError> {
        let items = self.store.library(user.account.id).await?;
        Ok(items
            .into_iter()
            .map(|(product, granted_at_ms)| LibraryItem {
                product,
                granted_at_ms,
            })
            .collect())
    }

    /// Ledger sums per currency that are not zero (empty when the books balance).
    pub async fn ledger_imbalances(&self) -> Result<Vec<(String, i64)>, AppError> {
        Ok(self.store.ledger_imbalances().await?)
    }
}
