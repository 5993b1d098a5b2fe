CREATE TABLE events (id bigint, payload jsonb);
CREATE UNIQUE INDEX events_id_idx ON events (id);
ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL);
