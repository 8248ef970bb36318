//! Publishing and browsing the catalog.

use std::sync::Arc;

use bytes::Bytes;
use kenning_domain::DomainError;
use kenning_domain::catalog::{
    Chapter, Lesson, LessonAccess, LessonOutline, Product, ProductDraft, ProductKind,
    ProductStatus, Release, can_edit_product, can_view_product, lesson_access,
};
use kenning_domain::discovery::SignalKind;
use kenning_domain::ids::{ChapterId, LessonId, ProductId};
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::review::RatingSummary;
use kenning_domain::sale::Sale;

use crate::accounts::CurrentUser;
use crate::cache::ProductOutline;
use crate::ports::ProductFilter;
use crate::{AppError, Kenning};

/// One page of the public catalog.
#[derive(Clone, Debug, Default)]
pub struct CatalogQuery {
    pub kind: Option<ProductKind>,
    pub language: Option<Locale>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Clone, Debug)]
pub struct CatalogPage {
    pub items: Vec<Product>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A product with everything its page shows.
#[derive(Clone, Debug)]
pub struct ProductDetail {
    pub product: Product,
    pub chapters: Vec<Chapter>,
    pub lessons: Vec<LessonOutline>,
    /// The viewer holds an entitlement.
    pub owned: bool,
    /// The viewer may edit it (its creator or an admin).
    pub editable: bool,
    pub reviews: crate::reviews::ProductReviews,
    /// For a holder: the dripped lessons not open yet, and when each opens.
    pub opens_at: Vec<(LessonId, i64)>,
    /// The access rule's answer for each of `lessons`, in order, for this viewer.
    pub access: Vec<LessonAccess>,
    /// The viewer's certificate for this product, once earned.
    pub certificate: Option<kenning_domain::certificate::CertificateCode>,
    /// A sale running now.
    pub sale: Option<Sale>,
}

/// A lesson together with its product, for a viewer allowed to read it.
#[derive(Clone, Debug)]
pub struct LessonView {
    pub product: Product,
    pub lesson: Lesson,
    /// The table of contents around it.
    pub lessons: Vec<LessonOutline>,
    /// Signed links to the lesson's files, for this reader.
    pub media: Vec<crate::media::MediaLink>,
    /// Where this reader left off, if signed in and started.
    pub progress: Option<kenning_domain::media::LessonProgress>,
}

/// What a creator types for a new lesson.
#[derive(Clone, Debug)]
pub struct NewLesson {
    pub chapter_id: Option<ChapterId>,
    pub title: LocalizedText,
    pub body: LocalizedText,
    pub preview: bool,
    pub release: Release,
}

/// Whole days from `now_ms` until `at_ms`, rounded up (a lesson opening in an hour opens
/// "in 1 day").
pub fn days_until(now_ms: i64, at_ms: i64) -> i64 {
    const DAY_MS: i64 = 86_400_000;
    (at_ms.saturating_sub(now_ms).max(0) + DAY_MS - 1) / DAY_MS
}

/// The file types accepted as cover images, recognised by their first bytes.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else {
        None
    }
}

