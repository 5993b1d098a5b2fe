CREATE OR REPLACE VIEW active_products AS
SELECT id, sku, title, price, stock FROM products WHERE active = TRUE;
