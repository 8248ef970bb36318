-- Signals for recommendations besides purchases (entitlements): product page views and
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
