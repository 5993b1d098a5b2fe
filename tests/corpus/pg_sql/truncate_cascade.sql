SET lock_timeout = '5s';
TRUNCATE TABLE sessions, session_events CASCADE;
