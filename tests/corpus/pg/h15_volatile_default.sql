SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN synced_at timestamptz DEFAULT clock_timestamp();
