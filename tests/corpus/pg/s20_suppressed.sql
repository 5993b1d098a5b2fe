SET lock_timeout = '5s';
-- dbmig:ignore PG001 lookup table has 40 rows
CREATE INDEX countries_name_idx ON countries (name);
