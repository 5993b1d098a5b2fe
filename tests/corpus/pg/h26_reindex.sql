SET lock_timeout = '5s';
REINDEX TABLE orders;
