UPDATE payments SET currency = 'EUR';
