BEGIN;
--
-- Rename field zip on address to postal_code
--
ALTER TABLE "shop_address" RENAME COLUMN "zip" TO "postal_code";
COMMIT;
