BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE "shop_order" ADD COLUMN "public_id" uuid DEFAULT gen_random_uuid() NOT NULL;
COMMIT;
