SET lock_timeout = '5s';
ALTER TABLE "products" ADD CONSTRAINT "price_check" CHECK (price > 0);