fn require_creator(user: &CurrentUser) -> Result<(), AppError> {
    if user.account.role.can_create_products() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl Kenning {
    /// Published products, filtered and paged.
    pub async fn browse(&self, query: &CatalogQuery) -> Result<Arc<CatalogPage>, AppError> {
        let paging = kenning_domain::paging::Paging::new(query.page, query.per_page)?;
        let (page, per_page) = (paging.page(), paging.per_page());
        let query = CatalogQuery {
            page,
            per_page,
            ..query.clone()
        };
        let now = self.now_ms();
        if let Some(cached) = self.catalog_cache.listing(&query, now) {
            return Ok(cached);
        }
        let filter = ProductFilter {
            status: Some(ProductStatus::Published),
            kind: query.kind,
            language: query.language,
            creator_id: None,
            title_contains: None,
            limit: per_page,
            offset: paging.offset(),
        };
        let items = self.store.list_products(&filter).await?;
        let total = self.store.count_products(&filter).await?;
        let result = Arc::new(CatalogPage {
            items,
            total,
            page,
            per_page,
        });
        self.catalog_cache
            .put_listing(&query, Arc::clone(&result), now);
        Ok(result)
    }

    /// A product and its table of contents, from the catalog cache when fresh.
    pub(crate) async fn outline(&self, id: ProductId) -> Result<Arc<ProductOutline>, AppError> {
        let now = self.now_ms();
        if let Some(cached) = self.catalog_cache.product(id, now) {
            return Ok(cached);
        }
        let product = self
            .store
            .product(id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        let chapters = self.store.chapters(id).await?;
        let lessons = self.store.lessons(id).await?;
        let reviews = self
            .store
            .reviews(id, crate::reviews::REVIEWS_SHOWN)
            .await?;
        let sale = self.store.sale(id).await?;
        let outline = Arc::new(ProductOutline {
            product,
            chapters,
            lessons,
            reviews,
            sale,
        });
        self.catalog_cache.put_product(Arc::clone(&outline), now);
        Ok(outline)
    }

    /// A published product, through the catalog cache; None when unknown or not on sale.
    pub(crate) async fn published(&self, id: ProductId) -> Result<Option<Product>, AppError> {
        match self.outline(id).await {
            Ok(o) if o.product.is_published() => Ok(Some(o.product.clone())),
            Ok(_) | Err(AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every published product (read in pages, not through the cache).
    pub(crate) async fn published_products(&self) -> Result<Vec<Product>, AppError> {
        const PAGE: i64 = 500;
        let mut all = Vec::new();
        let mut offset = 0;
        loop {
            let page = self
                .store
                .list_products(&ProductFilter {
                    status: Some(ProductStatus::Published),
                    limit: PAGE,
                    offset,
                    ..ProductFilter::default()
                })
                .await?;
            let n = page.len();
            all.extend(page);
            if i64::try_from(n).unwrap_or(0) < PAGE {
                return Ok(all);
            }
            offset += PAGE;
        }
    }

    /// A product page. Drafts exist only for their creator and admins: for everyone else
    /// they are "not found", not "forbidden", so their existence does not leak.
    pub async fn product_detail(
        &self,
        id: ProductId,
        user: Option<&CurrentUser>,
    ) -> Result<ProductDetail, AppError> {
        let outline = self.outline(id).await?;
        let product = &outline.product;
        let viewer = user.map(CurrentUser::viewer);
        let holdings = match viewer {
            Some(v) => self.store.holdings(v.account_id, id, &[]).await?,
            None => crate::ports::Holdings::default(),
        };
        // A live session's ticket may come with another product.
        let owned_since = match (viewer, holdings.since(id)) {
            (Some(v), None) if product.kind == ProductKind::LiveSession => {
                self.held_since(v.account_id, product).await?
            }
            (_, since) => since,
        };
        let owned = owned_since.is_some();
        // Buyers keep seeing what they bought after it is unpublished.
        if !owned && !can_view_product(product, viewer) {
            return Err(AppError::NotFound("product"));
        }
        let editable = viewer.is_some_and(|v| can_edit_product(product, v));
        if !editable {
            self.note_interest(user, id, SignalKind::View).await;
        }
        let reviews = self.reviews_view(&outline, user, owned).await?;
        let now_ms = self.now_ms();
        let access: Vec<LessonAccess> = crate::pages::product::lesson_gates(
            product,
            &outline.lessons,
            viewer,
            owned_since,
            &holdings,
            now_ms,
        )
        .into_iter()
        .map(|(access, _)| access)
        .collect();
        // Dripped lessons the holder is still waiting for (creators and admins wait for
        // nothing), as the access rule says.
        let opens_at = outline
            .lessons
            .iter()
            .zip(&access)
            .filter_map(|(l, a)| match a {
                LessonAccess::NotYet { opens_at_ms } => Some((l.id, *opens_at_ms)),
                _ => None,
            })
            .collect();
        let certificate = holdings.certificate.filter(|_| owned);
        let sale = outline.sale.filter(|s| s.is_on(now_ms));
        Ok(ProductDetail {
            sale,
            certificate,
            opens_at,
            access,
            reviews,
            product: product.clone(),
            chapters: outline.chapters.clone(),
            lessons: outline.lessons.clone(),
            owned,
            editable,
        })
    }

    /// A lesson, if this person may read it.
    pub async fn read_lesson(
        &self,
        id: LessonId,
        user: Option<&CurrentUser>,
    ) -> Result<LessonView, AppError> {
        let (outline, lesson, entitled) = self.readable_lesson(id, user).await?;
        let product = outline.product.clone();
        let viewer = user.map(CurrentUser::viewer);
        if product.creator_id != viewer.map_or(product.creator_id, |v| v.account_id) {
            let kind = if entitled {
                SignalKind::Study
            } else {
                SignalKind::View
            };
            self.note_interest(user, product.id, kind).await;
        }
        let media = self.lesson_links(&lesson, user).await?;
        let progress = match user {
            Some(u) => self.store.progress(u.account.id, lesson.id).await?,
            None => None,
        };
        Ok(LessonView {
            product,
            lesson,
            lessons: outline.lessons.clone(),
            media,
            progress,
        })
    }

    /// The lesson with its product's outline, if this person may read it, and whether
    /// they hold the product.
    pub(crate) async fn readable_lesson(
        &self,
        id: LessonId,
        user: Option<&CurrentUser>,
    ) -> Result<(Arc<ProductOutline>, Lesson, bool), AppError> {
        let lesson = self
            .store
            .lesson(id)
            .await?
            .ok_or(AppError::NotFound("lesson"))?;
        let outline = match self.outline(lesson.product_id).await {
            Err(AppError::NotFound(_)) => return Err(AppError::NotFound("lesson")),
            other => other?,
        };
        let viewer = user.map(CurrentUser::viewer);
        let since = match viewer {
            Some(v) => self.held_since(v.account_id, &outline.product).await?,
            None => None,
        };
        let entitled = since.is_some();
        // A lesson bought on its own opens like its product would, from that purchase.
        let since = match (since, viewer) {
            (None, Some(v)) => self.store.lesson_entitled_since(v.account_id, id).await?,
            (since, _) => since,
        };
        if !entitled && !can_view_product(&outline.product, viewer) {
            return Err(AppError::NotFound("lesson"));
        }
        let now_ms = self.now_ms();
        match lesson_access(&outline.product, &lesson, viewer, since, now_ms) {
            LessonAccess::Open => Ok((outline, lesson, entitled)),
            LessonAccess::NeedsLogin => Err(AppError::Unauthenticated),
            LessonAccess::NeedsPurchase => Err(AppError::PurchaseRequired),
            LessonAccess::NotYet { opens_at_ms } => Err(AppError::NotYetReleased {
                opens_at_ms,
                days_left: days_until(now_ms, opens_at_ms),
            }),
        }
    }

    /// The product a lesson belongs to (to explain a locked lesson).
    pub async fn lesson_product(&self, id: LessonId) -> Result<ProductId, AppError> {
        self.store
            .lesson(id)
            .await?
            .map(|l| l.product_id)
            .ok_or(AppError::NotFound("lesson"))
    }

    /// Products the creator made (all statuses); admins see everyone's.
    pub async fn my_products(&self, user: &CurrentUser) -> Result<Vec<Product>, AppError> {
        require_creator(user)?;
        let filter = ProductFilter {
            creator_id: Some(user.account.id),
            limit: 500,
            ..ProductFilter::default()
        };
        Ok(self.store.list_products(&filter).await?)
    }

    /// Creates a product as a draft.
    pub async fn create_product(
        &self,
        user: &CurrentUser,
        draft: ProductDraft,
    ) -> Result<Product, AppError> {
        require_creator(user)?;
        let draft = draft.validate()?;
        let product = Product {
            id: ProductId::new(),
            creator_id: user.account.id,
            creator_name: user.account.display_name.as_str().to_owned(),
            kind: draft.kind,
            status: ProductStatus::Draft,
            title: draft.title,
            description: draft.description,
            prices: draft.prices,
            tags: draft.tags,
            cover_key: None,
            created_at_ms: self.now_ms(),
            published_at_ms: None,
            rating: RatingSummary::default(),
        };
        self.store.insert_product(&product).await?;
        self.catalog_changed(product.id).await;
        Ok(product)
    }

    /// Loads a product the person may edit.
    pub(crate) async fn editable_product(
        &self,
        user: &CurrentUser,
        id: ProductId,
    ) -> Result<Product, AppError> {
        let product = self
            .store
            .product(id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        if can_edit_product(&product, user.viewer()) {
            Ok(product)
        } else if product.is_published() {
            Err(AppError::Forbidden)
        } else {
            Err(AppError::NotFound("product"))
        }
    }

    pub async fn update_product(
        &self,
        user: &CurrentUser,
        id: ProductId,
        draft: ProductDraft,
    ) -> Result<Product, AppError> {
        let mut product = self.editable_product(user, id).await?;
        let draft = draft.validate()?;
        product.kind = draft.kind;
        product.title = draft.title;
        product.description = draft.description;
        product.prices = draft.prices;
        product.tags = draft.tags;
        self.store.update_product(&product, self.now_ms()).await?;
        self.catalog_changed(product.id).await;
        Ok(product)
    }

    /// Stores a cover image after checking its size and real type.
    pub async fn set_cover(
        &self,
        user: &CurrentUser,
        id: ProductId,
        bytes: Bytes,
    ) -> Result<Product, AppError> {
        let mut product = self.editable_product(user, id).await?;
        let max_bytes = self.settings.max_cover_bytes;
        if bytes.len() > max_bytes {
            return Err(AppError::UploadTooLarge { max_bytes });
        }
        if sniff_image(&bytes).is_none() {
            return Err(AppError::UnsupportedMedia);
        }
        let key = format!("covers/{}/{}", product.id, crate::accounts::random_token()?);
        self.media.put(&key, bytes).await?;
        product.cover_key = Some(key);
        self.store.update_product(&product, self.now_ms()).await?;
        self.catalog_changed(product.id).await;
        Ok(product)
    }

    /// The bytes and type of a stored cover image.
    pub async fn cover(&self, key: &str) -> Result<(Bytes, &'static str), AppError> {
        if !key.starts_with("covers/") || key.contains("..") {
            return Err(AppError::NotFound("cover"));
        }
        let bytes = self
            .media
            .get(key)
            .await?
            .ok_or(AppError::NotFound("cover"))?;
        let content_type = sniff_image(&bytes).ok_or(AppError::NotFound("cover"))?;
        Ok((bytes, content_type))
    }

    /// Sets the products a bundle holds (its creator's own, neither bundles nor
    /// memberships).
    pub async fn set_bundle_items(
        &self,
        user: &CurrentUser,
        id: ProductId,
        items: Vec<ProductId>,
    ) -> Result<Vec<Product>, AppError> {
        let bundle = self.editable_product(user, id).await?;
        if bundle.kind != ProductKind::Bundle || items.is_empty() {
            return Err(DomainError::InvalidBundle.into());
        }
        let mut products = Vec::new();
        for item in &items {
            let product = self
                .store
                .product(*item)
                .await?
                .ok_or(AppError::NotFound("product"))?;
            if product.creator_id != bundle.creator_id
                || matches!(product.kind, ProductKind::Bundle | ProductKind::Membership)
            {
                return Err(DomainError::InvalidBundle.into());
            }
            products.push(product);
        }
        self.store.set_bundle_items(id, &items).await?;
        self.catalog_changed(id).await;
        Ok(products)
    }

    /// Starts (or replaces) a time-limited sale, or ends it with `None`.
    pub async fn set_sale(
        &self,
        user: &CurrentUser,
        id: ProductId,
        sale: Option<Sale>,
    ) -> Result<Option<Sale>, AppError> {
        self.editable_product(user, id).await?;
        let sale = sale.map(|s| s.validate(self.now_ms())).transpose()?;
        self.store.set_sale(id, sale).await?;
        self.catalog_changed(id).await;
        Ok(sale)
    }

    /// Does this person hold the product?
    pub async fn owns(&self, user: &CurrentUser, id: ProductId) -> Result<bool, AppError> {
        Ok(self.store.is_entitled(user.account.id, id).await?)
    }

    /// The products a bundle holds (read concurrently: a bundle has a handful).
    pub async fn bundle_contents(&self, id: ProductId) -> Result<Vec<Product>, AppError> {
        let items = self.store.bundle_items(id).await?;
        let read = futures::future::try_join_all(items.into_iter().map(|i| self.store.product(i)));
        Ok(read.await?.into_iter().flatten().collect())
    }

    /// Publishes a product with at least one lesson.
    pub async fn publish(&self, user: &CurrentUser, id: ProductId) -> Result<Product, AppError> {
        let mut product = self.editable_product(user, id).await?;
        self.check_not_held(id).await?;
        // Memberships and bundles grant other products, and a consultation sells answers:
        // none of them needs lessons of its own.
        let grants_others = matches!(
            product.kind,
            ProductKind::Membership | ProductKind::Bundle | ProductKind::Consultation
        );
        if !grants_others && self.store.lessons(id).await?.is_empty() {
            return Err(DomainError::NothingToPublish.into());
        }
        product.status = ProductStatus::Published;
        product.published_at_ms = product.published_at_ms.or(Some(self.now_ms()));
        self.store.update_product(&product, self.now_ms()).await?;
        self.catalog_changed(product.id).await;
        Ok(product)
    }

    /// Takes a product off sale. Those who bought it keep their access.
    pub async fn unpublish(&self, user: &CurrentUser, id: ProductId) -> Result<Product, AppError> {
        let mut product = self.editable_product(user, id).await?;
        product.status = ProductStatus::Unpublished;
        self.store.update_product(&product, self.now_ms()).await?;
        self.catalog_changed(product.id).await;
        Ok(product)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
    }
}
