-- Memberships: a tier is a product of kind 'membership'; its plan says how often it
-- renews and what it grants (everything of its creator, or the listed products).
CREATE TABLE membership_plans (
    product_id TEXT PRIMARY KEY NOT NULL REFERENCES products (id),
    billing_interval TEXT NOT NULL CHECK (billing_interval IN ('monthly', 'yearly')),
    all_of_creator BOOLEAN NOT NULL
);

CREATE TABLE membership_products (
    plan_id TEXT NOT NULL REFERENCES membership_plans (product_id),
    product_id TEXT NOT NULL REFERENCES products (id),
    PRIMARY KEY (plan_id, product_id)
);

-- One person's membership of one tier. Each paid period is an order of the tier; the
-- products it grants are entitlements with source 'subscription', removed when it ends.
CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES products (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    billing_interval TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'past_due', 'canceled', 'expired')),
    period_end_ms BIGINT NOT NULL,
    grace_until_ms BIGINT,
    retry_at_ms BIGINT,
    payment_method TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    UNIQUE (plan_id, account_id)
);
CREATE INDEX subscriptions_due ON subscriptions (status, period_end_ms);

ALTER TABLE entitlements ADD COLUMN subscription_id TEXT REFERENCES subscriptions (id);
