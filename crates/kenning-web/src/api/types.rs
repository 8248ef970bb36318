//! Request and response bodies of the JSON API.

use std::collections::BTreeMap;

use kenning_app::catalog::ProductDetail;
use kenning_app::media::MediaLink;
use kenning_domain::DomainError;
use kenning_domain::account::Account;
use kenning_domain::catalog::{LessonOutline, Product, Release};
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::media::LessonProgress;
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::Order;
use kenning_domain::review::RatingSummary;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An amount in minor units (cents, fen) of an ISO 4217 currency.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MoneyDto {
    #[schema(example = 9900)]
    pub amount_minor: i64,
    #[schema(example = "CNY")]
    pub currency: String,
}

impl From<Money> for MoneyDto {
    fn from(m: Money) -> Self {
        MoneyDto {
            amount_minor: m.amount_minor,
            currency: m.currency.code().to_owned(),
        }
    }
}

pub fn timestamp(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatorDto {
    pub id: String,
    pub display_name: String,
}

/// A product as listed in the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductSummary {
    pub id: String,
    /// course, ebook, audio_series, live_session, report, consultation, circle, bundle
    pub kind: String,
    /// draft, published or unpublished
    pub status: String,
    /// In the requested language, or the closest one available.
    pub title: String,
    pub description: String,
    /// The price in the requested currency when the product has one, else its first
    /// price; absent for free products.
    pub price: Option<MoneyDto>,
    pub prices: Vec<MoneyDto>,
    pub free: bool,
    pub languages: Vec<String>,
    pub tags: Vec<String>,
    pub creator: CreatorDto,
    pub cover_url: Option<String>,
    pub published_at: Option<String>,
    pub rating: RatingDto,
}

/// A product's ratings.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingDto {
    /// Mean stars, to two decimals; absent without ratings.
    pub average: Option<f64>,
    pub count: i64,
}

impl From<&RatingSummary> for RatingDto {
    fn from(r: &RatingSummary) -> Self {
        RatingDto {
            average: r
                .average_centi()
                .and_then(|c| u32::try_from(c).ok())
                .map(|c| f64::from(c) / 100.0),
            count: r.count,
        }
    }
}

