SET lock_timeout = '5s';
ALTER SCHEMA billing RENAME TO invoicing;
