ALTER TABLE `users` ADD `email` varchar(255);
CREATE INDEX `index_users_on_email` ON `users` (`email`);
