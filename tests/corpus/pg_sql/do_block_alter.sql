SET lock_timeout = '5s';
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'invoices' AND column_name = 'due_on') THEN
    ALTER TABLE invoices ADD COLUMN due_on date NOT NULL;
  END IF;
END $$;
