//! Domain errors. Each has a stable, machine-readable code that doubles as the id of
//! its translated message in `locales/*/errors.ftl`.

/// A rule of the business was broken by the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("malformed identifier")]
    InvalidId,
    #[error("malformed e-mail address")]
    InvalidEmail,
    #[error("password shorter than {min} characters")]
    WeakPassword { min: usize },
    #[error("password too long")]
    PasswordTooLong,
    #[error("password is among the most common or breached ones")]
    CommonPassword,
    #[error("display name must be 1 to 80 characters")]
    InvalidDisplayName,
    #[error("unknown role")]
    UnknownRole,
    #[error("unknown or unsupported currency")]
    UnknownCurrency,
    #[error("amount out of range")]
    InvalidAmount,
    #[error("currencies differ")]
    CurrencyMismatch,
    #[error("unsupported locale")]
    UnknownLocale,
    #[error("unknown product kind")]
    UnknownProductKind,
    #[error("a product status is draft, published or unpublished")]
    UnknownProductStatus,
    #[error("a title is required")]
    TitleRequired,
    #[error("text too long")]
    TextTooLong,
    #[error("text holds control characters")]
    InvalidText,
    #[error("page or page size out of range")]
    InvalidPage,
    #[error("invalid tag")]
    InvalidTag,
    #[error("a product needs a price or must be free")]
    PriceRequired,
    #[error("the same currency is priced twice")]
    DuplicatePrice,
    #[error("product is not for sale in this currency")]
    NotPricedInCurrency,
    #[error("invalid idempotency key")]
    InvalidIdempotencyKey,
    #[error("invalid card number")]
    InvalidCardNumber,
    #[error("ledger transaction does not balance")]
    Unbalanced,
    #[error("a product must have at least one lesson before it is published")]
    NothingToPublish,
    #[error("a rating is one to five stars")]
    InvalidRating,
    #[error("a lesson opens between 0 and 3650 days after purchase, or on a date")]
    InvalidRelease,
    #[error(
        "a live session needs a start, a duration of 5 to 1440 minutes, a capacity of at least one and an http(s) or rtmp(s) stream address"
    )]
    InvalidLiveSchedule,
    #[error("a chat message is 1 to 1000 characters")]
    InvalidChatMessage,
    #[error(
        "a coupon has a code of 3 to 32 letters, digits, - or _, takes 1% to 99% or a positive amount off, and allows at least one use"
    )]
    InvalidCoupon,
    #[error("a sale takes 1% to 90% off and ends in the future, within a year")]
    InvalidSale,
    #[error("a bundle holds one or more of its creator's other products")]
    InvalidBundle,
    #[error("you already own everything in this bundle")]
    BundleAlreadyOwned,
    #[error("not a valid membership setting or change")]
    InvalidMembership,
    #[error("a refund is more than zero and at most what is left of the order")]
    InvalidRefundAmount,
    #[error("this coupon code is taken")]
    CouponCodeTaken,
    #[error("a coupon cannot allow fewer uses than it has had")]
    CouponLimitBelowUses { uses: i64 },
    #[error("a new coupon's expiry must be in the future")]
    CouponExpiryPast,
    #[error("no such coupon")]
    UnknownCoupon,
    #[error("this coupon has expired")]
    CouponExpired,
    #[error("this coupon has been used up")]
    CouponExhausted,
    #[error("this coupon does not apply to this product or currency")]
    CouponNotApplicable,
    #[error("a country is a two-letter ISO 3166 code")]
    UnknownCountry,
    #[error("a tax rate is between 0% and 50%")]
    InvalidTaxRate,
    #[error(
        "an exchange rate is a positive decimal with up to eight fraction digits, with a known rounding rule"
    )]
    InvalidExchangeRate,
    #[error("shares are 0.01% to 100% each, for other people, and add up to at most 100%")]
    InvalidShare,
    #[error("a statement month is written YYYY-MM")]
    InvalidPeriod,
    #[error("a question or answer is 1 to 4000 characters")]
    InvalidQuestion,
    #[error("unknown audit action or malformed filter")]
    InvalidAuditFilter,
    #[error("a reason of 1 to 500 characters is required")]
    ReasonRequired,
    #[error(
        "an application needs a name, at most 2000 characters of biography and a payout reference per currency"
    )]
    InvalidApplication,
    #[error("a biography is at most 2000 characters")]
    InvalidBio,
    #[error("unknown notification or kind")]
    InvalidNotification,
    #[error("an announcement has a title of 1 to 120 characters and a text of 1 to 5000")]
    InvalidAnnouncement,
    #[error("a time zone is an IANA name such as Asia/Shanghai")]
    InvalidTimeZone,
}

