ALTER TABLE "users" DROP COLUMN "legacy_token";
