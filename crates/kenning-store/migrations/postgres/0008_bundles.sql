-- Bundles: a product of kind 'bundle' and the products it holds. Buying it grants each
-- item (entitlements with source 'bundle', pointing at the bundle's order).
CREATE TABLE bundle_items (
    bundle_id TEXT NOT NULL REFERENCES products (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    PRIMARY KEY (bundle_id, product_id)
);
