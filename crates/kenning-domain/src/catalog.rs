//! Products, their chapters and lessons, and who may read what.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::account::Role;
use crate::ids::{AccountId, ChapterId, LessonId, ProductId};
use crate::locale::{Locale, LocalizedText};
use crate::money::{Currency, Money};
use crate::review::RatingSummary;
use crate::text::Lines;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub const MAX_LESSON_BODY_CHARS: usize = 200_000;
pub const MAX_TAGS: usize = 12;

/// The kinds of knowledge product (知识产品).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    Course,
    Ebook,
    AudioSeries,
    LiveSession,
    Report,
    Consultation,
    Circle,
    Bundle,
    /// A membership tier (订阅/会员): a recurring price that grants other products.
    Membership,
}

impl ProductKind {
    pub const ALL: [ProductKind; 9] = [
        ProductKind::Course,
        ProductKind::Ebook,
        ProductKind::AudioSeries,
        ProductKind::LiveSession,
        ProductKind::Report,
        ProductKind::Consultation,
        ProductKind::Circle,
        ProductKind::Bundle,
        ProductKind::Membership,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ProductKind::Course => "course",
            ProductKind::Ebook => "ebook",
            ProductKind::AudioSeries => "audio_series",
            ProductKind::LiveSession => "live_session",
            ProductKind::Report => "report",
            ProductKind::Consultation => "consultation",
            ProductKind::Circle => "circle",
            ProductKind::Bundle => "bundle",
            ProductKind::Membership => "membership",
        }
    }
}

impl fmt::Display for ProductKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProductKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProductKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(DomainError::UnknownProductKind)
    }
}

/// Where a product is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Draft,
    Published,
    Unpublished,
}

impl ProductStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Published => "published",
            ProductStatus::Unpublished => "unpublished",
        }
    }
}

impl FromStr for ProductStatus {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "draft" => Ok(ProductStatus::Draft),
            "published" => Ok(ProductStatus::Published),
            "unpublished" => Ok(ProductStatus::Unpublished),
            _ => Err(DomainError::UnknownProductStatus),
        }
    }
}

/// Prices of one product, at most one per currency. An empty list means free.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriceList(Vec<Money>);

impl PriceList {
    pub fn new(prices: Vec<Money>) -> Result<PriceList, DomainError> {
        let mut seen: Vec<Currency> = Vec::with_capacity(prices.len());
        for p in &prices {
            if p.amount_minor < 0 || p.amount_minor > crate::money::MAX_PRICE_MINOR {
                return Err(DomainError::InvalidAmount);
            }
            if seen.contains(&p.currency) {
                return Err(DomainError::DuplicatePrice);
            }
            seen.push(p.currency);
        }
        Ok(PriceList(prices))
    }

    /// A product is free when it has no price above zero.
    pub fn is_free(&self) -> bool {
        self.0.iter().all(Money::is_zero)
    }

    pub fn in_currency(&self, currency: Currency) -> Option<Money> {
        self.0.iter().copied().find(|m| m.currency == currency)
    }

    /// The price to show and charge: the wanted currency if priced in it, else the
    /// first one listed.
    pub fn preferred(&self, currency: Currency) -> Option<Money> {
        self.in_currency(currency)
            .or_else(|| self.0.first().copied())
    }

    pub fn as_slice(&self) -> &[Money] {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Money> {
        self.0.iter()
    }
}

/// Validates and normalises tags: lower case, trimmed, unique, at most [`MAX_TAGS`].
pub fn normalize_tags<I, S>(raw: I) -> Result<Vec<String>, DomainError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut tags: Vec<String> = Vec::new();
    for tag in raw {
        let tag = tag.as_ref().trim().to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > 40
            || tag
                .chars()
                .any(|c| !crate::text::allowed(c, Lines::One) || c == ',')
        {
            return Err(DomainError::InvalidTag);
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(DomainError::InvalidTag);
    }
    Ok(tags)
}

/// What a creator fills in to describe a product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductDraft {
    pub kind: ProductKind,
    pub title: LocalizedText,
    pub description: LocalizedText,
    pub prices: PriceList,
    pub tags: Vec<String>,
}