impl DomainError {
    /// The stable error code (snake_case), also the Fluent message id `error-<code>`.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::InvalidId => "invalid_id",
            DomainError::InvalidEmail => "invalid_email",
            DomainError::WeakPassword { .. } => "weak_password",
            DomainError::PasswordTooLong => "password_too_long",
            DomainError::CommonPassword => "common_password",
            DomainError::InvalidDisplayName => "invalid_display_name",
            DomainError::UnknownRole => "unknown_role",
            DomainError::InvalidAuditFilter => "invalid_audit_filter",
            DomainError::ReasonRequired => "reason_required",
            DomainError::InvalidApplication => "invalid_application",
            DomainError::InvalidBio => "invalid_bio",
            DomainError::InvalidNotification => "invalid_notification",
            DomainError::InvalidAnnouncement => "invalid_announcement",
            DomainError::InvalidTimeZone => "invalid_time_zone",
            DomainError::UnknownCurrency => "unknown_currency",
            DomainError::InvalidAmount => "invalid_amount",
            DomainError::CurrencyMismatch => "currency_mismatch",
            DomainError::UnknownLocale => "unknown_locale",
            DomainError::UnknownProductKind => "unknown_product_kind",
            DomainError::UnknownProductStatus => "unknown_product_status",
            DomainError::TitleRequired => "title_required",
            DomainError::TextTooLong => "text_too_long",
            DomainError::InvalidText => "invalid_text",
            DomainError::InvalidPage => "invalid_page",
            DomainError::InvalidTag => "invalid_tag",
            DomainError::PriceRequired => "price_required",
            DomainError::DuplicatePrice => "duplicate_price",
            DomainError::NotPricedInCurrency => "not_priced_in_currency",
            DomainError::InvalidIdempotencyKey => "invalid_idempotency_key",
            DomainError::InvalidCardNumber => "invalid_card_number",
            DomainError::Unbalanced => "ledger_unbalanced",
            DomainError::NothingToPublish => "nothing_to_publish",
            DomainError::InvalidRating => "invalid_rating",
            DomainError::InvalidRelease => "invalid_release",
            DomainError::InvalidLiveSchedule => "invalid_live_schedule",
            DomainError::InvalidChatMessage => "invalid_chat_message",
            DomainError::InvalidCoupon => "invalid_coupon",
            DomainError::UnknownCoupon => "unknown_coupon",
            DomainError::CouponCodeTaken => "coupon_code_taken",
            DomainError::CouponLimitBelowUses { .. } => "coupon_limit_below_uses",
            DomainError::CouponExpiryPast => "coupon_expiry_past",
            DomainError::InvalidRefundAmount => "invalid_refund_amount",
            DomainError::InvalidMembership => "invalid_membership",
            DomainError::InvalidBundle => "invalid_bundle",
            DomainError::InvalidSale => "invalid_sale",
            DomainError::BundleAlreadyOwned => "bundle_already_owned",
            DomainError::CouponExpired => "coupon_expired",
            DomainError::CouponExhausted => "coupon_exhausted",
            DomainError::CouponNotApplicable => "coupon_not_applicable",
            DomainError::UnknownCountry => "unknown_country",
            DomainError::InvalidTaxRate => "invalid_tax_rate",
            DomainError::InvalidExchangeRate => "invalid_exchange_rate",
            DomainError::InvalidShare => "invalid_share",
            DomainError::InvalidPeriod => "invalid_period",
            DomainError::InvalidQuestion => "invalid_question",
        }
    }
}
