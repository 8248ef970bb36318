//! Coupons creators hand out.

use async_trait::async_trait;
use kenning_domain::coupon::{Coupon, CouponCode};
use kenning_domain::ids::AccountId;

use super::StoreResult;

/// Coupons creators hand out.
#[async_trait]
pub trait CouponStore: Send + Sync {
    /// Fails with [`StoreError::Duplicate`] when the code is taken.
    async fn insert_coupon(&self, coupon: &Coupon) -> StoreResult<()>;
    async fn coupon(&self, code: &CouponCode) -> StoreResult<Option<Coupon>>;
    /// The creator's coupons, newest first.
    async fn coupons_of(&self, creator: AccountId) -> StoreResult<Vec<Coupon>>;
    /// Writes the coupon's use limit and expiry, unless it has more uses by now than the
    /// new limit allows (`false`).
    async fn update_coupon_limits(&self, coupon: &Coupon) -> StoreResult<bool>;
    /// Deletes the coupon unless an order names it (`false`).
    async fn delete_unused_coupon(&self, code: &CouponCode) -> StoreResult<bool>;
}
