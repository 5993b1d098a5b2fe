BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE invoices ADD COLUMN paid_at timestamptz;
BEGIN;
UPDATE invoices SET paid_at = updated_at WHERE id BETWEEN 1 AND 1000;
COMMIT;
ALTER TABLE invoices ADD COLUMN paid_by bigint;
COMMIT;
