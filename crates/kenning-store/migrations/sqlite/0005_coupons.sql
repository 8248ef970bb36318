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
