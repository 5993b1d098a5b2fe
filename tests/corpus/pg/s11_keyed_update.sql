UPDATE settings SET value = 'on' WHERE key = 'new_checkout';