impl ProductSummary {
    pub fn new(p: &Product, locale: Locale, currency: Currency) -> Self {
        ProductSummary {
            id: p.id.to_string(),
            kind: p.kind.as_str().to_owned(),
            status: p.status.as_str().to_owned(),
            title: p.title.get(locale).to_owned(),
            description: p.description.get(locale).to_owned(),
            price: if p.is_free() {
                None
            } else {
                p.prices.preferred(currency).map(MoneyDto::from)
            },
            prices: p.prices.iter().copied().map(MoneyDto::from).collect(),
            free: p.is_free(),
            languages: p.languages().iter().map(|l| l.tag().to_owned()).collect(),
            tags: p.tags.clone(),
            creator: CreatorDto {
                id: p.creator_id.to_string(),
                display_name: p.creator_name.clone(),
            },
            cover_url: p.cover_key.as_ref().map(|k| format!("/media/{k}")),
            published_at: p.published_at_ms.map(timestamp),
            rating: RatingDto::from(&p.rating),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductsResponse {
    pub items: Vec<ProductSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonSummary {
    pub id: String,
    pub title: String,
    /// Open to everyone as a free preview.
    pub preview: bool,
    pub chapter_id: Option<String>,
    /// When the lesson opens to those who hold the product.
    pub release: ReleaseDto,
    /// For a holder waiting on drip release: when it opens for them.
    pub opens_at: Option<String>,
}

impl LessonSummary {
    pub fn new(l: &LessonOutline, locale: Locale, opens_at_ms: Option<i64>) -> Self {
        LessonSummary {
            id: l.id.to_string(),
            title: l.title.get(locale).to_owned(),
            preview: l.preview,
            chapter_id: l.chapter_id.map(|c| c.to_string()),
            release: ReleaseDto::from(l.release),
            opens_at: opens_at_ms.map(timestamp),
        }
    }
}

/// Drip release: at most one of the two fields; neither means "as soon as bought".
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct ReleaseDto {
    /// Opens this many days (0–3650) after the person got the product.
    pub after_days: Option<i64>,
    /// Opens at this RFC 3339 moment.
    pub at: Option<String>,
}

impl From<Release> for ReleaseDto {
    fn from(r: Release) -> Self {
        match r {
            Release::Immediately => ReleaseDto::default(),
            Release::AfterDays { days } => ReleaseDto {
                after_days: Some(days),
                at: None,
            },
            Release::OnDate { at_ms } => ReleaseDto {
                after_days: None,
                at: Some(timestamp(at_ms)),
            },
        }
    }
}

impl ReleaseDto {
    pub fn to_release(&self) -> Result<Release, DomainError> {
        match (self.after_days, self.at.as_deref()) {
            (None, None) => Ok(Release::Immediately),
            (Some(days), None) => Release::AfterDays { days }.validate(),
            (None, Some(at)) => Release::OnDate {
                at_ms: parse_timestamp(at).ok_or(DomainError::InvalidRelease)?,
            }
            .validate(),
            (Some(_), Some(_)) => Err(DomainError::InvalidRelease),
        }
    }
}

/// Milliseconds since the epoch of an RFC 3339 moment.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChapterDto {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductDetailResponse {
    #[serde(flatten)]
    pub product: ProductSummary,
    pub chapters: Vec<ChapterDto>,
    pub lessons: Vec<LessonSummary>,
    /// The caller holds an entitlement.
    pub owned: bool,
    /// The caller's certificate code, once every lesson is done
    /// (`/certificates/{code}` verifies it).
    pub certificate: Option<String>,
    /// A time-limited sale running now.
    pub sale: Option<SaleResponse>,
}

/// A time-limited sale (限时折扣).
#[derive(Debug, Serialize, ToSchema)]
pub struct SaleResponse {
    /// Percent off every price.
    pub percent: u16,
    pub ends_at: String,
    /// The sale price in the caller's currency (or the first one listed).
    pub price: Option<MoneyDto>,
}

impl ProductDetailResponse {
    pub fn new(d: &ProductDetail, locale: Locale, currency: Currency) -> Self {
        ProductDetailResponse {
            product: ProductSummary::new(&d.product, locale, currency),
            chapters: d
                .chapters
                .iter()
                .map(|c| ChapterDto {
                    id: c.id.to_string(),
                    title: c.title.get(locale).to_owned(),
                })
                .collect(),
            lessons: d
                .lessons
                .iter()
                .map(|l| {
                    let opens = d.opens_at.iter().find(|(id, _)| *id == l.id);
                    LessonSummary::new(l, locale, opens.map(|(_, at)| *at))
                })
                .collect(),
            owned: d.owned,
            certificate: d.certificate.as_ref().map(ToString::to_string),
            sale: d.sale.map(|s| SaleResponse {
                percent: s.bps / 100,
                ends_at: timestamp(s.ends_at_ms),
                price: d
                    .product
                    .prices
                    .preferred(currency)
                    .map(|p| s.apply(p).into()),
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonResponse {
    pub id: String,
    pub product_id: String,
    pub title: String,
    pub preview: bool,
    /// The lesson text as written (Markdown).
    pub content: String,
    /// The same text rendered to sanitized HTML.
    pub content_html: String,
    /// The lesson's files, each behind a signed link that expires.
    pub media: Vec<MediaLinkResponse>,
    /// Where the caller left off, when signed in and started.
    pub progress: Option<ProgressResponse>,
}

/// A lesson file behind a signed, expiring link (a GET of `url` supports `Range`).
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaLinkResponse {
    pub id: String,
    /// video, audio, pdf or epub
    pub kind: String,
    /// Path and query of the signed link, relative to this server.
    pub url: String,
    pub content_type: String,
    pub bytes: u64,
    pub file_name: String,
    pub expires_at: String,
}

impl From<&MediaLink> for MediaLinkResponse {
    fn from(l: &MediaLink) -> Self {
        MediaLinkResponse {
            id: l.media.id.to_string(),
            kind: l.media.kind.as_str().to_owned(),
            url: l.url.clone(),
            content_type: l.media.content_type.clone(),
            bytes: l.media.bytes,
            file_name: l.media.file_name.clone(),
            expires_at: timestamp(l.expires_at_ms),
        }
    }
}

/// How far a person got in a lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressResponse {
    pub lesson_id: String,
    pub position_ms: i64,
    pub completed: bool,
    pub updated_at: String,
}

impl From<&LessonProgress> for ProgressResponse {
    fn from(p: &LessonProgress) -> Self {
        ProgressResponse {
            lesson_id: p.lesson_id.to_string(),
            position_ms: p.position_ms,
            completed: p.completed,
            updated_at: timestamp(p.updated_at_ms),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateAccountRequest {
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    #[schema(example = "Ada")]
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountResponse {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// learner, creator or admin
    pub role: String,
    pub created_at: String,
    /// The language mail is written in (en, zh-CN).
    pub locale: String,
    /// Whether the address was confirmed by the link mailed to it.
    pub email_verified: bool,
}

impl From<&Account> for AccountResponse {
    fn from(a: &Account) -> Self {
        AccountResponse {
            id: a.id.to_string(),
            email: a.email.to_string(),
            display_name: a.display_name.as_str().to_owned(),
            role: a.role.as_str().to_owned(),
            created_at: timestamp(a.created_at_ms),
            locale: a.locale.tag().to_owned(),
            email_verified: a.email_verified,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordResetRequest {
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedResponse {
    /// Always true: the same answer whether or not anything was sent.
    pub accepted: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPasswordRequest {
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProfileRequest {
    pub display_name: String,
    /// en or zh-CN; unchanged when left out.
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    /// Your current password.
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    /// The current password.
    pub password: String,
    /// The new address; a link is mailed to it, and it replaces the old once followed.
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionItem {
    /// A short name for the session (not its secret).
    pub id: String,
    pub created_at: String,
    pub expires_at: String,
    /// The session this request came with.
    pub current: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<SessionItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsEnded {
    pub ended: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateSessionRequest {
    pub email: String,
    pub password: String,
    /// With two-step sign-in on: the code from the authenticator app, or a recovery
    /// code.
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorSetupResponse {
    /// The secret to type into an authenticator app (base32).
    pub secret: String,
    /// `otpauth://totp/…`, for apps that read it (or a QR code of it).
    pub url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TwoFactorCodeRequest {
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodesResponse {
    /// Each works once, instead of a code; shown only now.
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub account: AccountResponse,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOrderRequest {
    pub product_id: String,
    /// Buy only this lesson of the product (按需付费), when it is sold on its own.
    pub lesson_id: Option<String>,
    /// ISO 4217 code to pay in; defaults to the product's price in the caller's
    /// currency, or its first price.
    pub currency: Option<String>,
    /// A coupon code (case does not matter).
    pub coupon: Option<String>,
    /// Buy it as a gift for this e-mail address (they claim it at `/gifts/{code}`).
    pub gift_to: Option<String>,
    pub gift_message: Option<String>,
    /// Where the buyer is (ISO 3166 alpha-2), for tax; defaults to the region of the
    /// `Accept-Language` header, else the language's usual country.
    pub country: Option<String>,
    /// An affiliate's referral code (分销).
    pub referral: Option<String>,
    /// The question, required when buying a consultation (付费问答: one order per
    /// question; it is refunded if not answered within 7 days).
    pub question: Option<String>,
}

/// The tax within an order's total.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxDto {
    pub country: String,
    /// Basis points: 1900 is 19 %.
    pub rate_bps: u16,
    /// True when the price already held the tax, false when it was added.
    pub inclusive: bool,
    pub amount: MoneyDto,
}

impl From<&kenning_domain::tax::TaxLine> for TaxDto {
    fn from(t: &kenning_domain::tax::TaxLine) -> Self {
        TaxDto {
            country: t.country.to_string(),
            rate_bps: t.rate_bps,
            inclusive: t.inclusive,
            amount: t.amount.into(),
        }
    }
}

/// The rate-table conversion a price was derived with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversionDto {
    pub from: String,
    /// Units of the order's currency per unit of `from`.
    pub rate: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderResponse {
    pub id: String,
    /// pending, processing or paid
    pub status: String,
    pub product_id: String,
    /// Set when the order buys one lesson on its own.
    pub lesson_id: Option<String>,
    /// What is charged (after any coupon).
    pub total: MoneyDto,
    /// The coupon applied, and what it took off.
    pub coupon: Option<String>,
    pub discount: MoneyDto,
    /// The tax within `total`.
    pub tax: Option<TaxDto>,
    /// Set when the price was converted from another currency.
    pub conversion: Option<ConversionDto>,
    /// Whether an affiliate referred it.
    pub referred: bool,
    /// What has been given back.
    pub refunded: MoneyDto,
    pub created_at: String,
    pub paid_at: Option<String>,
}

impl OrderResponse {
    /// With what was refunded: a paid order refunded in part is `partially_refunded`, in
    /// full `refunded`.
    pub fn with_refunded(mut self, refunded: Money) -> Self {
        if refunded.amount_minor > 0 {
            self.status = if refunded.amount_minor >= self.total.amount_minor {
                "refunded".to_owned()
            } else {
                "partially_refunded".to_owned()
            };
        }
        self.refunded = refunded.into();
        self
    }
}

impl From<&Order> for OrderResponse {
    fn from(o: &Order) -> Self {
        OrderResponse {
            id: o.id.to_string(),
            status: o.status.as_str().to_owned(),
            product_id: o.product_id.to_string(),
            lesson_id: o.lesson_id.map(|l| l.to_string()),
            total: o.total.into(),
            coupon: o.coupon.as_ref().map(ToString::to_string),
            discount: Money::new(o.discount_minor, o.total.currency).into(),
            tax: o.tax.as_ref().map(TaxDto::from),
            conversion: o.conversion.map(|c| ConversionDto {
                from: c.from.code().to_owned(),
                rate: kenning_domain::fx::RateDisplay(c.rate_e8).to_string(),
            }),
            referred: o.referral.is_some(),
            refunded: Money::new(0, o.total.currency).into(),
            created_at: timestamp(o.created_at_ms),
            paid_at: o.paid_at_ms.map(timestamp),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PayOrderRequest {
    /// Sandbox test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.
    #[schema(example = "4242 4242 4242 4242")]
    pub card_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryItemResponse {
    #[serde(flatten)]
    pub product: ProductSummary,
    pub granted_at: String,
    /// For an audio series: your personal podcast feed (RSS 2.0 with iTunes tags), to
    /// paste into any podcast app. Keep it private; rotate it if it leaks.
    pub feed_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryResponse {
    pub items: Vec<LibraryItemResponse>,
}

/// Text per language, keyed by tag ("en", "zh-CN").
pub type TextMap = BTreeMap<String, String>;

pub fn localized(map: &TextMap) -> Result<LocalizedText, kenning_domain::DomainError> {
    let mut text = LocalizedText::new();
    for (tag, value) in map {
        text.set(Locale::parse(tag)?, value.clone());
    }
    Ok(text)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductRequest {
    /// course, ebook, audio_series, live_session, report, consultation, circle, bundle
    pub kind: String,
    #[schema(value_type = BTreeMap<String, String>, example = json!({"en": "Rust in Practice", "zh-CN": "Rust 实战"}))]
    pub title: TextMap,
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub description: TextMap,
    /// Empty for a free product.
    #[serde(default)]
    pub prices: Vec<MoneyDto>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LessonRequest {
    #[schema(value_type = BTreeMap<String, String>)]
    pub title: TextMap,
    /// Markdown per language.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub content: TextMap,
    #[serde(default)]
    pub preview: bool,
    pub chapter_id: Option<String>,
    #[serde(default)]
    pub release: ReleaseDto,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChapterRequest {
    #[schema(value_type = BTreeMap<String, String>)]
    pub title: TextMap,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedResponse {
    pub id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponse {
    pub error: ErrorDetailDoc,
}

/// The body of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetailDoc {
    /// Stable, machine-readable code, e.g. `weak_password`.
    pub code: String,
    /// Human-readable message in the caller's language.
    pub message: String,
}
