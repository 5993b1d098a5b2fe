SET lock_timeout = '5s';
SET statement_timeout = '1min';
ALTER TABLE orders ADD COLUMN IF NOT EXISTS gift_wrap boolean DEFAULT false;
