SET SESSION lock_wait_timeout = 5;
RENAME TABLE `shop_basket` TO `shop_cart`;
