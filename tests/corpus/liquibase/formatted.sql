--liquibase formatted sql

--changeset ann:20240501-6
SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders MODIFY COLUMN total DECIMAL(14,2) NOT NULL;
