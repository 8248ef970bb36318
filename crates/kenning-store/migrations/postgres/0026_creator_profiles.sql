-- What a creator's public page says about them (their approved application's biography
-- until they write one here).
CREATE TABLE creator_profiles (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id),
    bio TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
