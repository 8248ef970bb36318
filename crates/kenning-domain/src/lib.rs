//! The language of Kenning's business.
//!
//! Everything here is pure: no I/O, no async, no framework types. Other crates speak
//! these types; the store persists them, the web layer renders them.

// Money lives here: no panics on bad input, no silent numeric conversions.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions
)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod account;
pub mod audit;
pub mod bundle;
pub mod catalog;
pub mod certificate;
pub mod coupon;
pub mod creator;
pub mod discovery;
pub mod error;
pub mod fx;
pub mod gift;
pub mod ids;
pub mod jobs;
pub mod ledger;
pub mod live;
pub mod locale;
pub mod mail;
pub mod media;
pub mod money;
pub mod notification;
pub mod order;
pub mod paging;
pub mod question;
pub mod reminder;
pub mod revenue;
pub mod review;
pub mod sale;
pub mod statement;
pub mod subscription;
pub mod tax;
pub mod text;
pub mod throttle;

pub use error::DomainError;
