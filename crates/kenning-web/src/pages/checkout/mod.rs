//! Buying from the site, by resource: orders and paying them (`orders`), the library
//! and what is managed from it (`library`), and gifts (`gifts`).

mod gifts;
mod library;
mod orders;

pub use gifts::{claim_gift, gift};
pub use library::{cancel_membership, library, resume_membership, rotate_feed};
pub use orders::{back_to_order, buy, claim, order, pay, pay_hosted};
