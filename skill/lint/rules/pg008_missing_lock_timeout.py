import re

from . import Example, Hit, rule

# Statements that queue for a lock conflicting with ordinary reads or writes.
_LOCKING = re.compile(r"\s*(?:ALTER\s+TABLE|ALTER\s+INDEX|CREATE\s+(?:UNIQUE\s+)?INDEX(?!\s+CONCURRENTLY)|"
                      r"DROP\s+INDEX(?!\s+CONCURRENTLY)|DROP\s+TABLE|TRUNCATE|CLUSTER|VACUUM\s+FULL|"
                      r"VACUUM\s*\([^)]*FULL|REINDEX(?!.*CONCURRENTLY)|CREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER|"
                      r"DROP\s+TRIGGER|LOCK\s+TABLE|ALTER\s+TYPE)\b", re.S)
# Only takes SHARE UPDATE EXCLUSIVE, which readers and writers do not wait for.
_HARMLESS = re.compile(r"\s*ALTER\s+TABLE\b.*\bVALIDATE\s+CONSTRAINT\b", re.S)


@rule(id="PG008-missing-lock-timeout", severity="warning", reason="lock", databases=("postgresql",),
      message="DDL waits for its lock behind any long-running query, and while it waits every other query on "
              "the table queues behind it: without lock_timeout one slow report freezes the application",
      safe_alternative="Start the file with `SET lock_timeout = '5s';` (and retry the migration on timeout); "
                       "dbmig-generated migrations do this.",
      ok=["SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
          "CREATE TABLE items (id bigint);\nALTER TABLE items ADD COLUMN note text;",
          "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;"],
      bad=["ALTER TABLE orders ADD COLUMN note text;",
           Example("SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;  -- [bad]")])
def check(view, ctx):
    if ctx.lock_timeout or ctx.lock_timeout_reported or not _LOCKING.match(view.masked):
        return
    if _HARMLESS.match(view.masked) or ctx.is_new_table(view):
        return
    ctx.lock_timeout_reported = True      # once per file: the fix is one line at the top
    yield Hit(0, f"first blocking DDL in {ctx.file.basename if ctx.file else 'the file'}")
