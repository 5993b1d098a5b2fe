BEGIN;
SET LOCAL lock_timeout = '3s';
SET LOCAL statement_timeout = '30s';
--
-- Alter field email on customer
--
ALTER TABLE "shop_customer" ALTER COLUMN "email" TYPE varchar(320);
COMMIT;
