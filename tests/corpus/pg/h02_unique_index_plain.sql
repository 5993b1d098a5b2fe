SET lock_timeout = '5s';
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
