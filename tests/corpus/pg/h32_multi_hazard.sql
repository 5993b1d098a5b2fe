ALTER TABLE invoices ADD COLUMN currency char(3) NOT NULL;
CREATE INDEX invoices_currency_idx ON invoices (currency);
