SET SESSION lock_wait_timeout = 5;
ALTER TABLE `orders` ADD CONSTRAINT `fk_rails_3dad120da3`
FOREIGN KEY (`account_id`)
  REFERENCES `accounts` (`id`);
