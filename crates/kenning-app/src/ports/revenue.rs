//! Revenue shares: co-creators, partner contracts, affiliate programs and referral codes.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::revenue::{AffiliateProgram, CoCreator, PartnerContract};

use super::StoreResult;

/// Revenue shares: a product's co-creators and partner contracts.
#[async_trait]
pub trait RevenueShareStore: Send + Sync {
    async fn cocreators(&self, product: ProductId) -> StoreResult<Vec<CoCreator>>;
    /// Replaces the product's co-creators.
    async fn set_cocreators(&self, product: ProductId, shares: &[CoCreator]) -> StoreResult<()>;
    async fn insert_partner_contract(&self, contract: &PartnerContract) -> StoreResult<()>;
    /// Contracts on any of the creator's products, oldest first.
    async fn partner_contracts_of(&self, creator: AccountId) -> StoreResult<Vec<PartnerContract>>;
    /// Contracts that name the account as partner, oldest first.
    async fn contracts_as_partner(&self, partner: AccountId) -> StoreResult<Vec<PartnerContract>>;
}

/// Creators' affiliate programs and people's referral codes.
#[async_trait]
pub trait AffiliateStore: Send + Sync {
    async fn affiliate_program(&self, creator: AccountId) -> StoreResult<Option<AffiliateProgram>>;
    async fn set_affiliate_program(
        &self,
        program: &AffiliateProgram,
        now_ms: i64,
    ) -> StoreResult<()>;
    async fn referral_code_of(&self, account: AccountId) -> StoreResult<Option<String>>;
    /// Gives the account a referral code; returns the one it holds when it has one.
    async fn insert_referral_code(&self, account: AccountId, code: &str) -> StoreResult<String>;
    async fn referral_owner(&self, code: &str) -> StoreResult<Option<AccountId>>;
}
