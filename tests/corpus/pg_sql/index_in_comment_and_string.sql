SET lock_timeout = '5s';
-- TODO: CREATE INDEX invoices_paid_idx ON invoices (paid_at);
COMMENT ON TABLE invoices IS 'add CREATE INDEX invoices_paid_idx ON invoices (paid_at) later';
