SET lock_timeout = '5s';
SET statement_timeout = '30min';
REINDEX (VERBOSE, CONCURRENTLY false) INDEX invoices_customer_idx;
