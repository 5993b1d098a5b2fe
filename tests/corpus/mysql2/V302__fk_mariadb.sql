SET SESSION lock_wait_timeout = 5;
ALTER TABLE invoice_lines ADD FOREIGN KEY (invoice_id) REFERENCES invoices (id);
