SET lock_timeout = '5s';
SET statement_timeout = '10min';
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE room_bookings
  ADD CONSTRAINT room_bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);
