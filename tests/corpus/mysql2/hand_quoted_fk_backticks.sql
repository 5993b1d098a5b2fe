SET SESSION lock_wait_timeout = 5;
ALTER TABLE `order-items` ADD CONSTRAINT `fk order` FOREIGN KEY (`order id`) REFERENCES `orders` (`id`);
