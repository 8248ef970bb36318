//! Use cases over the real store (SQLite, a file per test) with every other port faked
//! in memory (`kenning_app::testing`): payments, the clock, search, recommendations,
//! media and documents. Fast, and able to say what the app asked of each port.

mod support;

mod accounts;
mod checkout;
mod media;
mod memberships;
mod recommendations;
mod refunds;
mod search;
