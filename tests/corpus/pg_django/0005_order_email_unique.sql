BEGIN;
--
-- Alter field email on customer
--
ALTER TABLE "shop_customer" ADD CONSTRAINT "shop_customer_email_key" UNIQUE ("email");
CREATE INDEX "shop_customer_email_2f4b6b9e_like" ON "shop_customer" ("email" varchar_pattern_ops);
COMMIT;
