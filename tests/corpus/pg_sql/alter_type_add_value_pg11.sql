BEGIN;
ALTER TYPE invoice_state ADD VALUE 'void';
COMMIT;