impl ProductDraft {
    pub fn validate(self) -> Result<ProductDraft, DomainError> {
        if self.title.is_empty() {
            return Err(DomainError::TitleRequired);
        }
        self.title.check_text(Lines::One, MAX_TITLE_CHARS)?;
        self.description
            .check_text(Lines::Many, MAX_DESCRIPTION_CHARS)?;
        let tags = normalize_tags(&self.tags)?;
        Ok(ProductDraft { tags, ..self })
    }
}

/// An operator took the product off sale for a reason: its creator cannot publish it
/// again until an operator allows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductHold {
    pub product_id: ProductId,
    pub reason: String,
    pub held_by: AccountId,
    pub held_at_ms: i64,
}

/// A product as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub creator_id: AccountId,
    pub creator_name: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    pub title: LocalizedText,
    pub description: LocalizedText,
    pub prices: PriceList,
    pub tags: Vec<String>,
    pub cover_key: Option<String>,
    pub created_at_ms: i64,
    pub published_at_ms: Option<i64>,
    pub rating: RatingSummary,
}

impl Product {
    /// Languages the product's own text is written in.
    pub fn languages(&self) -> Vec<Locale> {
        self.title.locales().collect()
    }

    pub fn is_published(&self) -> bool {
        self.status == ProductStatus::Published
    }

    pub fn is_free(&self) -> bool {
        self.prices.is_free()
    }
}

/// A chapter groups lessons of a course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    pub id: ChapterId,
    pub product_id: ProductId,
    pub position: i64,
    pub title: LocalizedText,
}

/// Longest drip delay a creator may set: ten years.
pub const MAX_RELEASE_DAYS: i64 = 3650;

const DAY_MS: i64 = 86_400_000;

/// When a lesson opens to those who hold its product (drip release).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Release {
    /// Open as soon as the product is held.
    #[default]
    Immediately,
    /// Open this many days after the person got the product.
    AfterDays { days: i64 },
    /// Open to everyone who holds the product from this moment on.
    OnDate { at_ms: i64 },
}

impl Release {
    /// Checks the numbers a creator typed.
    pub fn validate(self) -> Result<Release, DomainError> {
        match self {
            Release::AfterDays { days } if !(0..=MAX_RELEASE_DAYS).contains(&days) => {
                Err(DomainError::InvalidRelease)
            }
            Release::OnDate { at_ms } if at_ms < 0 => Err(DomainError::InvalidRelease),
            Release::AfterDays { days: 0 } => Ok(Release::Immediately),
            other => Ok(other),
        }
    }

    /// When the lesson opens for someone who got the product at `granted_at_ms`.
    pub fn opens_at_ms(self, granted_at_ms: i64) -> i64 {
        match self {
            Release::Immediately => granted_at_ms,
            Release::AfterDays { days } => {
                granted_at_ms.saturating_add(days.saturating_mul(DAY_MS))
            }
            Release::OnDate { at_ms } => at_ms,
        }
    }

    pub fn is_immediate(self) -> bool {
        self == Release::Immediately
    }
}

/// A lesson: markdown text, media attached separately.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub id: LessonId,
    pub product_id: ProductId,
    pub chapter_id: Option<ChapterId>,
    pub position: i64,
    pub title: LocalizedText,
    pub body: LocalizedText,
    pub preview: bool,
    pub release: Release,
}

/// A lesson as listed in a table of contents: everything but its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonOutline {
    pub id: LessonId,
    pub product_id: ProductId,
    pub chapter_id: Option<ChapterId>,
    pub position: i64,
    pub title: LocalizedText,
    pub preview: bool,
    pub release: Release,
}

/// What the access rule reads of a lesson: a whole lesson and its outline in a table of
/// contents answer alike, so a page and the server cannot disagree.
pub trait Gated {
    fn preview(&self) -> bool;
    fn release(&self) -> Release;
}

