SET lock_timeout = '5s';
ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
