SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders RENAME INDEX orders_placed_idx TO orders_placed_at_idx, ALGORITHM=INPLACE, LOCK=NONE;
