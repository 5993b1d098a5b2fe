ALTER TABLE `shop_customer` ADD CONSTRAINT `shop_customer_email_key` UNIQUE (`email`);
