SET SESSION lock_wait_timeout = 5;
ALTER TABLE invoices DROP COLUMN memo;
