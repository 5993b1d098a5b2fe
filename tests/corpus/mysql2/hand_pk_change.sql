SET SESSION lock_wait_timeout = 5;
ALTER TABLE payment_items DROP PRIMARY KEY, ADD PRIMARY KEY (payment_id, line_no);
