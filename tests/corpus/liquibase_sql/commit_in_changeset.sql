--liquibase formatted sql

--changeset bob:payments-2
SET lock_timeout = '5s';
ALTER TABLE payments ADD CONSTRAINT payments_amount_pos CHECK (amount > 0) NOT VALID;
COMMIT;
ALTER TABLE payments VALIDATE CONSTRAINT payments_amount_pos;
--rollback ALTER TABLE payments DROP CONSTRAINT payments_amount_pos;
