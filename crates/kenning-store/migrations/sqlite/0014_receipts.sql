-- Receipt (invoice) numbers: one unbroken series per calendar year, taken in the same
-- transaction that marks the order paid.
CREATE TABLE receipt_counters (
    year BIGINT PRIMARY KEY NOT NULL,
    last_sequence BIGINT NOT NULL
);
ALTER TABLE orders ADD COLUMN receipt_year BIGINT;
ALTER TABLE orders ADD COLUMN receipt_sequence BIGINT;
CREATE UNIQUE INDEX orders_receipt_number ON orders (receipt_year, receipt_sequence);
