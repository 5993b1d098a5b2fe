SET lock_timeout = '5s';
CLUSTER VERBOSE invoices USING invoices_customer_idx;