impl Gated for Lesson {
    fn preview(&self) -> bool {
        self.preview
    }
    fn release(&self) -> Release {
        self.release
    }
}

impl Gated for LessonOutline {
    fn preview(&self) -> bool {
        self.preview
    }
    fn release(&self) -> Release {
        self.release
    }
}

/// Who is looking at a lesson and what they hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub account_id: AccountId,
    pub role: Role,
}

/// The answer to "may this person read this lesson?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LessonAccess {
    /// Free preview, free product, entitlement, the product's creator or an admin.
    Open,
    /// Anonymous on a locked lesson: log in first.
    NeedsLogin,
    /// Logged in but without the right to it: buy first.
    NeedsPurchase,
    /// Held, but dripped: it opens at this moment.
    NotYet { opens_at_ms: i64 },
}

impl LessonAccess {
    pub fn is_open(self) -> bool {
        self == LessonAccess::Open
    }
}

/// Decides access to a lesson. `entitled_since_ms` is when the viewer got the product,
/// if they hold it. Creators and admins are never held back by drip release; a preview
/// is open to everyone, whatever its release.
pub fn lesson_access(
    product: &Product,
    lesson: &impl Gated,
    viewer: Option<Viewer>,
    entitled_since_ms: Option<i64>,
    now_ms: i64,
) -> LessonAccess {
    if lesson.preview() {
        return LessonAccess::Open;
    }
    let Some(viewer) = viewer else {
        return LessonAccess::NeedsLogin;
    };
    if viewer.role == Role::Admin || viewer.account_id == product.creator_id {
        return LessonAccess::Open;
    }
    match entitled_since_ms {
        None => LessonAccess::NeedsPurchase,
        Some(since) => match lesson.release().opens_at_ms(since) {
            opens_at_ms if opens_at_ms > now_ms => LessonAccess::NotYet { opens_at_ms },
            _ => LessonAccess::Open,
        },
    }
}

/// May this person see the product page (drafts are visible only to their creator and
/// admins)?
pub fn can_view_product(product: &Product, viewer: Option<Viewer>) -> bool {
    product.is_published() || viewer.is_some_and(|v| can_edit_product(product, v))
}

