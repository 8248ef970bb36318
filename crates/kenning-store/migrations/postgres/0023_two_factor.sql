-- Two-step sign-in: a TOTP secret (base32) once confirmed, the one being set up, and
-- the last 30-second step a code was taken for (a code works once).
ALTER TABLE accounts ADD COLUMN totp_secret TEXT;
ALTER TABLE accounts ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT;

-- Recovery codes, kept as their SHA-256; each works once.
CREATE TABLE recovery_codes (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at_ms BIGINT,
    PRIMARY KEY (account_id, code_hash)
);

-- The step between a right password and the code: a short-lived challenge.
CREATE TABLE login_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at_ms BIGINT NOT NULL
);
