SET lock_timeout = '5s';
SET statement_timeout = '1min';
ALTER TABLE "users" ALTER COLUMN "locale" SET DEFAULT 'en';
