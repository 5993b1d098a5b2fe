ALTER TABLE "users" ADD "email" character varying;
CREATE INDEX "index_users_on_email" ON "users" ("email");
