-- Receipt (invoice) numbers: one unbroken series per calendar year. Paid orders are
-- numbered shortly after payment, in the order they were paid, by one numbering at a
-- time (row 0 of the counters is its lock); orders paid earlier are numbered then too.
CREATE TABLE receipt_counters (
    year BIGINT PRIMARY KEY NOT NULL,
    last_sequence BIGINT NOT NULL
);
ALTER TABLE orders ADD COLUMN receipt_year BIGINT;
ALTER TABLE orders ADD COLUMN receipt_sequence BIGINT;
CREATE UNIQUE INDEX orders_receipt_number ON orders (receipt_year, receipt_sequence);
CREATE INDEX orders_awaiting_receipt ON orders (paid_at_ms)
    WHERE status = 'paid' AND receipt_sequence IS NULL;
