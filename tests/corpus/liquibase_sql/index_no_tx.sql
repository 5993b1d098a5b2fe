--liquibase formatted sql

--changeset alice:orders-3 runInTransaction:false
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_coupon_idx ON orders (coupon_code);
--rollback DROP INDEX CONCURRENTLY IF EXISTS orders_coupon_idx;
