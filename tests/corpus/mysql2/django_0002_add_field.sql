--
-- Add field status to order
--
ALTER TABLE `shop_order` ADD COLUMN `status` varchar(20) DEFAULT 'new' NOT NULL;
ALTER TABLE `shop_order` ALTER COLUMN `status` DROP DEFAULT;
