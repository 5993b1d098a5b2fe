SET lock_timeout = '5s';
SET statement_timeout = '1min';
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'invoices' AND column_name = 'memo') THEN
    ALTER TABLE invoices ADD COLUMN memo text;
  END IF;
END $$;
