-- Learning: media files attached to lessons, each person's progress through lessons, and
-- the secrets every node shares (the key that signs media links).
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    product_id TEXT NOT NULL REFERENCES products(id),
    lesson_id TEXT NOT NULL REFERENCES lessons(id),
    kind TEXT NOT NULL CHECK (kind IN ('video', 'audio', 'pdf', 'epub')),
    content_type TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    object_key TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX media_lesson ON media (lesson_id, created_at_ms);

CREATE TABLE lesson_progress (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    lesson_id TEXT NOT NULL REFERENCES lessons(id),
    product_id TEXT NOT NULL REFERENCES products(id),
    position_ms BIGINT NOT NULL,
    completed BOOLEAN NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, lesson_id)
);
CREATE INDEX lesson_progress_product ON lesson_progress (account_id, product_id, updated_at_ms);

CREATE TABLE secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- Personal podcast feeds: a feed address is signed with its version, so raising the
-- version (the person rotates their feed) revokes every older address.
CREATE TABLE feed_versions (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    product_id TEXT NOT NULL REFERENCES products(id),
    version BIGINT NOT NULL,
    PRIMARY KEY (account_id, product_id)
);
