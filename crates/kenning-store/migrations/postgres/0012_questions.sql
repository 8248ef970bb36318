-- Paid questions (付费问答): one question per order of a creator's consultation product.
-- It is the creator's to answer once the order is paid; an unanswered one is refunded
-- after seven days.
CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL UNIQUE REFERENCES orders (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    asker_id TEXT NOT NULL REFERENCES accounts (id),
    creator_id TEXT NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL,
    answer TEXT,
    status TEXT NOT NULL CHECK (status IN ('asked', 'answered', 'refunded')),
    created_at_ms BIGINT NOT NULL,
    answered_at_ms BIGINT
);
CREATE INDEX questions_creator ON questions (creator_id, created_at_ms);
CREATE INDEX questions_asker ON questions (asker_id, created_at_ms);
