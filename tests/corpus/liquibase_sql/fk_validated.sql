--liquibase formatted sql

--changeset bob:payments-1
SET lock_timeout = '5s';
ALTER TABLE payments ADD CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
--rollback ALTER TABLE payments DROP CONSTRAINT payments_order_fk;
