SET SESSION lock_wait_timeout = 5;
ALTER TABLE `shop_coupon` MODIFY `label` varchar(255);
