UPDATE users SET newsletter = false;
