SET SESSION lock_wait_timeout = 5;
ALTER TABLE `users` ADD `nickname` varchar(50) AFTER `name`;
