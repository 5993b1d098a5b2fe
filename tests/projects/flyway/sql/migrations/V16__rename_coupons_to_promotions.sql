ALTER TABLE coupons RENAME TO promotions;
