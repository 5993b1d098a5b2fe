SET lock_timeout = '5s';
CREATE INDEX "Invoices_CustomerId_idx" ON "Invoices" ("CustomerId");
