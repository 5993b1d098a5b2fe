INSERT INTO products (id, sku, title, price, active) VALUES
    (1, 'MUG-001', 'Coffee mug', 9.50, TRUE),
    (2, 'TEE-002', 'T-shirt', 19.00, TRUE),
    (3, 'CAP-003', 'Cap; blue', 14.25, FALSE);
