--liquibase formatted sql

--changeset carol:payments-5
SET lock_timeout = '5s';
SET statement_timeout = '1min';
ALTER TABLE payments ADD COLUMN settled_at timestamptz;
