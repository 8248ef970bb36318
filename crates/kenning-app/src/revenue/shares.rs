//! The shares others take of a creator's sales: co-creators, partner contracts, and
//! affiliates with their referral codes.

use kenning_domain::DomainError;
use kenning_domain::account::Email;
use kenning_domain::ids::{AccountId, PartnerContractId, ProductId};
use kenning_domain::revenue::{self, AffiliateProgram, CoCreator, PartnerContract};

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

/// How long a referral lasts when the creator has not said.
const DEFAULT_COOKIE_DAYS: i64 = 30;

/// A co-creator as a creator names them.
#[derive(Clone, Debug)]
pub struct NamedShare {
    pub email: String,
    pub bps: u16,
}

/// What an operator fills in for a partner contract.
#[derive(Clone, Debug)]
pub struct NewContract {
    pub partner_email: String,
    /// Either a product (its creator is the contract's creator) or a creator.
    pub product_id: Option<ProductId>,
    pub creator_id: Option<AccountId>,
    pub bps: u16,
    pub starts_at_ms: Option<i64>,
    pub ends_at_ms: Option<i64>,
}

impl Kenning {
    /// The product's co-creators with their e-mail addresses (its creator and admins).
    pub async fn cocreators(
        &self,
        user: &CurrentUser,
        product: ProductId,
    ) -> Result<Vec<(CoCreator, Email)>, AppError> {
        let product = self.editable_product(user, product).await?;
        let shares = self.store.cocreators(product.id).await?;
        let accounts = futures::future::try_join_all(
            (shares.iter()).map(|s| self.store.account_by_id(s.account_id)),
        )
        .await?;
        Ok((shares.into_iter().zip(accounts))
            .filter_map(|(share, account)| account.map(|a| (share, a.email)))
            .collect())
    }

    /// Replaces the product's co-creators, named by e-mail (each must have an account).
    pub async fn set_cocreators(
        &self,
        user: &CurrentUser,
        product: ProductId,
        shares: &[NamedShare],
    ) -> Result<Vec<CoCreator>, AppError> {
        let product = self.editable_product(user, product).await?;
        let mut resolved = Vec::with_capacity(shares.len());
        for share in shares {
            let email = Email::parse(&share.email)?;
            let (account, _) = self
                .store
                .account_by_email(&email)
                .await?
                .ok_or(AppError::NotFound("account"))?;
            resolved.push(CoCreator {
                account_id: account.id,
                bps: share.bps,
            });
        }
        revenue::validate_cocreators(product.creator_id, &resolved)?;
        self.store.set_cocreators(product.id, &resolved).await?;
        Ok(resolved)
    }

    /// Signs a partner up for a share of a product's or a creator's sales (operators).
    pub async fn create_partner_contract(
        &self,
        user: &CurrentUser,
        new: NewContract,
    ) -> Result<PartnerContract, AppError> {
        Self::require_admin(user)?;
        let partner = Email::parse(&new.partner_email)?;
        let (partner, _) = self
            .store
            .account_by_email(&partner)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        let creator_id = match (new.product_id, new.creator_id) {
            (Some(product), _) => {
                self.store
                    .product(product)
                    .await?
                    .ok_or(AppError::NotFound("product"))?
                    .creator_id
            }
            (None, Some(creator)) => {
                let account = self
                    .store
                    .account_by_id(creator)
                    .await?
                    .ok_or(AppError::NotFound("account"))?;
                if !account.role.can_create_products() {
                    return Err(DomainError::InvalidShare.into());
                }
                account.id
            }
            (None, None) => return Err(DomainError::InvalidShare.into()),
        };
        let now = self.now_ms();
        let contract = PartnerContract {
            id: PartnerContractId::new(),
            partner_id: partner.id,
            creator_id,
            product_id: new.product_id,
            bps: new.bps,
            starts_at_ms: new.starts_at_ms.unwrap_or(now),
            ends_at_ms: new.ends_at_ms,
            created_at_ms: now,
        }
        .validate()?;
        self.store.insert_partner_contract(&contract).await?;
        tracing::info!(contract = %contract.id, actor = %user.account.id, "partner contract signed");
        Ok(contract)
    }

    /// Contracts the person is a party to: as creator or as partner.
    pub async fn my_contracts(&self, user: &CurrentUser) -> Result<Vec<PartnerContract>, AppError> {
        let mut all = self.store.partner_contracts_of(user.account.id).await?;
        all.extend(self.store.contracts_as_partner(user.account.id).await?);
        Ok(all)
    }

    /// The creator's affiliate programme (off until set).
    pub async fn affiliate_program(
        &self,
        creator: AccountId,
    ) -> Result<AffiliateProgram, AppError> {
        Ok(self
            .store
            .affiliate_program(creator)
            .await?
            .unwrap_or(AffiliateProgram {
                creator_id: creator,
                bps: 0,
                cookie_days: DEFAULT_COOKIE_DAYS,
            }))
    }

    pub async fn set_affiliate_program(
        &self,
        user: &CurrentUser,
        bps: u16,
        cookie_days: i64,
    ) -> Result<AffiliateProgram, AppError> {
        if !user.account.role.can_create_products() {
            return Err(AppError::Forbidden);
        }
        let program = AffiliateProgram {
            creator_id: user.account.id,
            bps,
            cookie_days,
        }
        .validate()?;
        self.store
            .set_affiliate_program(&program, self.now_ms())
            .await?;
        // Product pages offer the commission to those who share them.
        self.catalog_cache.clear();
        Ok(program)
    }

    /// The person's referral code, made on first use.
    pub async fn referral_code(&self, user: &CurrentUser) -> Result<String, AppError> {
        if let Some(code) = self.store.referral_code_of(user.account.id).await? {
            return Ok(code);
        }
        let code: String = crate::accounts::random_token()?.chars().take(10).collect();
        let kept = self
            .store
            .insert_referral_code(user.account.id, &code)
            .await?;
        self.holdings_changed();
        Ok(kept)
    }

    /// Whether a referral code exists (so a link with a stale code sets no cookie).
    pub async fn referral_code_exists(&self, code: &str) -> Result<bool, AppError> {
        if code.is_empty() || code.len() > 64 {
            return Ok(false);
        }
        Ok(self.store.referral_owner(code).await?.is_some())
    }
}
