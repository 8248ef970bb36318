//! Errors of the use cases. Each has a stable code (the Fluent id `error-<code>`) and a
//! kind that the web layer maps to an HTTP status.

use kenning_domain::DomainError;

use crate::ports::{DeclineReason, IndexError, PaymentError, StorageError, StoreError};

/// How an error should be reported; the web layer maps it to a status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Invalid,
    /// A request that cannot be understood or trusted (400).
    BadRequest,
    /// Slow down (429).
    TooManyRequests,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    PaymentRequired,
    TooLarge,
    UnsupportedMedia,
    /// A service Kenning depends on failed or did not answer; trying later may work (503).
    Unavailable,
    /// A service Kenning depends on refused or answered nonsense (502).
    BadGateway,
    /// A link that worked once and no longer does (410).
    Gone,
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Invalid(#[from] DomainError),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    #[error("not allowed")]
    Forbidden,
    #[error("this lesson requires purchase")]
    PurchaseRequired,
    #[error("this lesson opens later (drip release)")]
    NotYetReleased { opens_at_ms: i64, days_left: i64 },
    #[error("too many messages at once")]
    ChatTooFast,
    #[error("only ticket holders may enter this live room")]
    TicketRequired,
    #[error("this gift is not paid for yet")]
    GiftNotPaid,
    #[error("this gift is for someone else, or already claimed")]
    GiftForSomeoneElse,
    #[error("only members whose membership includes this desk ask without paying")]
    NotAMember,
    #[error("the membership's {allowed} questions in {days} days are used")]
    MemberQuestionsUsed { allowed: i64, days: i64 },
    #[error("webhook refused: {0}")]
    WebhookRejected(String),
    #[error("a refund of this order is in progress")]
    RefundInProgress,
    #[error("only a paid order can be refunded")]
    NotRefundable,
    #[error("the refund window of {days} days has passed")]
    RefundWindowClosed { days: i64 },
    #[error("this live session is sold out")]
    SoldOut,
    #[error("only buyers may review a product")]
    ReviewRequiresPurchase,
    #[error("media link invalid or expired")]
    MediaLinkInvalid,
    #[error("e-mail already registered")]
    EmailTaken,
    #[error("product is not for sale")]
    NotForSale,
    #[error("product is free")]
    ProductIsFree,
    #[error("already owned")]
    AlreadyOwned,
    #[error("a gift addressed to its own buyer")]
    GiftToSelf,
    #[error("too many attempts; retry in {retry_after_s} s")]
    TooManyAttempts { retry_after_s: i64 },
    #[error("idempotency key reused for a different request")]
    IdempotencyKeyReused,
    #[error("payment declined: {0:?}")]
    PaymentDeclined(DeclineReason),
    #[error("a payment for this order is in progress")]
    PaymentInProgress,
    #[error("this provider takes payments on its own page")]
    PayOnProviderPage,
    #[error("this provider takes cards on Kenning's checkout page")]
    NoHostedCheckout,
    #[error("this question can no longer be answered")]
    QuestionClosed,
    #[error("upload larger than {max_bytes} bytes")]
    UploadTooLarge { max_bytes: usize },
    /// A PDF or EPUB larger than the copies marked for buyers may be.
    #[error("document larger than {max_bytes} bytes")]
    DocumentTooLarge { max_bytes: u64 },
    #[error("unsupported file type")]
    UnsupportedMedia,
    #[error("only a failed job can be retried")]
    JobNotFailed,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("this link was used already")]
    LinkUsed,
    #[error("this link has expired")]
    LinkExpired,
    #[error("this link is not valid")]
    LinkInvalid,
    #[error("this address is confirmed already")]
    AlreadyVerified,
    #[error("mail server unavailable: {0}")]
    MailUnavailable(String),
    #[error("an application is pending")]
    ApplicationPending,
    #[error("already a creator")]
    AlreadyCreator,
    #[error("the application was decided already")]
    ApplicationDecided,
    #[error("the account is suspended")]
    AccountSuspended,
    #[error("operators cannot suspend themselves or change their own role")]
    CannotChangeSelf,
    #[error("creators and operators cannot delete their own account")]
    RoleCannotDelete,
    #[error("a code from the authenticator app is needed")]
    TwoFactorRequired,
    #[error("wrong or used two-step code")]
    InvalidTwoFactorCode,
    #[error("this lesson was bought on its own")]
    LessonSold,
    #[error("two-step sign-in is on already")]
    TwoFactorOn,
    #[error("orders used this coupon: it can be ended, not deleted")]
    CouponInUse,
    #[error("an operator took this product off sale; it can be published once they allow it")]
    ProductHeld,
    #[error("an operator took this product off sale already")]
    AlreadyHeld,
    #[error(transparent)]
    PaymentProvider(#[from] PaymentError),
    #[error("file storage unavailable: {0}")]
    StorageUnavailable(String),
    #[error("search unavailable: {0}")]
    SearchUnavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(e) => e.code(),
            AppError::NotFound(_) => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden => "forbidden",
            AppError::PurchaseRequired => "purchase_required",
            AppError::NotYetReleased { .. } => "lesson_not_released",
            AppError::ReviewRequiresPurchase => "review_requires_purchase",
            AppError::TicketRequired => "ticket_required",
            AppError::ChatTooFast => "chat_too_fast",
            AppError::SoldOut => "sold_out",
            AppError::NotRefundable => "not_refundable",
            AppError::RefundInProgress => "refund_in_progress",
            AppError::WebhookRejected(_) => "webhook_rejected",
            AppError::GiftNotPaid => "gift_not_paid",
            AppError::GiftForSomeoneElse => "gift_for_someone_else",
            AppError::NotAMember => "not_a_member",
            AppError::MemberQuestionsUsed { .. } => "member_questions_used",
            AppError::RefundWindowClosed { .. } => "refund_window_closed",
            AppError::MediaLinkInvalid => "media_link_invalid",
            AppError::EmailTaken => "email_taken",
            AppError::NotForSale => "not_for_sale",
            AppError::ProductIsFree => "product_is_free",
            AppError::AlreadyOwned => "already_owned",
            AppError::GiftToSelf => "gift_to_self",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::IdempotencyKeyReused => "idempotency_key_reused",
            AppError::PaymentDeclined(DeclineReason::CardDeclined) => "card_declined",
            AppError::PaymentDeclined(DeclineReason::InsufficientFunds) => "insufficient_funds",
            AppError::PaymentInProgress => "payment_in_progress",
            AppError::PayOnProviderPage => "pay_on_provider_page",
            AppError::NoHostedCheckout => "no_hosted_checkout",
            AppError::QuestionClosed => "question_closed",
            AppError::UploadTooLarge { .. } => "upload_too_large",
            AppError::DocumentTooLarge { .. } => "document_too_large",
            AppError::UnsupportedMedia => "unsupported_media",
            AppError::JobNotFailed => "job_not_failed",
            AppError::WrongPassword => "wrong_password",
            AppError::LinkUsed => "link_used",
            AppError::LinkExpired => "link_expired",
            AppError::LinkInvalid => "link_invalid",
            AppError::AlreadyVerified => "already_verified",
            AppError::MailUnavailable(_) => "mail_unavailable",
            AppError::ApplicationPending => "application_pending",
            AppError::AlreadyCreator => "already_creator",
            AppError::ApplicationDecided => "application_decided",
            AppError::AccountSuspended => "account_suspended",
            AppError::CannotChangeSelf => "cannot_change_self",
            AppError::RoleCannotDelete => "role_cannot_delete",
            AppError::TwoFactorRequired => "two_factor_required",
            AppError::InvalidTwoFactorCode => "invalid_two_factor_code",
            AppError::LessonSold => "lesson_sold",
            AppError::TwoFactorOn => "two_factor_on",
            AppError::CouponInUse => "coupon_in_use",
            AppError::ProductHeld => "product_held",
            AppError::AlreadyHeld => "already_held",
            AppError::PaymentProvider(PaymentError::Unavailable(_)) => {
                "payment_provider_unavailable"
            }
            AppError::PaymentProvider(PaymentError::Refused(_) | PaymentError::Malformed(_)) => {
                "payment_provider_error"
            }
            AppError::PaymentProvider(PaymentError::Unsupported) => "payment_unsupported",
            AppError::StorageUnavailable(_) => "storage_unavailable",
            AppError::SearchUnavailable(_) => "search_unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Invalid(_) => ErrorKind::Invalid,
            AppError::WebhookRejected(_) => ErrorKind::BadRequest,
            AppError::ChatTooFast | AppError::TooManyAttempts { .. } => ErrorKind::TooManyRequests,
            AppError::NotFound(_) => ErrorKind::NotFound,
            AppError::Unauthenticated
            | AppError::InvalidCredentials
            | AppError::TwoFactorRequired
            | AppError::InvalidTwoFactorCode => ErrorKind::Unauthenticated,
            AppError::Forbidden
            | AppError::PurchaseRequired
            | AppError::NotYetReleased { .. }
            | AppError::ReviewRequiresPurchase
            | AppError::TicketRequired
            | AppError::GiftForSomeoneElse
            | AppError::NotAMember
            | AppError::MediaLinkInvalid
            | AppError::WrongPassword
            | AppError::AccountSuspended => ErrorKind::Forbidden,
            AppError::LinkUsed | AppError::LinkExpired | AppError::LinkInvalid => ErrorKind::Gone,
            AppError::EmailTaken
            | AppError::NotForSale
            | AppError::ProductIsFree
            | AppError::AlreadyOwned
            | AppError::GiftToSelf
            | AppError::SoldOut
            | AppError::NotRefundable
            | AppError::GiftNotPaid
            | AppError::MemberQuestionsUsed { .. }
            | AppError::RefundInProgress
            | AppError::RefundWindowClosed { .. }
            | AppError::IdempotencyKeyReused
            | AppError::PaymentInProgress
            | AppError::PayOnProviderPage
            | AppError::NoHostedCheckout
            | AppError::QuestionClosed
            | AppError::JobNotFailed
            | AppError::AlreadyVerified
            | AppError::ApplicationPending
            | AppError::AlreadyCreator
            | AppError::ApplicationDecided
            | AppError::CannotChangeSelf
            | AppError::RoleCannotDelete
            | AppError::LessonSold
            | AppError::TwoFactorOn
            | AppError::CouponInUse
            | AppError::ProductHeld
            | AppError::AlreadyHeld => ErrorKind::Conflict,
            AppError::PaymentDeclined(_) => ErrorKind::PaymentRequired,
            AppError::UploadTooLarge { .. } | AppError::DocumentTooLarge { .. } => {
                ErrorKind::TooLarge
            }
            AppError::UnsupportedMedia => ErrorKind::UnsupportedMedia,
            AppError::PaymentProvider(PaymentError::Unsupported) => ErrorKind::Conflict,
            AppError::PaymentProvider(PaymentError::Unavailable(_))
            | AppError::StorageUnavailable(_)
            | AppError::SearchUnavailable(_)
            | AppError::MailUnavailable(_) => ErrorKind::Unavailable,
            AppError::PaymentProvider(PaymentError::Refused(_) | PaymentError::Malformed(_)) => {
                ErrorKind::BadGateway
            }
            AppError::Internal(_) => ErrorKind::Internal,
        }
    }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Unavailable(_) => AppError::StorageUnavailable(e.to_string()),
            // Kenning's own records or keys disagree with storage, or a sender went
            // away mid-upload: nothing the person can change.
            StorageError::Missing(_)
            | StorageError::InvalidKey(_)
            | StorageError::Interrupted(_) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<IndexError> for AppError {
    fn from(e: IndexError) -> Self {
        AppError::SearchUnavailable(e.to_string())
    }
}

/// Storage failures become application errors here, exhaustively: a new variant forces a
/// decision.
impl From<crate::ports::DocumentError> for AppError {
    fn from(e: crate::ports::DocumentError) -> AppError {
        match e {
            crate::ports::DocumentError::TooLarge { limit } => {
                AppError::DocumentTooLarge { max_bytes: limit }
            }
            e => AppError::Internal(e.to_string()),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound("record"),
            StoreError::Duplicate => AppError::Internal("unexpected duplicate".into()),
            StoreError::Conflict => AppError::Internal("concurrent update".into()),
            StoreError::Corrupt(msg) => AppError::Internal(format!("corrupt row: {msg}")),
            StoreError::Backend(msg) => AppError::Internal(msg),
        }
    }
}
