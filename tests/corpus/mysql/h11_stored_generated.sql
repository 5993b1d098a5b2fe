SET SESSION lock_wait_timeout = 5;
ALTER TABLE orders ADD COLUMN total_dollars DECIMAL(12,2) AS (total_cents / 100) STORED;
