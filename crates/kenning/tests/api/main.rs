//! Integration tests: the real server on a random loopback port, a fresh database per
//! test, driven over HTTP. Every scenario runs on SQLite, and on PostgreSQL when
//! KENNING_TEST_DATABASE_URL is set (required when CI=true).

mod helpers;
mod mailbox;

mod accounts;
mod accounts_mail;
mod audit_log;
mod bundles;
mod catalog;
mod certificates;
mod cli;
mod coupons;
mod crash;
mod demo;
mod drip;
mod fit_and_finish;
mod gifts;
mod hardening;
mod held_once;
mod input;
mod jobs;
mod live;
mod media;
mod memberships;
mod moderation;
mod notifications;
mod openapi;
mod operators;
mod orders;
mod outline;
mod pages;
mod pay_per_use;
mod profiles;
mod questions;
mod recommendations;
mod refunds;
mod revenue;
mod reviews;
mod round_trips;
mod s3;
mod sales;
mod search;
mod search_relevance;
mod storefront;
mod stripe_checkout;
mod throttle;
mod webhooks;
