SET SESSION lock_wait_timeout = 5;
--
-- Add field customer to order
--
ALTER TABLE `shop_order` ADD COLUMN `customer_id` bigint NULL;
ALTER TABLE `shop_order` ADD CONSTRAINT `shop_order_customer_id_6f2bd2b1_fk_shop_customer_id` FOREIGN KEY (`customer_id`) REFERENCES `shop_customer` (`id`);
