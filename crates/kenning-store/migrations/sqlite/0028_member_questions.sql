-- Questions members ask through a membership that includes the desk: no order pays for
-- them, so `order_id` may be empty; one left unanswered past its deadline expires
-- (there is nothing to refund). SQLite cannot relax a column or a check in place: the
-- table is rebuilt with its rows.
CREATE TABLE questions_next (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT UNIQUE REFERENCES orders (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    asker_id TEXT NOT NULL REFERENCES accounts (id),
    creator_id TEXT NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL,
    answer TEXT,
    status TEXT NOT NULL CHECK (status IN ('asked', 'answered', 'refunded', 'expired')),
    created_at_ms BIGINT NOT NULL,
    answered_at_ms BIGINT
);
INSERT INTO questions_next (id, order_id, product_id, asker_id, creator_id, body, answer,
    status, created_at_ms, answered_at_ms)
SELECT id, order_id, product_id, asker_id, creator_id, body, answer, status, created_at_ms,
    answered_at_ms FROM questions;
DROP TABLE questions;
ALTER TABLE questions_next RENAME TO questions;
CREATE INDEX questions_creator ON questions (creator_id, created_at_ms);
CREATE INDEX questions_asker ON questions (asker_id, created_at_ms);
