import re

from . import IDENT, Example, Hit, added_columns, rule

_ADD = re.compile(rf"ADD\s+(?:CONSTRAINT\s+{IDENT}\s+)?(UNIQUE|PRIMARY\s+KEY)\b")


@rule(id="PG005-unique-or-pk-direct", severity="warning", reason="lock", databases=("postgresql",),
      message="Adding a UNIQUE or PRIMARY KEY constraint directly builds its index under an ACCESS EXCLUSIVE "
              "lock: no reads or writes for the whole build (a primary key also scans for NULLs)",
      safe_alternative="CREATE UNIQUE INDEX CONCURRENTLY first (outside a transaction), then ALTER TABLE ... ADD "
                       "CONSTRAINT name UNIQUE / PRIMARY KEY USING INDEX idx, which is instant.",
      ok=["ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE USING INDEX orders_ref_idx;",
          "CREATE TABLE items (id bigint);\nALTER TABLE items ADD PRIMARY KEY (id);"],
      bad=["ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref);",
           "ALTER TABLE orders ADD PRIMARY KEY (id);",
           Example("ALTER TABLE orders\n  ADD COLUMN ref text UNIQUE;  -- [bad]")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, clause in view.clauses:
        m = _ADD.match(clause)
        if m and not re.search(r"\bUSING\s+INDEX\b", clause):
            yield Hit(off, f"{' '.join(m.group(1).split()).lower()} on {view.table}")
    for off, definition in added_columns(view):
        if re.search(r"\bUNIQUE\b|\bPRIMARY\s+KEY\b", definition):
            yield Hit(off, f"new column {view.table}.{definition.split()[0].lower()} with an index")
