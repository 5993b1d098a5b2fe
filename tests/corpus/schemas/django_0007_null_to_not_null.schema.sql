CREATE TABLE shop_coupon (id bigint PRIMARY KEY, code varchar(20) NOT NULL, label varchar(100));
