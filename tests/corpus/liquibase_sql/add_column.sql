--liquibase formatted sql

--changeset alice:orders-1
SET lock_timeout = '5s';
SET statement_timeout = '1min';
ALTER TABLE orders ADD COLUMN coupon_code text;
--rollback ALTER TABLE orders DROP COLUMN coupon_code;
