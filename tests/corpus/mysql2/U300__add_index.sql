SET SESSION lock_wait_timeout = 5;
ALTER TABLE invoices DROP INDEX invoices_due_idx;
