ALTER TABLE orders ADD COLUMN coupon_code VARCHAR(32);
ALTER TABLE orders ADD CONSTRAINT fk_orders_coupon FOREIGN KEY (coupon_code) REFERENCES coupons (code);
