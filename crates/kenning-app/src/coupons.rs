//! Coupons (优惠券): a creator makes, edits, ends and deletes the codes they hand out.
//! A coupon orders used stays on record (its orders name it): it can be ended, so it
//! stops working at once, but not deleted.

use kenning_domain::DomainError;
use kenning_domain::account::Role;
use kenning_domain::coupon::{Coupon, CouponCode, Discount};
use kenning_domain::ids::ProductId;

use crate::accounts::CurrentUser;
use crate::ports::StoreError;
use crate::{AppError, Kenning};

/// What a creator fills in for a coupon.
#[derive(Clone, Debug)]
pub struct NewCoupon {
    pub code: String,
    /// One of the creator's products, or all of them.
    pub product_id: Option<ProductId>,
    pub discount: Discount,
    pub max_uses: Option<i64>,
    pub expires_at_ms: Option<i64>,
}

/// What may change in a coupon once it exists: how often and how long it works. Its
/// code, product and discount stay what buyers were told.
#[derive(Clone, Copy, Debug)]
pub struct CouponLimits {
    pub max_uses: Option<i64>,
    pub expires_at_ms: Option<i64>,
}

impl Kenning {
    /// Creates a coupon for one of the creator's products or all of them (creators for
    /// their own products; admins for anyone's product, in its creator's name).
    pub async fn create_coupon(
        &self,
        user: &CurrentUser,
        new: NewCoupon,
    ) -> Result<Coupon, AppError> {
        if !user.account.role.can_create_products() {
            return Err(AppError::Forbidden);
        }
        let creator_id = match new.product_id {
            Some(id) => self.editable_product(user, id).await?.creator_id,
            None => user.account.id,
        };
        if new.expires_at_ms.is_some_and(|e| e <= self.now_ms()) {
            return Err(DomainError::CouponExpiryPast.into());
        }
        let coupon = Coupon {
            code: new.code.parse()?,
            creator_id,
            product_id: new.product_id,
            discount: new.discount,
            max_uses: new.max_uses,
            uses: 0,
            expires_at_ms: new.expires_at_ms,
            created_at_ms: self.now_ms(),
        }
        .validate()?;
        match self.store.insert_coupon(&coupon).await {
            Err(StoreError::Duplicate) => Err(DomainError::CouponCodeTaken.into()),
            other => other.map(|()| coupon).map_err(AppError::from),
        }
    }

    /// The creator's coupons, newest first, with how often each was used.
    pub async fn my_coupons(&self, user: &CurrentUser) -> Result<Vec<Coupon>, AppError> {
        if !user.account.role.can_create_products() {
            return Err(AppError::Forbidden);
        }
        Ok(self.store.coupons_of(user.account.id).await?)
    }

    /// One of the caller's coupons (an admin may reach anyone's); another person's is
    /// "not found".
    async fn my_coupon(&self, user: &CurrentUser, code: &str) -> Result<Coupon, AppError> {
        let not_found = || AppError::NotFound("coupon");
        let code: CouponCode = code.parse().map_err(|_| not_found())?;
        match self.store.coupon(&code).await? {
            Some(c) if c.creator_id == user.account.id || user.account.role == Role::Admin => Ok(c),
            _ => Err(not_found()),
        }
    }

    /// Changes how often and how long a coupon works. A limit below the uses it had is
    /// refused (checked again where it is written, as an order may take a use meanwhile).
    pub async fn update_coupon(
        &self,
        user: &CurrentUser,
        code: &str,
        limits: CouponLimits,
    ) -> Result<Coupon, AppError> {
        let coupon = self
            .my_coupon(user, code)
            .await?
            .with_limits(limits.max_uses, limits.expires_at_ms)?;
        if !self.store.update_coupon_limits(&coupon).await? {
            // An order took a use meanwhile.
            let uses = self.my_coupon(user, code).await?.uses;
            return Err(DomainError::CouponLimitBelowUses { uses }.into());
        }
        self.my_coupon(user, code).await
    }

    /// Ends a coupon now: it stops working, and stays on record.
    pub async fn end_coupon(&self, user: &CurrentUser, code: &str) -> Result<Coupon, AppError> {
        let coupon = self.my_coupon(user, code).await?;
        let limits = CouponLimits {
            max_uses: coupon.max_uses,
            expires_at_ms: Some(self.now_ms()),
        };
        self.update_coupon(user, code, limits).await
    }

    /// Deletes a coupon no order used; one that was used can only be ended.
    pub async fn delete_coupon(&self, user: &CurrentUser, code: &str) -> Result<(), AppError> {
        let coupon = self.my_coupon(user, code).await?;
        if self.store.delete_unused_coupon(&coupon.code).await? {
            Ok(())
        } else {
            Err(AppError::CouponInUse)
        }
    }
}
