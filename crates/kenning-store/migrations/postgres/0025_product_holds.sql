-- Products an operator took off sale, with the reason their creator is told; while a
-- row is here the creator cannot publish the product again.
CREATE TABLE product_holds (
    product_id TEXT PRIMARY KEY NOT NULL REFERENCES products (id),
    reason TEXT NOT NULL,
    held_by TEXT NOT NULL REFERENCES accounts (id),
    held_at_ms BIGINT NOT NULL
);
