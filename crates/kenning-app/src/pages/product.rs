//! The product page: what everyone sees (cached per product, currency and country) and
//! what this viewer holds (one store round trip, kept until anything held changes).

use std::sync::Arc;

use kenning_domain::bundle::{BundleItem, bundle_price};
use kenning_domain::catalog::{
    LessonAccess, LessonOutline, PriceList, Product, ProductKind, Viewer, can_edit_product,
    can_view_product, lesson_access,
};
use kenning_domain::certificate::CertificateCode;
use kenning_domain::discovery::SignalKind;
use kenning_domain::fx::{self, ExchangeRate};
use kenning_domain::ids::{LessonId, ProductId};
use kenning_domain::live::{LivePhase, LiveSchedule, has_ticket};
use kenning_domain::money::{Currency, Money};
use kenning_domain::review::{Review, can_review};
use kenning_domain::sale::Sale;
use kenning_domain::subscription::MembershipPlan;
use kenning_domain::tax::Country;

use crate::accounts::CurrentUser;
use crate::cache::ProductOutline;
use crate::checkout::CurrencyChoice;
use crate::ports::Holdings;
use crate::recommend::Recommendation;
use crate::revenue::{Priced, Quote, quote_with};
use crate::{AppError, Kenning};

/// The "also bought" shelf of a product page.
const ALSO_BOUGHT: usize = 4;

/// Showcases are kept per product, currency and country (tax and converted prices).
pub type ShowcaseKey = (ProductId, Currency, Country);

/// What a product page shows everyone who may see it.
#[derive(Debug)]
pub struct Showcase {
    /// The product, its table of contents and its latest reviews.
    pub outline: Arc<ProductOutline>,
    /// What each lesson sold on its own costs in the showcase's currency (converted by
    /// the rate table when it has no price there).
    pub alone: Vec<(LessonId, Money)>,
    /// The product's sale, if it has one (it may have ended since: see
    /// [`ProductPage::sale`]).
    pub sale: Option<Sale>,
    /// The price in the currency and what tax the country adds or holds; none for free,
    /// unpublished or unpriced products.
    pub quote: Option<Quote>,
    /// Countries with a tax rate, for the buy form (empty without a quote).
    pub tax_countries: Vec<Country>,
    /// Candidates for the "also bought" shelf (see [`ProductPage::also_bought`]).
    pub also_bought: Vec<Recommendation>,
    /// A live session's schedule.
    pub live: Option<LiveSchedule>,
    /// Live sessions whose tickets come with this product.
    pub included_live: Vec<LiveSchedule>,
    /// A membership tier's plan and the published products it grants.
    pub membership: Option<(MembershipPlan, Vec<Product>)>,
    /// A bundle's products.
    pub bundle: Vec<Product>,
    /// The commission the creator pays for a referral (0: no programme).
    pub affiliate_bps: u16,
    /// The rate table, for prices in listings on the page.
    pub rates: Arc<Vec<ExchangeRate>>,
}

impl Showcase {
    pub fn product(&self) -> &Product {
        &self.outline.product
    }
}

/// A lesson of the table of contents as this viewer may use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonGate {
    /// The access rule's answer for this viewer ([`lesson_access`]).
    pub access: LessonAccess,
    /// The viewer holds it (its product, the product a session comes with, or the
    /// lesson alone); creators and admins may open it without holding it.
    pub held: bool,
    /// Its price alone, offered while the viewer may not open it.
    pub alone: Option<Money>,
}

/// A bundle's product as this viewer holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleLine {
    pub product: Product,
    pub owned: bool,
}

/// A link that earns the viewer the creator's commission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralOffer {
    pub bps: u16,
    pub code: String,
}

/// A live session's schedule as this viewer sees it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveNow {
    pub schedule: LiveSchedule,
    pub phase: LivePhase,
    pub seats_left: Option<i64>,
    /// The viewer may enter the room.
    pub ticket: bool,
}

/// A product page: one call, everything the template shows.
#[derive(Clone, Debug)]
pub struct ProductPage {
    pub showcase: Arc<Showcase>,
    /// One per lesson of `showcase.outline.lessons`, in the same order.
    pub gates: Vec<LessonGate>,
    /// The viewer holds the product (or, for a tier, is a member now).
    pub owned: bool,
    pub editable: bool,
    /// For a tier: the end of the viewer's paid period while their subscription gives
    /// access.
    pub member_until: Option<i64>,
    pub certificate: Option<CertificateCode>,
    pub my_review: Option<Review>,
    pub can_review: bool,
    /// For a bundle: its products, and what this viewer pays when they own part of it.
    pub bundle: Vec<BundleLine>,
    pub bundle_price: Option<Money>,
    pub live: Option<LiveNow>,
    pub referral: Option<ReferralOffer>,
    /// The sale running now.
    pub sale: Option<Sale>,
    /// The "also bought" shelf without what the viewer already holds.
    pub also_bought: Vec<Recommendation>,
}

