SET lock_timeout = '5s';
VACUUM (FULL on, VERBOSE) invoices;
