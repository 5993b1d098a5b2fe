BEGIN;
--
-- Rename model Basket to Cart
--
ALTER TABLE "shop_basket" RENAME TO "shop_cart";
COMMIT;
