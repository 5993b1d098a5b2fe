SET SESSION lock_wait_timeout = 5;
ALTER TABLE `shop_coupon` MODIFY `code` varchar(100) NOT NULL;
