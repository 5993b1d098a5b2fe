--liquibase formatted sql

--changeset carol:states-1
ALTER TYPE payment_state RENAME VALUE 'canceled' TO 'cancelled';
--rollback ALTER TYPE payment_state RENAME VALUE 'cancelled' TO 'canceled';
