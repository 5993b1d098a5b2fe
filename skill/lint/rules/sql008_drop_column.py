from ...sources import lazy_re
from . import Example, Hit, rule

_DROP_COLUMN = lazy_re(r"DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(?!(?:CONSTRAINT|INDEX|KEY|PRIMARY|FOREIGN|CHECK|"
                          r"DEFAULT|NOT|PARTITION|IDENTITY|EXPRESSION|PERIOD|SYSTEM)\b)")


@rule(id="SQL008-drop-column", severity="warning", reason="breaking change", rollback=False,
      nodes=("AlterTableStmt.AT_DropColumn",),
      message="Dropping a column loses its data, and app versions still running that select, insert or map "
              "the column break (ORMs that list columns explicitly fail at once)",
      safe_alternative="Expand/contract: deploy app code that no longer uses the column (ignore it in the ORM), "
                       "back up the values if needed, then drop it in a later migration.",
      ok=["ALTER TABLE users DROP CONSTRAINT users_email_key;"],
      bad=["ALTER TABLE users DROP COLUMN middle_name;",
           Example("ALTER TABLE users\n  ADD COLUMN nickname text,\n  DROP COLUMN middle_name;  -- [bad]\n")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, cmd in view.cmds:
        if cmd.get("subtype") == "AT_DropColumn":
            yield Hit(off, f"{view.table}: drop column {cmd['name'].lower()}")
    for off, clause in ([] if view.kind else view.clauses):
        if _DROP_COLUMN.match(clause):
            yield Hit(off, f"{view.table}: {' '.join(clause.split()[:3]).lower()}")
