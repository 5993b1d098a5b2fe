SET lock_timeout = '5s';
ALTER TABLE legacy_imports ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
