SET lock_timeout = '5s';
-- dbmig:ignore PG001 lookup table has 40 rows
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX countries_name_idx ON countries (name);
