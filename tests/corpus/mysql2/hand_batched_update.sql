UPDATE payments SET currency = 'EUR' WHERE currency IS NULL LIMIT 1000;
