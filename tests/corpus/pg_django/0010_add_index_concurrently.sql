--
-- Concurrently create index shop_order_created_idx on field(s) created of model order
--
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY "shop_order_created_idx" ON "shop_order" ("created");
