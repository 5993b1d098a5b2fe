SET SESSION lock_wait_timeout = 5;
SELECT 1;
