SET lock_timeout = '5s';
ALTER TABLE "orders" ADD CONSTRAINT "fk_rails_3dad120da3"
FOREIGN KEY ("account_id")
  REFERENCES "accounts" ("id")
 NOT VALID;
