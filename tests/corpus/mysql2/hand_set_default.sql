SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';
