UPDATE users SET newsletter = 0;
