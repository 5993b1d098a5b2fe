BEGIN;
--
-- Remove field fax from customer
--
ALTER TABLE "shop_customer" DROP COLUMN "fax" CASCADE;
COMMIT;
