--liquibase formatted sql

--changeset dave:shipments-3
SET SESSION lock_wait_timeout = 5;
ALTER TABLE shipments MODIFY tracking_no VARCHAR(60) NULL, ALGORITHM=INPLACE, LOCK=NONE;
--rollback ALTER TABLE shipments MODIFY tracking_no VARCHAR(32) NULL;
