-- The CRM import is finished; nothing reads legacy_code any more.
ALTER TABLE customers DROP COLUMN legacy_code;
