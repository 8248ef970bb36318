//! The studio's product editor: a product with everything its creator edits around it.
//! After the product itself (whose reading checks that this person may edit it), the
//! parts are independent and read concurrently.

use kenning_domain::catalog::{Product, ProductKind};
use kenning_domain::ids::{LessonId, ProductId};
use kenning_domain::live::LiveSchedule;
use kenning_domain::media::Media;
use kenning_domain::money::Money;
use kenning_domain::subscription::MembershipPlan;

use crate::accounts::CurrentUser;
use crate::catalog::ProductDetail;
use crate::revenue::NamedShare;
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct ProductEditor {
    pub detail: ProductDetail,
    /// For a membership tier: what it grants and how often it renews.
    pub membership: Option<MembershipPlan>,
    /// For a bundle: the products it holds.
    pub bundle: Option<Vec<Product>>,
    /// For a live session: its schedule, once set.
    pub schedule: Option<LiveSchedule>,
    /// For products that grant others (live sessions, tiers, bundles): the creator's
    /// other products they may grant.
    pub grantable: Vec<Product>,
    /// The files attached to its lessons.
    pub files: Vec<Media>,
    /// The lessons sold on their own, with their prices.
    pub lesson_prices: Vec<LessonPrice>,
    pub cocreators: Vec<NamedShare>,
    /// Why an operator took it off sale, while they hold it.
    pub hold: Option<kenning_domain::catalog::ProductHold>,
}

/// A price a lesson is sold for on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonPrice {
    pub lesson_id: LessonId,
    pub price: Money,
}

impl ProductEditor {
    /// What the product is.
    pub fn product(&self) -> &Product {
        &self.detail.product
    }
}

/// Whether a product of this kind grants other products (and so lists them).
fn grants_others(kind: ProductKind) -> bool {
    matches!(
        kind,
        ProductKind::LiveSession | ProductKind::Membership | ProductKind::Bundle
    )
}

impl Kenning {
    /// The editor of a product, for its creator or an operator (others: `Forbidden`).
    pub async fn product_editor(
        &self,
        user: &CurrentUser,
        id: ProductId,
    ) -> Result<ProductEditor, AppError> {
        let detail = self.product_detail(id, Some(user)).await?;
        if !detail.editable {
            return Err(AppError::Forbidden);
        }
        let p = &detail.product;
        let membership = async {
            match p.kind {
                ProductKind::Membership => Ok(Some(self.membership_plan(p).await?)),
                _ => Ok(None),
            }
        };
        let bundle = async {
            match p.kind {
                ProductKind::Bundle => Ok(Some(self.bundle_contents(id).await?)),
                _ => Ok(None),
            }
        };
        let schedule = async {
            match p.kind {
                ProductKind::LiveSession => Ok(self.store.live_schedule(id).await?),
                _ => Ok::<_, AppError>(None),
            }
        };
        let grantable = async {
            if !grants_others(p.kind) {
                return Ok(Vec::new());
            }
            Ok(self
                .my_products(user)
                .await?
                .into_iter()
                .filter(|o| {
                    o.id != id
                        && o.creator_id == p.creator_id
                        && !matches!(o.kind, ProductKind::Membership | ProductKind::Bundle)
                })
                .collect())
        };
        let cocreators = async {
            Ok::<_, AppError>(
                self.cocreators(user, id)
                    .await?
                    .into_iter()
                    .map(|(share, email)| NamedShare {
                        email: email.as_str().to_owned(),
                        bps: share.bps,
                    })
                    .collect(),
            )
        };
        let hold = async { Ok::<_, AppError>(self.store.product_hold(id).await?) };
        let (membership, bundle, schedule, grantable, files, lesson_prices, cocreators, hold) = tokio::try_join!(
            membership,
            bundle,
            schedule,
            grantable,
            self.product_files(user, id),
            self.lesson_prices_of(p),
            cocreators,
            hold,
        )?;
        Ok(ProductEditor {
            membership,
            bundle,
            schedule,
            grantable,
            files,
            lesson_prices: lesson_prices
                .into_iter()
                .map(|(lesson_id, price)| LessonPrice { lesson_id, price })
                .collect(),
            cocreators,
            hold,
            detail,
        })
    }
}

/// The studio's coupons, with the creator's products to make one for.
#[derive(Clone, Debug)]
pub struct CouponsPage {
    pub coupons: Vec<kenning_domain::coupon::Coupon>,
    pub products: Vec<Product>,
    /// When the page was made: which coupons have ended.
    pub now_ms: i64,
}

impl CouponsPage {
    /// The product a coupon is for, when it is one of the creator's.
    pub fn product(&self, id: ProductId) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }
}

impl Kenning {
    pub async fn coupons_page(&self, user: &CurrentUser) -> Result<CouponsPage, AppError> {
        let (coupons, products) = tokio::try_join!(self.my_coupons(user), self.my_products(user))?;
        Ok(CouponsPage {
            coupons,
            products,
            now_ms: self.now_ms(),
        })
    }
}
