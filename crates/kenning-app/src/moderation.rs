//! Moderation of the catalog: operators find any product, take one off sale with a
//! reason its creator is told (it then cannot be published again until an operator
//! allows it), and allow it again. Each decision is in the audit log.

use kenning_domain::audit::AuditAction;
use kenning_domain::catalog::{Product, ProductHold, ProductKind, ProductStatus};
use kenning_domain::creator;
use kenning_domain::ids::ProductId;
use kenning_domain::notification::Notice;
use serde_json::json;

use crate::accounts::CurrentUser;
use crate::audit_log::{Change, admin_only};
use crate::ports::ProductFilter;
use crate::{AppError, Kenning};

/// How many products one console page lists.
const PRODUCTS_PER_PAGE: i64 = 100;

/// What operators search the catalog by.
#[derive(Clone, Debug, Default)]
pub struct ProductSearch {
    /// Words in the title.
    pub words: Option<String>,
    pub status: Option<ProductStatus>,
    pub kind: Option<ProductKind>,
}

/// A product as the console lists it.
#[derive(Clone, Debug)]
pub struct ProductLine {
    pub product: Product,
    pub creator_email: String,
    pub hold: Option<ProductHold>,
}

impl Kenning {
    /// Products in any status (operators), newest first, with their creator and hold.
    pub async fn products_for_operators(
        &self,
        user: &CurrentUser,
        search: &ProductSearch,
    ) -> Result<Vec<ProductLine>, AppError> {
        admin_only(user)?;
        let filter = ProductFilter {
            status: search.status,
            kind: search.kind,
            title_contains: search.words.clone().filter(|w| !w.trim().is_empty()),
            limit: PRODUCTS_PER_PAGE,
            ..ProductFilter::default()
        };
        let mut lines = Vec::new();
        for product in self.store.list_products(&filter).await? {
            let (creator, hold) = tokio::try_join!(
                self.store.account_by_id(product.creator_id),
                self.store.product_hold(product.id),
            )?;
            lines.push(ProductLine {
                creator_email: creator
                    .map(|a| a.email.as_str().to_owned())
                    .unwrap_or_default(),
                product,
                hold,
            });
        }
        Ok(lines)
    }

    /// The hold on a product, if an operator took it off sale (its creator's studio
    /// shows the reason).
    pub async fn product_hold(&self, id: ProductId) -> Result<Option<ProductHold>, AppError> {
        Ok(self.store.product_hold(id).await?)
    }

    /// Takes a product off sale for a reason (operators). Its buyers keep their access;
    /// its creator is told why and cannot publish it again until an operator allows it.
    /// A product held already is refused (`already_held`): told once, logged once.
    pub async fn hold_product(
        &self,
        user: &CurrentUser,
        id: ProductId,
        reason: &str,
    ) -> Result<ProductHold, AppError> {
        admin_only(user)?;
        let reason = creator::reason(reason)?;
        let product = self
            .store
            .product(id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        let hold = ProductHold {
            product_id: id,
            reason: reason.clone(),
            held_by: user.account.id,
            held_at_ms: self.now_ms(),
        };
        if !self.store.hold_product(&hold).await? {
            return Err(AppError::AlreadyHeld);
        }
        self.catalog_changed(id).await;
        let change = Change::of(format!("product:{id}"))
            .before(json!({"status": product.status.as_str()}))
            .after(json!({"status": ProductStatus::Unpublished.as_str(), "held": true}))
            .reason(&reason);
        self.audit(Some(user), AuditAction::ProductUnpublished, change)
            .await?;
        self.notify_about(product.creator_id, &product, |product, title| {
            Notice::ProductHeld {
                product,
                title,
                reason,
            }
        })
        .await?;
        tracing::info!(product = %id, "product held by an operator");
        Ok(hold)
    }

    /// Lifts an operator's hold (operators): the creator may publish the product again.
    pub async fn release_product(&self, user: &CurrentUser, id: ProductId) -> Result<(), AppError> {
        admin_only(user)?;
        let product = self
            .store
            .product(id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        if !self.store.release_product(id).await? {
            return Err(AppError::NotFound("hold"));
        }
        let change = Change::of(format!("product:{id}"))
            .before(json!({"held": true}))
            .after(json!({"held": false}));
        self.audit(Some(user), AuditAction::ProductReleased, change)
            .await?;
        self.notify_about(product.creator_id, &product, |product, title| {
            Notice::ProductReleased { product, title }
        })
        .await
    }

    /// A product may be published unless an operator holds it.
    pub(crate) async fn check_not_held(&self, id: ProductId) -> Result<(), AppError> {
        match self.store.product_hold(id).await? {
            Some(_) => Err(AppError::ProductHeld),
            None => Ok(()),
        }
    }
}
