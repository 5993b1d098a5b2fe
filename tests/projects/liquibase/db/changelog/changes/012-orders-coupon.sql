--liquibase formatted sql

--changeset carol:012-1
ALTER TABLE orders ADD COLUMN coupon_code VARCHAR(32);
--rollback ALTER TABLE orders DROP COLUMN coupon_code;

--changeset carol:012-2
ALTER TABLE orders ADD CONSTRAINT fk_orders_coupon FOREIGN KEY (coupon_code) REFERENCES coupons (code);
--rollback ALTER TABLE orders DROP CONSTRAINT fk_orders_coupon;
