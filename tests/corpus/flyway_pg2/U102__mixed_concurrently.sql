DROP INDEX IF EXISTS orders_shipped_idx;
