SET lock_timeout = '5s';
ALTER TABLE "Invoices" ADD COLUMN "TotalCents" bigint GENERATED ALWAYS AS ("Amount" * 100) STORED;
