//! Audio series as private podcasts: every person entitled to a series gets a personal
//! feed address that works in any podcast app. The address carries a signature over the
//! person, the series and a version; rotating the feed raises the version, which revokes
//! every older address. Each fetch checks the person's rights again, so a feed stops the
//! moment access ends, and its enclosures are signed media links made out to them.

use kenning_domain::catalog::{LessonOutline, Product, ProductKind, can_edit_product};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::media::MediaKind;

use crate::accounts::CurrentUser;
use crate::media::{LinkHolder, MediaLink};
use crate::{AppError, Kenning};

/// How long the enclosure links in a fetched feed work (podcast apps download later).
pub const ENCLOSURE_LINK_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A feed as a podcast app receives it.
#[derive(Clone, Debug)]
pub struct PodcastFeed {
    pub product: Product,
    /// Episodes in order: the lesson and its audio file.
    pub episodes: Vec<(LessonOutline, MediaLink)>,
}

impl Kenning {
    fn feed_signature(
        &self,
        key: &[u8],
        account: AccountId,
        product: ProductId,
        version: i64,
    ) -> Result<String, AppError> {
        crate::media::mac(
            key,
            &format!("kenning-feed\n{account}\n{product}\n{version}"),
        )
    }

    /// The person's feed address (a path) of a product at a version of their feed; see
    /// [`Kenning::library_with_feeds`] for every feed they hold.
    pub(crate) async fn feed_path_at(
        &self,
        account: AccountId,
        product: ProductId,
        version: i64,
    ) -> Result<String, AppError> {
        let key = self.link_key().await?;
        let sig = self.feed_signature(key, account, product, version)?;
        Ok(format!("/feeds/{account}.{product}.{version}.{sig}.rss"))
    }

    /// Replaces the person's feed address; the old one stops working at once.
    pub async fn rotate_feed(
        &self,
        user: &CurrentUser,
        product: ProductId,
    ) -> Result<String, AppError> {
        let p = self
            .store
            .product(product)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        if p.kind != ProductKind::AudioSeries || !self.may_listen(user, &p).await? {
            return Err(AppError::NotFound("product"));
        }
        let version = self
            .store
            .bump_feed_version(user.account.id, product)
            .await?;
        self.feed_path_at(user.account.id, product, version).await
    }

    async fn may_listen(&self, user: &CurrentUser, product: &Product) -> Result<bool, AppError> {
        Ok(can_edit_product(product, user.viewer())
            || self.store.is_entitled(user.account.id, product.id).await?)
    }

    /// The feed behind an address, if the address is current and its person may still
    /// listen. Every failure is "not found", so addresses cannot be probed.
    pub async fn podcast_feed(&self, token: &str) -> Result<PodcastFeed, AppError> {
        let not_found = || AppError::NotFound("feed");
        let mut parts = token.trim_end_matches(".rss").splitn(4, '.');
        let (Some(account), Some(product), Some(version), Some(sig)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(not_found());
        };
        let account: AccountId = account.parse().map_err(|_| not_found())?;
        let product_id: ProductId = product.parse().map_err(|_| not_found())?;
        let version: i64 = version.parse().map_err(|_| not_found())?;
        let key = self.link_key().await?;
        let expected = self.feed_signature(key, account, product_id, version)?;
        if !crate::media::same(&expected, sig)
            || version != self.store.feed_version(account, product_id).await?
        {
            return Err(not_found());
        }
        let user = CurrentUser {
            account: self
                .store
                .account_by_id(account)
                .await?
                .ok_or_else(not_found)?,
        };
        let product = self
            .store
            .product(product_id)
            .await?
            .ok_or_else(not_found)?;
        if product.kind != ProductKind::AudioSeries || !self.may_listen(&user, &product).await? {
            return Err(not_found());
        }
        let expires = self.now_ms().saturating_add(ENCLOSURE_LINK_MS);
        let mut episodes = Vec::new();
        for lesson in self.store.lessons(product_id).await? {
            let audio = self
                .store
                .lesson_media(lesson.id)
                .await?
                .into_iter()
                .find(|m| m.kind == MediaKind::Audio);
            if let Some(media) = audio {
                let link = self
                    .media_link_until(&media, LinkHolder::Person(account), expires)
                    .await?;
                episodes.push((lesson, link));
            }
        }
        Ok(PodcastFeed { product, episodes })
    }
}
