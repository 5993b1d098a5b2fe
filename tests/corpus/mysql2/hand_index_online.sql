SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders ADD INDEX orders_placed_idx (placed_at), ALGORITHM=INPLACE, LOCK=NONE;
