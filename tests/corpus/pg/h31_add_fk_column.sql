SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id);
