CREATE TABLE shop_customer (id bigint PRIMARY KEY, bio varchar(500), email varchar(254));
