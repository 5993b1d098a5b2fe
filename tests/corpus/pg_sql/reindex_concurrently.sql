SET lock_timeout = '5s';
REINDEX (CONCURRENTLY) INDEX invoices_customer_idx;
