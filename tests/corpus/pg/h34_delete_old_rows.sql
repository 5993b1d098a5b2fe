DELETE FROM events WHERE created_at < now() - interval '180 days';
