//! Creators' public pages: who they are (their name and biography) and what they sell.

use kenning_domain::account::Role;
use kenning_domain::catalog::{Product, ProductStatus};
use kenning_domain::creator::{self, ApplicationStatus};
use kenning_domain::ids::AccountId;

use crate::accounts::CurrentUser;
use crate::ports::ProductFilter;
use crate::{AppError, Kenning};

/// The most products a creator's page lists.
const MAX_LISTED: i64 = 200;

/// A creator's public page.
#[derive(Clone, Debug)]
pub struct CreatorPage {
    pub id: AccountId,
    pub name: String,
    pub bio: String,
    /// Their published products, newest first.
    pub products: Vec<Product>,
    /// When they joined.
    pub since_ms: i64,
    /// For showing prices in the visitor's currency.
    pub rates: std::sync::Arc<Vec<kenning_domain::fx::ExchangeRate>>,
}

impl Kenning {
    /// A creator's page; anyone else (a learner, a suspended account) is "not found".
    pub async fn creator_page(&self, id: AccountId) -> Result<CreatorPage, AppError> {
        let not_found = || AppError::NotFound("creator");
        let account = self.store.account_by_id(id).await?.ok_or_else(not_found)?;
        if !account.role.can_create_products() || self.store.is_suspended(id).await? {
            return Err(not_found());
        }
        let filter = ProductFilter {
            status: Some(ProductStatus::Published),
            creator_id: Some(id),
            limit: MAX_LISTED,
            ..ProductFilter::default()
        };
        let (products, bio, rates) = tokio::try_join!(
            async { Ok::<_, AppError>(self.store.list_products(&filter).await?) },
            self.bio_of(id),
            self.display_rates(),
        )?;
        // An operator has a page only once they sell something.
        if account.role != Role::Creator && products.is_empty() {
            return Err(not_found());
        }
        Ok(CreatorPage {
            id,
            name: account.display_name.as_str().to_owned(),
            bio,
            products,
            since_ms: account.created_at_ms,
            rates,
        })
    }

    /// What a creator's page says of them: what they wrote for it, else the biography
    /// their approved application gave.
    async fn bio_of(&self, id: AccountId) -> Result<String, AppError> {
        if let Some(bio) = self.store.creator_bio(id).await? {
            return Ok(bio);
        }
        Ok(self
            .store
            .latest_application(id)
            .await?
            .filter(|a| a.status == ApplicationStatus::Approved)
            .map(|a| a.bio)
            .unwrap_or_default())
    }

    /// The caller's own biography (creators), for the form that edits it.
    pub async fn my_bio(&self, user: &CurrentUser) -> Result<String, AppError> {
        if !user.account.role.can_create_products() {
            return Err(AppError::Forbidden);
        }
        self.bio_of(user.account.id).await
    }

    /// Writes the caller's biography (creators).
    pub async fn set_my_bio(&self, user: &CurrentUser, bio: &str) -> Result<String, AppError> {
        if !user.account.role.can_create_products() {
            return Err(AppError::Forbidden);
        }
        let bio = creator::bio(bio)?;
        self.store
            .set_creator_bio(user.account.id, &bio, self.now_ms())
            .await?;
        Ok(bio)
    }
}
