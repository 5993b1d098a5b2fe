--liquibase formatted sql

--changeset dave:shipments-1
SET SESSION lock_wait_timeout = 5;
ALTER TABLE shipments ADD COLUMN carrier VARCHAR(40) NULL, ALGORITHM=INSTANT;
--rollback ALTER TABLE shipments DROP COLUMN carrier;
