-- Time-limited sale prices (限时折扣): a share off every price of a product until
-- ends_at_ms. One sale per product; a sale that has ended is simply ignored.
CREATE TABLE product_sales (
    product_id TEXT PRIMARY KEY NOT NULL REFERENCES products (id),
    bps BIGINT NOT NULL CHECK (bps BETWEEN 100 AND 9000),
    ends_at_ms BIGINT NOT NULL
);
