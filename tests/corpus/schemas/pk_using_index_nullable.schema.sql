CREATE TABLE events (id bigint, payload jsonb);
CREATE UNIQUE INDEX events_id_idx ON events (id);
