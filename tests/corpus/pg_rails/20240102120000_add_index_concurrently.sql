SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY "index_users_on_created_at" ON "users" ("created_at");
