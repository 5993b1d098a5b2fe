BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE invoices ADD COLUMN paid_at timestamptz;
UPDATE invoices SET paid_at = updated_at WHERE id = 42;
