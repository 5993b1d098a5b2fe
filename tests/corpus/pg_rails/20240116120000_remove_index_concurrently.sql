SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS "index_users_on_email";
