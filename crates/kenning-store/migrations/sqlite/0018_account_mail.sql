-- The language a person is written to in, and whether they confirmed their address.
ALTER TABLE accounts ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE accounts ADD COLUMN email_verified_at_ms BIGINT;

-- Single-use links mailed to people, kept as the SHA-256 of their secret. A link is
-- used up by setting used_at_ms in the same transaction as what it does.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
    -- The new address a change-of-address link confirms.
    email TEXT,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT
);
CREATE INDEX account_tokens_account ON account_tokens (account_id);
