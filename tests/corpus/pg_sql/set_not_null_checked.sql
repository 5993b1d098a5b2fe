SET lock_timeout = '5s';
SET statement_timeout = '1min';
ALTER TABLE "Invoices" ADD CONSTRAINT "Invoices_due_nn" CHECK ("due_on" IS NOT NULL) NOT VALID;
COMMIT;
ALTER TABLE "Invoices" VALIDATE CONSTRAINT "Invoices_due_nn";
COMMIT;
ALTER TABLE "Invoices" ALTER COLUMN "due_on" SET NOT NULL;
ALTER TABLE "Invoices" DROP CONSTRAINT "Invoices_due_nn";
