BEGIN;
SET LOCAL lock_timeout = '3s';
SET LOCAL statement_timeout = '30s';
--
-- Alter field bio on customer
--
ALTER TABLE "shop_customer" ALTER COLUMN "bio" TYPE text USING "bio"::text;
COMMIT;
