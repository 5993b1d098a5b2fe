import re

from . import Example, Hit, rule


@rule(id="SQL010-rename-table", severity="warning", reason="breaking change", rollback=False,
      nodes=("RenameStmt",),
      message="Renaming a table breaks every running app version that still uses the old name",
      safe_alternative="Create the new name as a view over the old table (or the reverse) for the transition, "
                       "move the app to the new name, and drop the view in a later migration.",
      ok=["ALTER TABLE users ADD COLUMN nick text;", "ALTER INDEX users_email_idx RENAME TO users_email_key;"],
      bad=["ALTER TABLE users RENAME TO accounts;",
           Example("RENAME TABLE users TO accounts;", database="mysql"),
           Example("EXEC sp_rename 'dbo.users', 'accounts';", database="sqlserver")])
def check(view, ctx):
    if view.kind:
        node = view.pg.node
        if node.get("renameType") in ("OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW"):
            yield Hit(0, f"{view.table} renamed to {node['newname'].lower()}")
        return
    for off, clause in view.clauses:
        if re.match(r"RENAME\s+(?:TO|AS)\b", clause):
            yield Hit(off, f"{view.table} renamed")
    if view.startswith(r"RENAME\s+(?:TABLE\s+)?\S+\s+TO\b"):
        yield Hit(0, "table renamed")
    if view.startswith(r"EXEC(?:UTE)?\s+(?:\w+\.)*SP_RENAME\b") and not re.search(r"'(?:COLUMN|INDEX)'", view.text, re.I):
        yield Hit(0, "sp_rename of a table")
