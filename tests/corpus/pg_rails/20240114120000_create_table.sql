CREATE TABLE "api_keys" ("id" bigserial primary key, "user_id" bigint NOT NULL, "token" character varying NOT NULL, "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL);
CREATE UNIQUE INDEX "index_api_keys_on_token" ON "api_keys" ("token");
CREATE INDEX "index_api_keys_on_user_id" ON "api_keys" ("user_id");
ALTER TABLE "api_keys" ADD CONSTRAINT "fk_rails_32c28d0dc2"
FOREIGN KEY ("user_id")
  REFERENCES "users" ("id")
;
