SET lock_timeout = '5s';
SET statement_timeout = '5min';
ALTER TABLE measurements DETACH PARTITION measurements_2022;
