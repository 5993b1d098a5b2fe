SET SESSION lock_wait_timeout = 5;
--
-- Alter field code on coupon
--
ALTER TABLE `shop_coupon` MODIFY `code` varchar(60) NOT NULL;
