//! Revenue sharing rules: co-creators on a product, partner contracts (利益分配) and
//! affiliate programmes (分销). The ledger module turns them into postings.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{AccountId, PartnerContractId, ProductId};
use crate::ledger::{Payee, Share};

/// The largest affiliate commission a creator may offer (90 %).
pub const MAX_AFFILIATE_BPS: u16 = 9_000;
/// The longest a referral lasts.
pub const MAX_COOKIE_DAYS: i64 = 365;

/// A co-creator's share of a product's net sales.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoCreator {
    pub account_id: AccountId,
    pub bps: u16,
}

/// Checks a product's co-creators: each share 1–10 000 bps, nobody twice, never the
/// creator, and together at most the whole.
pub fn validate_cocreators(creator: AccountId, shares: &[CoCreator]) -> Result<(), DomainError> {
    let mut total = 0_u32;
    for (i, share) in shares.iter().enumerate() {
        let repeated = shares
            .iter()
            .take(i)
            .any(|other| other.account_id == share.account_id);
        if share.bps == 0 || share.bps > 10_000 || share.account_id == creator || repeated {
            return Err(DomainError::InvalidShare);
        }
        total += u32::from(share.bps);
    }
    if total > 10_000 {
        return Err(DomainError::InvalidShare);
    }
    Ok(())
}

/// A partner's share of one product's or all of a creator's net sales, while it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerContract {
    pub id: PartnerContractId,
    pub partner_id: AccountId,
    pub creator_id: AccountId,
    /// One product of the creator's, or all of them.
    pub product_id: Option<ProductId>,
    pub bps: u16,
    pub starts_at_ms: i64,
    pub ends_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

impl PartnerContract {
    pub fn validate(self) -> Result<PartnerContract, DomainError> {
        let ends_after_start = self.ends_at_ms.is_none_or(|end| end > self.starts_at_ms);
        if self.bps == 0
            || self.bps > 10_000
            || self.partner_id == self.creator_id
            || !ends_after_start
        {
            return Err(DomainError::InvalidShare);
        }
        Ok(self)
    }

    /// Whether it covers a sale of `product` at `at_ms`.
    pub fn covers(&self, product: ProductId, at_ms: i64) -> bool {
        self.product_id.is_none_or(|p| p == product)
            && at_ms >= self.starts_at_ms
            && self.ends_at_ms.is_none_or(|end| at_ms < end)
    }
}

/// A creator's affiliate programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffiliateProgram {
    pub creator_id: AccountId,
    /// The commission on a referred sale's net, in basis points (0 turns it off).
    pub bps: u16,
    /// How long a referral link's cookie lasts.
    pub cookie_days: i64,
}

impl AffiliateProgram {
    pub fn validate(self) -> Result<AffiliateProgram, DomainError> {
        if self.bps > MAX_AFFILIATE_BPS || !(1..=MAX_COOKIE_DAYS).contains(&self.cookie_days) {
            return Err(DomainError::InvalidShare);
        }
        Ok(self)
    }
}

/// The shares of one sale, in the order the ledger takes them: the affiliate, then
/// partners (oldest contract first), then co-creators.
pub fn sale_shares(
    affiliate: Option<(AccountId, u16)>,
    partners: &[PartnerContract],
    cocreators: &[CoCreator],
) -> Vec<Share> {
    let mut shares = Vec::new();
    if let Some((account, bps)) = affiliate.filter(|(_, bps)| *bps > 0) {
        shares.push(Share {
            payee: Payee::Affiliate,
            account,
            bps,
        });
    }
    let mut partners: Vec<&PartnerContract> = partners.iter().collect();
    partners.sort_by_key(|c| c.created_at_ms);
    shares.extend(partners.into_iter().map(|c| Share {
        payee: Payee::Partner,
        account: c.partner_id,
        bps: c.bps,
    }));
    shares.extend(cocreators.iter().map(|c| Share {
        payee: Payee::CoCreator,
        account: c.account_id,
        bps: c.bps,
    }));
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cocreator_shares_are_checked() {
        let creator = AccountId::new();
        let a = AccountId::new();
        let share = |account_id, bps| CoCreator { account_id, bps };
        assert!(validate_cocreators(creator, &[share(a, 3000)]).is_ok());
        assert!(validate_cocreators(creator, &[share(creator, 3000)]).is_err());
        assert!(validate_cocreators(creator, &[share(a, 0)]).is_err());
        assert!(validate_cocreators(creator, &[share(a, 3000), share(a, 100)]).is_err());
        let b = AccountId::new();
        assert!(validate_cocreators(creator, &[share(a, 6000), share(b, 4001)]).is_err());
    }

    #[test]
    fn a_contract_covers_its_product_and_time() {
        let product = ProductId::new();
        let contract = PartnerContract {
            id: PartnerContractId::new(),
            partner_id: AccountId::new(),
            creator_id: AccountId::new(),
            product_id: Some(product),
            bps: 500,
            starts_at_ms: 100,
            ends_at_ms: Some(200),
            created_at_ms: 0,
        }
        .validate()
        .unwrap();
        assert!(contract.covers(product, 100));
        assert!(!contract.covers(product, 200));
        assert!(!contract.covers(ProductId::new(), 150));
        let backwards = PartnerContract {
            ends_at_ms: Some(50),
            ..contract
        };
        assert!(backwards.validate().is_err());
    }
}
