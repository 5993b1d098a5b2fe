SET lock_timeout = '5s';
SET statement_timeout = '1min';
ALTER TABLE "users" ADD "confirmed_at" timestamp(6) DEFAULT now();
