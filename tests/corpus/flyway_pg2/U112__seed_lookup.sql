DELETE FROM order_states WHERE code = 'on_hold';
