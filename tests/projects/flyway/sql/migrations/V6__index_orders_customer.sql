-- Runs outside a transaction (see the .conf sidecar) so that PostgreSQL could build it
-- concurrently later; kept portable for MariaDB.
CREATE INDEX ix_orders_customer ON orders (customer_id, placed_on);
