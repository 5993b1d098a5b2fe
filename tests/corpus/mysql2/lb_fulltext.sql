--liquibase formatted sql

--changeset dave:shipments-2
SET SESSION lock_wait_timeout = 5;
CREATE FULLTEXT INDEX shipments_notes_ft ON shipments (notes);
--rollback DROP INDEX shipments_notes_ft ON shipments;
