SET SESSION lock_wait_timeout = 5;
CREATE SPATIAL INDEX stores_location_sidx ON stores (location);
