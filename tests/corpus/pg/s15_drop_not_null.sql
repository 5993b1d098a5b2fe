SET lock_timeout = '5s';
ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;
