SET SESSION lock_wait_timeout = 5;
ALTER TABLE payments ADD CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id), ALGORITHM=INPLACE, LOCK=NONE;
