BEGIN;
--
-- Alter field total on order
--
ALTER TABLE "shop_order" ALTER COLUMN "total" TYPE bigint USING "total"::bigint;
COMMIT;
