-- Money: coupons and refunds.

-- Coupons: a code that takes a percentage (percent_bps) or a fixed amount
-- (amount_minor in currency) off one product (product_id) or every product of its
-- creator (product_id NULL). `uses` counts orders that took it; it never passes max_uses.
CREATE TABLE coupons (
    code TEXT PRIMARY KEY NOT NULL,
    creator_id TEXT NOT NULL REFERENCES accounts (id),
    product_id TEXT REFERENCES products (id),
    percent_bps BIGINT,
    amount_minor BIGINT,
    currency TEXT,
    max_uses BIGINT,
    uses BIGINT NOT NULL CHECK (uses >= 0),
    expires_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    CHECK (max_uses IS NULL OR uses <= max_uses),
    CHECK ((percent_bps IS NULL) <> (amount_minor IS NULL))
);
CREATE INDEX coupons_creator ON coupons (creator_id, created_at_ms);

-- What an order took off its price, and with which coupon (amount_minor stays the total
-- charged).
ALTER TABLE orders ADD COLUMN coupon_code TEXT REFERENCES coupons (code);
ALTER TABLE orders ADD COLUMN discount_minor BIGINT NOT NULL DEFAULT 0;

-- Refunds, full or partial: what was given back of an order, by whom and why. Their
-- sum never passes the order's total; an order refunded in full loses its entitlement.
CREATE TABLE refunds (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders (id),
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    reason TEXT NOT NULL,
    actor_id TEXT NOT NULL REFERENCES accounts (id),
    provider_reference TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX refunds_order ON refunds (order_id);

-- Held while a refund of the order is with the payment provider, so two refunds of one
-- order never run at once (a claim older than five minutes is abandoned and may be
-- taken again).
ALTER TABLE orders ADD COLUMN refund_claimed_at_ms BIGINT;

-- Payment-provider webhook events already handled: a second delivery changes nothing.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL
);
