CREATE TABLE shipments (id BIGINT PRIMARY KEY, tracking_no VARCHAR(32) NULL, notes TEXT);
