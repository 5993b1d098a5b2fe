INSERT INTO order_states (code, label) VALUES ('on_hold', 'On hold') ON CONFLICT (code) DO NOTHING;