/// May this person change the product?
pub fn can_edit_product(product: &Product, viewer: Viewer) -> bool {
    viewer.role == Role::Admin || viewer.account_id == product.creator_id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(creator: AccountId) -> Product {
        Product {
            id: ProductId::new(),
            creator_id: creator,
            creator_name: "c".into(),
            kind: ProductKind::Course,
            status: ProductStatus::Published,
            title: LocalizedText::from_pairs([(Locale::En, "T")]),
            description: LocalizedText::new(),
            prices: PriceList::new(vec![Money::new(100, Currency::USD)]).unwrap_or_default(),
            tags: vec![],
            cover_key: None,
            created_at_ms: 0,
            published_at_ms: Some(0),
            rating: RatingSummary::default(),
        }
    }

    fn lesson(p: &Product, preview: bool) -> Lesson {
        Lesson {
            id: LessonId::new(),
            product_id: p.id,
            chapter_id: None,
            position: 0,
            title: LocalizedText::from_pairs([(Locale::En, "L")]),
            body: LocalizedText::new(),
            preview,
            release: Release::Immediately,
        }
    }

    #[test]
    fn preview_lessons_are_open_to_everyone() {
        let p = product(AccountId::new());
        assert_eq!(
            lesson_access(&p, &lesson(&p, true), None, None, 0),
            LessonAccess::Open
        );
    }

    #[test]
    fn locked_lessons_need_login_then_purchase() {
        let p = product(AccountId::new());
        let l = lesson(&p, false);
        let learner = Viewer {
            account_id: AccountId::new(),
            role: Role::Learner,
        };
        assert_eq!(
            lesson_access(&p, &l, None, None, 0),
            LessonAccess::NeedsLogin
        );
        assert_eq!(
            lesson_access(&p, &l, Some(learner), None, 0),
            LessonAccess::NeedsPurchase
        );
        assert_eq!(
            lesson_access(&p, &l, Some(learner), Some(0), 0),
            LessonAccess::Open
        );
    }

    #[test]
    fn creators_and_admins_read_locked_lessons() {
        let creator = AccountId::new();
        let p = product(creator);
        let l = lesson(&p, false);
        let own = Viewer {
            account_id: creator,
            role: Role::Creator,
        };
        let admin = Viewer {
            account_id: AccountId::new(),
            role: Role::Admin,
        };
        let other_creator = Viewer {
            account_id: AccountId::new(),
            role: Role::Creator,
        };
        assert_eq!(
            lesson_access(&p, &l, Some(own), None, 0),
            LessonAccess::Open
        );
        assert_eq!(
            lesson_access(&p, &l, Some(admin), None, 0),
            LessonAccess::Open
        );
        assert_eq!(
            lesson_access(&p, &l, Some(other_creator), None, 0),
            LessonAccess::NeedsPurchase
        );
    }

    #[test]
    fn a_price_list_refuses_two_prices_in_one_currency() {
        assert_eq!(
            PriceList::new(vec![
                Money::new(1, Currency::USD),
                Money::new(2, Currency::USD)
            ]),
            Err(DomainError::DuplicatePrice)
        );
    }

    #[test]
    fn the_preferred_price_falls_back_to_the_first_listed() {
        let prices = PriceList::new(vec![Money::new(9900, Currency::CNY)]).unwrap_or_default();
        assert_eq!(
            prices.preferred(Currency::USD),
            Some(Money::new(9900, Currency::CNY))
        );
    }

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        assert_eq!(
            normalize_tags(["Rust", " rust ", "", "并发"]),
            Ok(vec!["rust".to_owned(), "并发".to_owned()])
        );
        assert_eq!(normalize_tags(["a,b"]), Err(DomainError::InvalidTag));
    }

    #[test]
    fn dripped_lessons_open_days_after_purchase_or_on_their_date() {
        let p = product(AccountId::new());
        let mut l = lesson(&p, false);
        let learner = Viewer {
            account_id: AccountId::new(),
            role: Role::Learner,
        };
        l.release = Release::AfterDays { days: 2 };
        let bought = 1_000;
        let opens = bought + 2 * DAY_MS;
        assert_eq!(
            lesson_access(&p, &l, Some(learner), Some(bought), opens - 1),
            LessonAccess::NotYet { opens_at_ms: opens }
        );
        assert_eq!(
            lesson_access(&p, &l, Some(learner), Some(bought), opens),
            LessonAccess::Open
        );
        l.release = Release::OnDate { at_ms: 5_000 };
        assert_eq!(
            lesson_access(&p, &l, Some(learner), Some(bought), 4_999),
            LessonAccess::NotYet { opens_at_ms: 5_000 }
        );
        // The creator is never held back, and a non-holder still has to buy first.
        let own = Viewer {
            account_id: p.creator_id,
            role: Role::Creator,
        };
        assert_eq!(
            lesson_access(&p, &l, Some(own), None, 0),
            LessonAccess::Open
        );
        assert_eq!(
            lesson_access(&p, &l, Some(learner), None, 0),
            LessonAccess::NeedsPurchase
        );
    }

    #[test]
    fn release_settings_are_checked() {
        assert_eq!(
            Release::AfterDays { days: -1 }.validate(),
            Err(DomainError::InvalidRelease)
        );
        assert_eq!(
            Release::AfterDays {
                days: MAX_RELEASE_DAYS + 1
            }
            .validate(),
            Err(DomainError::InvalidRelease)
        );
        assert_eq!(
            Release::AfterDays { days: 0 }.validate(),
            Ok(Release::Immediately)
        );
        assert_eq!(
            Release::OnDate { at_ms: -5 }.validate(),
            Err(DomainError::InvalidRelease)
        );
    }
}
