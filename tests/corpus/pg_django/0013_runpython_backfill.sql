BEGIN;
--
-- Raw SQL operation
--
UPDATE "shop_order" SET "status" = 'legacy' WHERE "status" IS NULL;
COMMIT;
