-- Accounts, sessions, catalog, orders, payments, entitlements and the ledger.
-- Times are UTC milliseconds since the Unix epoch. Money is integer minor units.
-- Booleans are BOOLEAN (the SQLite schema uses INTEGER 0/1).
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('learner', 'creator', 'admin')),
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE products (
    id TEXT PRIMARY KEY NOT NULL,
    creator_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'unpublished')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    languages TEXT NOT NULL,
    tags TEXT NOT NULL,
    cover_key TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    published_at_ms BIGINT
);
CREATE INDEX products_status_published ON products (status, published_at_ms);
CREATE INDEX products_creator ON products (creator_id);

CREATE TABLE product_prices (
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    position BIGINT NOT NULL,
    PRIMARY KEY (product_id, currency)
);

CREATE TABLE chapters (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX chapters_product ON chapters (product_id, position);

CREATE TABLE lessons (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    chapter_id TEXT REFERENCES chapters (id) ON DELETE SET NULL,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    preview BOOLEAN NOT NULL
);
CREATE INDEX lessons_product ON lessons (product_id, position);

CREATE TABLE orders (
    id TEXT PRIMARY KEY NOT NULL,
    buyer_id TEXT NOT NULL REFERENCES accounts (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'paid')),
    idempotency_key TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    paid_at_ms BIGINT,
    UNIQUE (buyer_id, idempotency_key)
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders (id),
    provider TEXT NOT NULL,
    provider_reference TEXT,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    failure_code TEXT,
    card_last4 TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX payments_order ON payments (order_id);

CREATE TABLE entitlements (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    source TEXT NOT NULL,
    order_id TEXT REFERENCES orders (id),
    granted_at_ms BIGINT NOT NULL,
    UNIQUE (account_id, product_id)
);

CREATE TABLE ledger_transactions (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    order_id TEXT REFERENCES orders (id),
    created_at_ms BIGINT NOT NULL,
    UNIQUE (kind, order_id)
);

CREATE TABLE ledger_postings (
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    line BIGINT NOT NULL,
    account_code TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (transaction_id, line)
);
CREATE INDEX ledger_postings_account ON ledger_postings (account_code, currency);
