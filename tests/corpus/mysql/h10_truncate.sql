SET SESSION lock_wait_timeout = 5;
TRUNCATE TABLE carts;
