BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE "shop_customer" ALTER COLUMN "email" TYPE varchar(100);
COMMIT;
