--liquibase formatted sql

--changeset carol:004-1
CREATE INDEX ix_orders_customer ON orders (customer_id, placed_at);
--rollback DROP INDEX ix_orders_customer;

--changeset carol:004-2 dbms:postgresql
ALTER TABLE orders ADD CONSTRAINT ck_orders_status CHECK (status IN ('new', 'paid', 'shipped', 'cancelled'));
--rollback ALTER TABLE orders DROP CONSTRAINT ck_orders_status;

--changeset carol:004-3 dbms:mariadb,mysql
ALTER TABLE orders ADD CONSTRAINT ck_orders_status CHECK (status IN ('new', 'paid', 'shipped', 'cancelled'));
--rollback ALTER TABLE orders DROP CONSTRAINT ck_orders_status;
