SET SESSION lock_wait_timeout = 5;
ALTER TABLE invoices ADD INDEX invoices_due_idx (due_on), ALGORITHM=INPLACE, LOCK=NONE;