/// Two models are the same page when they come from the same cached showcase (the
/// same one, not merely an equal one: comparing pointers costs nothing) and everything
/// about the viewer is equal. A page rendered from one serves the other, so every field
/// is named here: a new one does not compile until it is compared.
impl PartialEq for ProductPage {
    fn eq(&self, other: &ProductPage) -> bool {
        let ProductPage {
            showcase,
            gates,
            owned,
            editable,
            member_until,
            certificate,
            my_review,
            can_review,
            bundle,
            bundle_price,
            live,
            referral,
            sale,
            also_bought,
        } = self;
        Arc::ptr_eq(showcase, &other.showcase)
            && *gates == other.gates
            && *owned == other.owned
            && *editable == other.editable
            && *member_until == other.member_until
            && *certificate == other.certificate
            && *my_review == other.my_review
            && *can_review == other.can_review
            && *bundle == other.bundle
            && *bundle_price == other.bundle_price
            && *live == other.live
            && *referral == other.referral
            && *sale == other.sale
            && also_bought.len() == other.also_bought.len()
            && (also_bought.iter().zip(&other.also_bought))
                .all(|(a, b)| a.product.id == b.product.id)
    }
}

impl ProductPage {
    pub fn product(&self) -> &Product {
        self.showcase.product()
    }

    /// The table of contents with each lesson's gate.
    pub fn lessons(&self) -> impl Iterator<Item = (&LessonOutline, &LessonGate)> {
        self.showcase.outline.lessons.iter().zip(&self.gates)
    }
}

/// Each lesson's gate for this viewer: the access rule, given when they got the product
/// (`since`) or the lesson alone (`holdings`).
pub(crate) fn lesson_gates(
    product: &Product,
    lessons: &[LessonOutline],
    viewer: Option<Viewer>,
    since: Option<i64>,
    holdings: &Holdings,
    now_ms: i64,
) -> Vec<(LessonAccess, bool)> {
    lessons
        .iter()
        .map(|l| {
            let held = since.or_else(|| holdings.lesson_since(l.id));
            (
                lesson_access(product, l, viewer, held, now_ms),
                held.is_some(),
            )
        })
        .collect()
}

/// When the person got the product: its own entitlement or, for a live session, the
/// product its ticket comes with (as [`Kenning::held_since`] decides from the store).
fn held_since(product: &Product, live: Option<&LiveSchedule>, holdings: &Holdings) -> Option<i64> {
    holdings.since(product.id).or_else(|| {
        live.filter(|_| product.kind == ProductKind::LiveSession)
            .and_then(|s| s.included_in)
            .and_then(|p| holdings.since(p))
    })
}

/// A store call as an app result, for `try_join!`.
macro_rules! read {
    ($e:expr) => {
        async { Ok::<_, AppError>($e.await?) }
    };
}

impl Kenning {
    /// Everything a product page shows this viewer, in their currency and country.
    /// Drafts exist only for their creator and admins (and those who bought them before
    /// they were unpublished): for anyone else they are "not found".
    pub async fn product_page(
        &self,
        id: ProductId,
        user: Option<&CurrentUser>,
        currency: Currency,
        country: &Country,
    ) -> Result<ProductPage, AppError> {
        self.product_page_for(id, user, currency, country, false)
            .await
    }

    /// The page as a visitor who holds nothing sees it, for those who may edit the
    /// product (drafts too), so a creator checks what buyers will see before they do.
    pub async fn product_preview(
        &self,
        id: ProductId,
        user: &CurrentUser,
        currency: Currency,
        country: &Country,
    ) -> Result<ProductPage, AppError> {
        self.editable_product(user, id).await?;
        self.product_page_for(id, None, currency, country, true)
            .await
    }

