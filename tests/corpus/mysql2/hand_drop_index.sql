SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders DROP INDEX orders_old_idx, ALGORITHM=INPLACE, LOCK=NONE;
