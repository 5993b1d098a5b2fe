BEGIN;
SET LOCAL lock_timeout = '3s';
SET LOCAL statement_timeout = '30s';
--
-- Add field note to order
--
ALTER TABLE "shop_order" ADD COLUMN "note" text NULL;
COMMIT;
