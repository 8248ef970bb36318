-- Reminders already sent (a renewal coming up, a live session starting soon), by the
-- key that names what each was about: the sweep that finds them sends each once.
CREATE TABLE reminders_sent (
    reminder_key TEXT PRIMARY KEY NOT NULL,
    sent_at_ms BIGINT NOT NULL
);
