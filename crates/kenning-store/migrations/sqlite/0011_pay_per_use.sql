-- Pay-per-use (按需付费): a lesson sold on its own, and who bought which lesson.

-- A lesson's own prices; a lesson without any is only sold with its product.
CREATE TABLE lesson_prices (
    lesson_id TEXT NOT NULL REFERENCES lessons (id),
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    PRIMARY KEY (lesson_id, currency)
);

-- An order for one lesson names it (product_id stays the lesson's product).
ALTER TABLE orders ADD COLUMN lesson_id TEXT REFERENCES lessons (id);

-- Lessons bought on their own, each from a paid order.
CREATE TABLE lesson_entitlements (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    lesson_id TEXT NOT NULL REFERENCES lessons (id),
    order_id TEXT NOT NULL REFERENCES orders (id),
    granted_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, lesson_id)
);
CREATE INDEX lesson_entitlements_order ON lesson_entitlements (order_id);
