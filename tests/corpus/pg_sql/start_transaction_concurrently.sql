START TRANSACTION;
SET LOCAL lock_timeout = '5s';
CREATE INDEX CONCURRENTLY invoices_customer_idx ON invoices (customer_id);
COMMIT;
