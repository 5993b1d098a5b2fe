--liquibase formatted sql

--changeset bob:payments-3
SET lock_timeout = '5s';
SET statement_timeout = '1min';
ALTER TABLE payments ADD CONSTRAINT payments_currency_len CHECK (char_length(currency) = 3) NOT VALID;
--rollback ALTER TABLE payments DROP CONSTRAINT payments_currency_len;

--changeset bob:payments-4
SET lock_timeout = '5s';
ALTER TABLE payments VALIDATE CONSTRAINT payments_currency_len;
--rollback SELECT 1;
