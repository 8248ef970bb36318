//! What a person owns.

use std::collections::HashMap;

use kenning_domain::catalog::{Product, ProductKind};
use kenning_domain::ids::ProductId;

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

/// The result of `kenning ledger verify`.
#[derive(Clone, Debug, Default)]
pub struct BooksReport {
    /// (transaction and currency, sum) for every transaction that does not sum to zero.
    pub unbalanced: Vec<(String, i64)>,
    pub paid_without_entitlement: Vec<String>,
    pub entitlement_without_payment: Vec<String>,
    /// Years whose receipt numbers have a gap or run past their counter.
    pub receipt_breaks: Vec<crate::ports::ReceiptSeriesBreak>,
}

impl BooksReport {
    pub fn is_clean(&self) -> bool {
        self.unbalanced.is_empty()
            && self.paid_without_entitlement.is_empty()
            && self.entitlement_without_payment.is_empty()
            && self.receipt_breaks.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct LibraryItem {
    pub product: Product,
    pub granted_at_ms: i64,
}

/// A product held, with the holder's podcast feed address (a path) for an audio series.
#[derive(Clone, Debug)]
pub struct HeldProduct {
    pub product: Product,
    pub granted_at_ms: i64,
    pub feed_path: Option<String>,
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

    /// Every product the person is entitled to, most recent first, with their feed
    /// addresses: two statements (what they hold, their feed versions) however many.
    pub async fn library_with_feeds(
        &self,
        user: &CurrentUser,
    ) -> Result<Vec<HeldProduct>, AppError> {
        let account = user.account.id;
        let (held, versions) = tokio::try_join!(self.library(user), async {
            Ok::<_, AppError>(self.store.feed_versions(account).await?)
        })?;
        let versions: HashMap<ProductId, i64> = versions
            .into_iter()
            .map(|v| (v.product_id, v.version))
            .collect();
        let mut out = Vec::with_capacity(held.len());
        for item in held {
            let id = item.product.id;
            let feed_path = match item.product.kind {
                ProductKind::AudioSeries => {
                    let version = versions.get(&id).copied().unwrap_or(0);
                    Some(self.feed_path_at(account, id, version).await?)
                }
                _ => None,
            };
            out.push(HeldProduct {
                product: item.product,
                granted_at_ms: item.granted_at_ms,
                feed_path,
            });
        }
        Ok(out)
    }

    /// Recomputes the books: every transaction balances, every paid order granted its
    /// product, every entitlement has a paid order or a grant behind it.
    pub async fn verify_books(&self) -> Result<BooksReport, AppError> {
        Ok(BooksReport {
            unbalanced: self.store.ledger_imbalances().await?,
            paid_without_entitlement: self.store.paid_orders_without_entitlement().await?,
            entitlement_without_payment: self.store.entitlements_without_payment().await?,
            receipt_breaks: self.store.receipt_series_breaks().await?,
        })
    }
}
