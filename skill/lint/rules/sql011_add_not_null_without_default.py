from ...sources import lazy_re
from . import Example, Hit, added_columns, column_default, rule

_NOT_NULL = lazy_re(r"\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b")
# Columns the database fills by itself.
_SELF_FILLED = lazy_re(r"\bGENERATED\b|\bIDENTITY\b|\bAUTO_INCREMENT\b|^\S+\s+(?:SMALL|BIG)?SERIAL\b|\bAS\s*\(")


@rule(id="SQL011-add-not-null-without-default", severity="error", reason="failure",
      nodes=("AlterTableStmt.AT_AddColumn",),
      message="Adding a NOT NULL column without a DEFAULT fails on any table that has rows (PostgreSQL, SQL "
              "Server, Oracle) or silently fills zero values (MySQL), and inserts from running app versions "
              "that do not know the column start failing",
      safe_alternative="Add the column nullable (or with a constant DEFAULT), backfill in batches, then add "
                       "NOT NULL (PostgreSQL: CHECK ... NOT VALID, VALIDATE, SET NOT NULL).",
      ok=["ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
          "CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN c int NOT NULL;",
          Example("ALTER TABLE orders ADD (status VARCHAR2(20) DEFAULT 'new' NOT NULL);", database="oracle")],
      bad=["ALTER TABLE orders ADD COLUMN status text NOT NULL;",
           Example("ALTER TABLE orders ADD status NVARCHAR(20) NOT NULL;", database="sqlserver"),
           Example("ALTER TABLE orders\n  ADD COLUMN a int NULL,\n  ADD COLUMN b int NOT NULL;  -- [bad]",
                   database="mysql")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    if view.kind:
        yield from _check_tree(view)
        return
    for off, definition in added_columns(view):
        if _NOT_NULL.search(definition) and column_default(definition) is None \
                and not _SELF_FILLED.search(definition):
            yield Hit(off, f"{view.table}.{definition.split()[0].lower()}")


_FILLED = {"CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"}
_SERIAL = {"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"}


def _check_tree(view):
    for col in view.new_columns:
        if col.kinds & {"CONSTR_NOTNULL", "CONSTR_PRIMARY"} and not col.kinds & _FILLED and col.type[0] not in _SERIAL:
            yield Hit(col.offset, f"{view.table}.{col.name}")
