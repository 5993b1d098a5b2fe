BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN gift_note text;
COMMIT;
