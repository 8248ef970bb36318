-- Gifts (赠送): an order paid by one person for someone named by e-mail. The buyer gets
-- the claim link to pass on; whoever signs in with that e-mail claims it once, and the
-- entitlement (source 'gift') points at the order that paid for it.
CREATE TABLE gifts (
    code TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL UNIQUE REFERENCES orders (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    buyer_id TEXT NOT NULL REFERENCES accounts (id),
    recipient_email TEXT NOT NULL,
    message TEXT NOT NULL,
    claimed_by TEXT REFERENCES accounts (id),
    claimed_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX gifts_buyer ON gifts (buyer_id, created_at_ms);