    async fn product_page_for(
        &self,
        id: ProductId,
        user: Option<&CurrentUser>,
        currency: Currency,
        country: &Country,
        preview: bool,
    ) -> Result<ProductPage, AppError> {
        let showcase = self.showcase(id, currency, country).await?;
        let product = showcase.product();
        let viewer = user.map(CurrentUser::viewer);
        let now = self.now_ms();
        let (holdings, subscription, seats_taken) = tokio::try_join!(
            self.page_holdings(user, &showcase),
            self.tier_subscription(user, product),
            self.seats_taken_now(&showcase, now),
        )?;
        let since = held_since(product, showcase.live.as_ref(), &holdings);
        if since.is_none() && !preview && !can_view_product(product, viewer) {
            return Err(AppError::NotFound("product"));
        }
        let editable = viewer.is_some_and(|v| can_edit_product(product, v));
        if !editable && !preview {
            self.note_interest(user, id, SignalKind::View).await;
        }
        let gates = lesson_gates(
            product,
            &showcase.outline.lessons,
            viewer,
            since,
            &holdings,
            now,
        )
        .into_iter()
        .zip(&showcase.outline.lessons)
        .map(|((access, held), l)| LessonGate {
            alone: match access {
                LessonAccess::Open => None,
                _ => showcase
                    .alone
                    .iter()
                    .find(|(id, _)| *id == l.id)
                    .map(|(_, m)| *m),
            },
            access,
            held,
        })
        .collect();
        let member_until = subscription
            .filter(|s| s.grants_access(now))
            .map(|s| s.period_end_ms);
        let owned = since.is_some();
        let bundle: Vec<BundleLine> = showcase
            .bundle
            .iter()
            .map(|p| BundleLine {
                product: p.clone(),
                owned: holdings.since(p.id).is_some(),
            })
            .collect();
        let bundle_price = match (user, product.prices.preferred(currency)) {
            (Some(_), Some(price)) if !owned && bundle.iter().any(|b| b.owned) => {
                let items: Vec<BundleItem> = bundle
                    .iter()
                    .map(|b| BundleItem {
                        price: b.product.prices.in_currency(price.currency),
                        owned: b.owned,
                    })
                    .collect();
                bundle_price(price, &items).ok()
            }
            _ => None,
        };
        let live = showcase.live.as_ref().map(|schedule| LiveNow {
            phase: schedule.phase(now),
            seats_left: schedule
                .capacity
                .map(|c| (c - seats_taken.unwrap_or(0)).max(0)),
            ticket: viewer.is_some_and(|v| has_ticket(product, v, owned)),
            schedule: schedule.clone(),
        });
        let my_review = match user {
            None => None,
            Some(u) => match showcase
                .outline
                .reviews
                .iter()
                .find(|r| r.account_id == u.account.id)
            {
                Some(r) => Some(r.clone()),
                None if owned && product.rating.count > crate::reviews::REVIEWS_SHOWN => {
                    self.store.review_by(id, u.account.id).await?
                }
                None => None,
            },
        };
        let referral = self.referral_offer(user, &showcase, &holdings).await?;
        let also_bought = (showcase.also_bought.iter())
            .filter(|r| holdings.since(r.product.id).is_none())
            .take(ALSO_BOUGHT)
            .cloned()
            .collect();
        Ok(ProductPage {
            also_bought,
            gates,
            owned: owned || member_until.is_some(),
            editable,
            member_until,
            certificate: holdings.certificate.filter(|_| owned),
            my_review,
            can_review: user.is_some_and(|u| can_review(product.creator_id, u.account.id, owned)),
            bundle,
            bundle_price,
            live,
            referral,
            sale: showcase.sale.filter(|s| s.is_on(now)),
            showcase,
        })
    }

    /// What the viewer holds around the product, in one round trip (nothing for
    /// visitors), kept for the catalog's TTL until anything held changes
    /// ([`crate::cache::HoldingsCache`]).
    async fn page_holdings(
        &self,
        user: Option<&CurrentUser>,
        showcase: &Showcase,
    ) -> Result<Holdings, AppError> {
        let Some(user) = user else {
            return Ok(Holdings::default());
        };
        let related: Vec<ProductId> = showcase
            .bundle
            .iter()
            .map(|p| p.id)
            .chain(showcase.live.as_ref().and_then(|s| s.included_in))
            .chain(showcase.also_bought.iter().map(|r| r.product.id))
            .collect();
        let (account, product) = (user.account.id, showcase.product().id);
        let now = self.now_ms();
        let cache = &self.holdings_cache;
        if let Some(held) = cache.get(account, product, &related, now) {
            return Ok(held);
        }
        let epoch = cache.epoch();
        let held = self.store.holdings(account, product, &related).await?;
        cache.put(account, product, &related, held.clone(), epoch, now);
        Ok(held)
    }

