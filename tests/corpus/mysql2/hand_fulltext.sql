SET SESSION lock_wait_timeout = 5;
ALTER TABLE articles ADD FULLTEXT INDEX articles_body_ft (title, body);
