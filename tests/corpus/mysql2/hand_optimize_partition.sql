SET SESSION lock_wait_timeout = 5;
OPTIMIZE TABLE payments;
