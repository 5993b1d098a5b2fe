SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_shipped_idx ON orders (shipped_at);
