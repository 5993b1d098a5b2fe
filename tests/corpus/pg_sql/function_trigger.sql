CREATE TABLE invoice_audit (id bigserial PRIMARY KEY, invoice_id bigint, changed_at timestamptz DEFAULT now());
CREATE OR REPLACE FUNCTION invoice_audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO invoice_audit (invoice_id) VALUES (NEW.id);
  RETURN NEW;
END $$;
CREATE TRIGGER invoice_audit_trg AFTER UPDATE ON invoice_audit FOR EACH ROW EXECUTE FUNCTION invoice_audit_fn();
