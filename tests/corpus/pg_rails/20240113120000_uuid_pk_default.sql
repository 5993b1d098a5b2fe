SET lock_timeout = '5s';
ALTER TABLE "users" ADD "uuid" uuid DEFAULT gen_random_uuid() NOT NULL;
