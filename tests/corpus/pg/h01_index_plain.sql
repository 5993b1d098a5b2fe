SET lock_timeout = '5s';
CREATE INDEX orders_customer_idx ON orders (customer_id);
