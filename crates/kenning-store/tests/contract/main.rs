//! The store's contract: one set of cases, each run against `SqlStore` through the app's
//! port traits on SQLite (always) and on PostgreSQL (when KENNING_TEST_DATABASE_URL names
//! a server; required when CI=true, and a visible "skipped" line otherwise). Plus the
//! parity of the two backends' migrated schemas.

#[macro_use]
mod support;
mod fixtures;

mod accounts;
mod catalog;
mod coupons;
mod entitlements;
mod live;
mod memberships;
mod orders;
mod parity;
mod refunds;
mod throttle;
