SET SESSION lock_wait_timeout = 5;
ALTER TABLE users CHANGE name full_name VARCHAR(255) NOT NULL;
