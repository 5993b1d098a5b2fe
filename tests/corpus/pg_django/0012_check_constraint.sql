BEGIN;
--
-- Create constraint percent_range on model coupon
--
ALTER TABLE "shop_order" ADD CONSTRAINT "total_non_negative" CHECK ("total" >= 0);
COMMIT;
