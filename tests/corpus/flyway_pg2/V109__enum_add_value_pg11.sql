ALTER TYPE order_state ADD VALUE 'on_hold';
