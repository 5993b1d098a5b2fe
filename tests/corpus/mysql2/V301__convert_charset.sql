SET SESSION lock_wait_timeout = 5;
ALTER TABLE invoices CONVERT TO CHARSET utf8mb4;
