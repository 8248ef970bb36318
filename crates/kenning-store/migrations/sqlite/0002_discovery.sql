-- Discovery: signals for recommendations besides purchases (entitlements): product page views and
-- lesson study, one row per person, product and kind with a running count.
CREATE TABLE interactions (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    product_id TEXT NOT NULL REFERENCES products(id),
    kind TEXT NOT NULL CHECK (kind IN ('view', 'study')),
    times BIGINT NOT NULL,
    last_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, product_id, kind)
);

-- Named counters shared by every node; `search_generation` is raised to ask every node to
-- rebuild its search index (`kenning search reindex`).
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);

-- Reviews from verified buyers: one per person and product, replaced when rewritten.
-- Each product keeps the count and sum of its ratings, recomputed with every review, so
-- that listings and search can show and filter by the average without a join.
CREATE TABLE reviews (
    product_id TEXT NOT NULL REFERENCES products(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (product_id, account_id)
);
CREATE INDEX reviews_product_updated ON reviews (product_id, updated_at_ms);

ALTER TABLE products ADD COLUMN rating_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN rating_sum BIGINT NOT NULL DEFAULT 0;
