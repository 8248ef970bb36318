-- Attempts at guessable doors (failed logins per account, guessable requests per client
-- address), counted per fixed window in the database so that every node sees one count.
CREATE TABLE throttle_counters (
    key TEXT NOT NULL,
    window_start_ms BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (key, window_start_ms)
);
