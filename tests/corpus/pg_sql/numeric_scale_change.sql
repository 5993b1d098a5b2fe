SET lock_timeout = '5s';
SET statement_timeout = '1min';
ALTER TABLE invoices ALTER COLUMN amount TYPE numeric(12, 4);
