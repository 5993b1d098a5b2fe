SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders ADD INDEX orders_note_idx (note(20)), LOCK=EXCLUSIVE;