    /// The viewer's subscription to a membership tier.
    async fn tier_subscription(
        &self,
        user: Option<&CurrentUser>,
        product: &Product,
    ) -> Result<Option<kenning_domain::subscription::Subscription>, AppError> {
        match user {
            Some(u) if product.kind == ProductKind::Membership => {
                Ok(self.store.subscription_of(product.id, u.account.id).await?)
            }
            _ => Ok(None),
        }
    }

    /// Seats taken now, for a live session with a capacity (seats change with every
    /// purchase, so they are read each time).
    async fn seats_taken_now(
        &self,
        showcase: &Showcase,
        now: i64,
    ) -> Result<Option<i64>, AppError> {
        match &showcase.live {
            Some(s) if s.capacity.is_some() => {
                Ok(Some(self.store.seats_taken(s.product_id, now).await?))
            }
            _ => Ok(None),
        }
    }

    /// Signed-in visitors may share a link that earns them the creator's commission.
    async fn referral_offer(
        &self,
        user: Option<&CurrentUser>,
        showcase: &Showcase,
        holdings: &Holdings,
    ) -> Result<Option<ReferralOffer>, AppError> {
        let product = showcase.product();
        match user {
            Some(u)
                if showcase.quote.is_some()
                    && showcase.affiliate_bps > 0
                    && u.account.id != product.creator_id =>
            {
                let code = match &holdings.referral_code {
                    Some(code) => code.clone(),
                    None => self.referral_code(u).await?,
                };
                Ok(Some(ReferralOffer {
                    bps: showcase.affiliate_bps,
                    code,
                }))
            }
            _ => Ok(None),
        }
    }

    /// What the product page shows everyone, from the catalog cache when fresh.
    pub(crate) async fn showcase(
        &self,
        id: ProductId,
        currency: Currency,
        country: &Country,
    ) -> Result<Arc<Showcase>, AppError> {
        let now = self.now_ms();
        let key = (id, currency, country.clone());
        if let Some(cached) = self.catalog_cache.showcase(&key, now) {
            return Ok(cached);
        }
        let outline = self.outline(id).await?;
        let product = &outline.product;
        let kind = product.kind;
        let priced = !product.is_free() && product.is_published();
        let (lesson_prices, sale, rates, tax_rates, also_bought, live, included_live) = tokio::try_join!(
            read!(self.store.lesson_prices_of(id)),
            async { Ok::<_, AppError>(outline.sale) },
            self.display_rates(),
            async {
                match priced {
                    true => self.tax_rates().await,
                    false => Ok(Vec::new()),
                }
            },
            // More than the shelf shows: those the viewer holds are left out.
            self.also_bought(id, 2 * ALSO_BOUGHT),
            async {
                match kind {
                    ProductKind::LiveSession => Ok(self.store.live_schedule(id).await?),
                    _ => Ok(None),
                }
            },
            self.live_sessions_in(id),
        )?;
        let (membership, bundle, program) = tokio::try_join!(
            async {
                match kind {
                    ProductKind::Membership => {
                        let plan = self.membership_plan(product).await?;
                        let grants = self.covered_products(product).await?;
                        Ok(Some((plan, grants)))
                    }
                    _ => Ok(None),
                }
            },
            async {
                match kind {
                    ProductKind::Bundle => self.bundle_contents(id).await,
                    _ => Ok(Vec::new()),
                }
            },
            self.affiliate_program(product.creator_id),
        )?;
        let quote = match priced {
            false => None,
            true => {
                let tax_bps = tax_rates
                    .iter()
                    .find(|r| r.country == *country)
                    .map_or(0, |r| r.rate_bps);
                let context = Priced {
                    rates: &rates,
                    sale,
                    tax_bps,
                    now_ms: now,
                };
                quote_with(product, CurrencyChoice::Prefer(currency), country, &context).ok()
            }
        };
        let alone = outline
            .lessons
            .iter()
            .filter_map(|l| {
                let own: Vec<Money> = lesson_prices
                    .iter()
                    .filter(|(lesson, _)| *lesson == l.id)
                    .map(|(_, m)| *m)
                    .collect();
                let list = PriceList::new(own).ok()?;
                fx::shown_price(&list, currency, &rates).map(|m| (l.id, m))
            })
            .collect();
        let showcase = Arc::new(Showcase {
            alone,
            sale,
            tax_countries: match quote {
                Some(_) => tax_rates.into_iter().map(|r| r.country).collect(),
                None => Vec::new(),
            },
            quote,
            also_bought,
            live,
            included_live,
            membership,
            bundle,
            affiliate_bps: program.bps,
            rates,
            outline,
        });
        self.catalog_cache
            .put_showcase(key, Arc::clone(&showcase), now);
        Ok(showcase)
    }
}
