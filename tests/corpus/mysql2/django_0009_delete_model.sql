SET SESSION lock_wait_timeout = 5;
DROP TABLE `shop_wishlist` CASCADE;
