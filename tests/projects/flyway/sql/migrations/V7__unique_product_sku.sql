ALTER TABLE products ADD CONSTRAINT uq_products_sku UNIQUE (sku);
