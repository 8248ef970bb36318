//! Paid orders as their sellers see them.

use kenning_domain::locale::LocalizedText;
use kenning_domain::order::Order;

/// A paid order as its seller sees it.
#[derive(Clone, Debug)]
pub struct SaleLine {
    pub order: Order,
    pub product_title: LocalizedText,
    pub buyer_email: String,
    /// What has been refunded of it.
    pub refunded_minor: i64,
}
