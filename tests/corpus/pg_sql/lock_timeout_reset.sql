SET lock_timeout = '5s';
RESET lock_timeout;
ALTER TABLE invoices ADD COLUMN note text;
