//! Page models: everything one page shows, from one call that returns a named
//! struct. Independent parts are read concurrently; what everyone sees comes from the
//! catalog cache (see [`crate::cache`]); what one person holds is read in as few round
//! trips as the page allows (a product page's holdings are kept until anything held
//! changes, [`crate::cache::HoldingsCache`]). The web layer only words and renders them.

pub mod account;
pub mod admin;
pub mod catalog;
pub mod earnings;
pub mod home;
pub mod lesson;
pub mod library;
pub mod product;
pub mod questions;
pub mod search;
pub mod studio;
