import re

from ...sources import lazy_re
from . import IDENT, Example, Hit, rule

_RENAME = lazy_re(rf"RENAME\s+(?:COLUMN\s+({IDENT})|(?!TO\b|AS\b|CONSTRAINT\b|INDEX\b|KEY\b)({IDENT})\s+TO\b)")
_CHANGE = lazy_re(rf"CHANGE\s+(?:COLUMN\s+)?({IDENT})\s+({IDENT})")


@rule(id="SQL009-rename-column", severity="warning", reason="breaking change", rollback=False,
      nodes=("RenameStmt",),
      message="Renaming a column breaks every running app version that uses the old name, from the moment "
              "the migration commits until the new code is deployed everywhere",
      safe_alternative="Expand/contract: add the new column, write both (trigger or app), backfill in batches, "
                       "move reads, then drop the old column later; or put a view with the old name in front.",
      ok=["ALTER TABLE users RENAME CONSTRAINT users_pk TO users_pkey;",
          Example("ALTER TABLE users CHANGE COLUMN email email VARCHAR(320) NOT NULL;", database="mysql")],
      bad=["ALTER TABLE users RENAME COLUMN email TO email_address;",
           Example("ALTER TABLE users CHANGE email email_address VARCHAR(255);", database="mysql"),
           Example("EXEC sp_rename 'dbo.users.email', 'email_address', 'COLUMN';", database="sqlserver")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    if view.kind:
        node = view.pg.node
        if node.get("renameType") == "OBJECT_COLUMN" and node.get("relationType") in ("OBJECT_TABLE", "OBJECT_VIEW"):
            yield Hit(0, f"{view.table}: rename column {node['subname'].lower()} to {node['newname'].lower()}")
        return
    for off, clause in view.clauses:
        m = _RENAME.match(clause) or _CHANGE.match(clause)
        if m and (not clause.startswith("CHANGE") or m.group(1).strip('"`') != m.group(2).strip('"`')):
            yield Hit(off, f"{view.table}: {' '.join(clause.split()[:5]).lower()}")
    if view.startswith(r"EXEC(?:UTE)?\s+(?:\w+\.)*SP_RENAME\b") and re.search(r"'COLUMN'", view.text, re.I):
        yield Hit(0, "sp_rename of a column")
