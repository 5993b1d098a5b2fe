SET SESSION lock_wait_timeout = 5;
ALTER TABLE events DROP PRIMARY KEY, ADD PRIMARY KEY (id, created_at);
