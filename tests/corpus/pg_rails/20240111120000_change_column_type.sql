ALTER TABLE "events" ALTER COLUMN "id" TYPE bigint;
