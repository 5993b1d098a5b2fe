--liquibase formatted sql

--changeset alice:orders-2
CREATE INDEX CONCURRENTLY orders_coupon_idx ON orders (coupon_code);
--rollback DROP INDEX CONCURRENTLY orders_coupon_idx;
