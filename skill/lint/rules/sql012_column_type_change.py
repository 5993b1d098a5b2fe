import re

from . import IDENT, Example, Hit, rule

_PATTERNS = {
    "postgresql": re.compile(rf"ALTER\s+(?:COLUMN\s+)?({IDENT})\s+(?:SET\s+DATA\s+)?TYPE\b"),
    "sqlserver": re.compile(rf"ALTER\s+COLUMN\s+({IDENT})\s+(?!ADD\b|DROP\b)\w"),
    "oracle": re.compile(rf"MODIFY\s*\(?\s*({IDENT})\s+(?!NOT\b|NULL\b|DEFAULT\b|CONSTRAINT\b|VISIBLE\b|INVISIBLE\b|"
                         rf"ENCRYPT\b|DECRYPT\b)\w"),
}


@rule(id="SQL012-column-type-change", severity="warning", reason="rewrite",
      databases=("postgresql", "sqlserver", "oracle"),
      message="Changing a column's type rewrites or scans the whole table under an exclusive lock (blocking "
              "reads and writes) unless the change is binary-compatible (e.g. varchar(n) to a larger n or text); "
              "on PostgreSQL it also breaks clients with server-side prepared statements ('cached plan must not "
              "change result type') until they reconnect",
      safe_alternative="Add a new column of the new type, keep it in sync (trigger), backfill in batches, switch "
                       "reads and writes, then drop the old column; restating the same type with only NULL-ness "
                       "on SQL Server is a scan, not a rewrite.",
      ok=["ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';",
          Example("ALTER TABLE orders MODIFY (note NOT NULL);", database="oracle")],
      bad=["ALTER TABLE orders ALTER COLUMN amount TYPE numeric(12,2);",
           Example("ALTER TABLE orders ALTER COLUMN amount DECIMAL(12,2) NOT NULL;", database="sqlserver"),
           Example("ALTER TABLE orders MODIFY (amount NUMBER(12,2));", database="oracle")])
def check(view, ctx):
    pattern = _PATTERNS[ctx.database]
    if ctx.is_new_table(view):
        return
    for off, clause in view.clauses:
        m = pattern.match(clause)
        if m:
            yield Hit(off, f"{view.table}.{m.group(1).strip(chr(34)).lower()} changes type")
