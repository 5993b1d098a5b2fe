SET lock_timeout = '5s';
SET statement_timeout = '10min';
ALTER TABLE events ALTER COLUMN id SET NOT NULL;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;
ALTER TABLE events DROP CONSTRAINT events_id_not_null;
