SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS orders_placed_idx;
