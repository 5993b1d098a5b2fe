SET lock_timeout = '5s';
REINDEX INDEX CONCURRENTLY orders_customer_idx;
