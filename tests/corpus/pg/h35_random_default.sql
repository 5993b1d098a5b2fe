SET lock_timeout = '5s';
ALTER TABLE experiments ADD COLUMN bucket double precision DEFAULT random();
