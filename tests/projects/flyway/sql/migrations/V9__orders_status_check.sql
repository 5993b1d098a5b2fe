ALTER TABLE orders ADD CONSTRAINT ck_orders_status
    CHECK (status IN ('new', 'paid', 'shipped', 'cancelled'));
