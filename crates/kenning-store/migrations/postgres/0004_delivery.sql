-- Delivery: drip release, certificates of completion, per-buyer marked copies of
-- documents, and live sessions with their chat.

-- A lesson opens N days after the person got the product, or on a date (both NULL:
-- at once).
ALTER TABLE lessons ADD COLUMN release_after_days BIGINT;
ALTER TABLE lessons ADD COLUMN release_at_ms BIGINT;

-- One certificate per person and product. The id is the public verification code;
-- names and title are kept as they read on the day it was issued.
CREATE TABLE certificates (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    holder_name TEXT NOT NULL,
    creator_name TEXT NOT NULL,
    product_title TEXT NOT NULL,
    lessons BIGINT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    UNIQUE (account_id, product_id)
);

-- A PDF or EPUB marked for one buyer, made on first download and kept.
CREATE TABLE marked_copies (
    media_id TEXT NOT NULL REFERENCES media (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    object_key TEXT NOT NULL UNIQUE,
    bytes BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (media_id, account_id)
);

-- The schedule of a live-session product. Its ticket holders are those entitled to it
-- or to the product it is included in.
CREATE TABLE live_sessions (
    product_id TEXT PRIMARY KEY NOT NULL REFERENCES products (id),
    starts_at_ms BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    capacity BIGINT,
    stream_url TEXT NOT NULL,
    included_in TEXT REFERENCES products (id)
);
CREATE INDEX live_sessions_included ON live_sessions (included_in);

CREATE TABLE live_messages (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    question BOOLEAN NOT NULL,
    pinned BOOLEAN NOT NULL,
    answered BOOLEAN NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX live_messages_room ON live_messages (product_id, created_at_ms);
