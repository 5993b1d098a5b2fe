UPDATE orders SET total_cents = total * 100
WHERE id >= 1 AND id < 1001 AND total_cents IS NULL;
