ALTER TABLE "orders" ADD "account_id" bigint;
CREATE INDEX "index_orders_on_account_id" ON "orders" ("account_id");
ALTER TABLE "orders" ADD CONSTRAINT "fk_rails_3dad120da3"
FOREIGN KEY ("account_id")
  REFERENCES "accounts" ("id")
;
