SET SESSION lock_wait_timeout = 5;
SET foreign_key_checks = 0;
ALTER TABLE `orders` ADD CONSTRAINT `fk_orders_account` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`), ALGORITHM=INPLACE, LOCK=NONE;
SET foreign_key_checks = 1;
