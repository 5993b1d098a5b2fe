SET lock_timeout = '5s';
ALTER TABLE order_items ALTER COLUMN quantity TYPE bigint;
