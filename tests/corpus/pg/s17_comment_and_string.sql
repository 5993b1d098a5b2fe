SET lock_timeout = '5s';
-- DROP TABLE users; (kept for reference)
COMMENT ON COLUMN users.email IS 'DELETE FROM users; is not run here';
