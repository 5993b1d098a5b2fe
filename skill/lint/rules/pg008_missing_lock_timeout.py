from . import _pg, Example, Hit, rule

# Statements that queue for a lock conflicting with ordinary reads or writes (by parse-tree kind;
# the checks below drop the concurrent forms, which take only SHARE UPDATE EXCLUSIVE). ALTER TYPE
# ... ADD/RENAME VALUE locks only the type, which queries never lock: not on the list.
LOCKING = ("AlterTableStmt", "IndexStmt", "DropStmt", "TruncateStmt", "ClusterStmt", "VacuumStmt", "ReindexStmt",
           "CreateTrigStmt", "LockStmt", "RenameStmt", "AlterObjectSchemaStmt")
_DROPS_LOCKING = {"OBJECT_TABLE", "OBJECT_INDEX", "OBJECT_TRIGGER", "OBJECT_MATVIEW"}
_HARMLESS_CMDS = {"AT_ValidateConstraint", "AT_SetStatistics", "AT_SetOptions", "AT_ResetOptions"}


@rule(id="PG008-missing-lock-timeout", severity="warning", reason="lock", databases=("postgresql",),
      nodes=LOCKING,
      message="DDL waits for its lock behind any long-running query, and while it waits every other query on "
              "the table queues behind it: without lock_timeout one slow report freezes the application",
      safe_alternative="Start the file with `SET lock_timeout = '5s';` (and retry the migration on timeout); "
                       "dbmig-generated migrations do this.",
      ok=["SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
          "CREATE TABLE items (id bigint);\nALTER TABLE items ADD COLUMN note text;",
          "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;",
          "CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);",
          "VACUUM (FULL FALSE, ANALYZE) orders;"],
      bad=["ALTER TABLE orders ADD COLUMN note text;",
           Example("SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;  -- [bad]"),
           Example("SET lock_timeout = '5s';\nRESET lock_timeout;\nALTER TABLE orders RENAME COLUMN a TO b;  -- [bad]")])
def check(view, ctx):
    if ctx.lock_timeout or ctx.lock_timeout_reported or not blocking(view) or ctx.is_new_table(view):
        return ()     # a plain function, not a generator: it runs on most statements
    ctx.lock_timeout_reported = True      # once per file: the fix is one line at the top
    return [Hit(0, f"first blocking DDL in {ctx.file.basename if ctx.file else 'the file'}")]


def blocking(view) -> bool:
    """The statement waits for a lock that ordinary reads or writes conflict with."""
    kind, node = view.kind, view.pg.node
    if kind == "AlterTableStmt":
        return not all(c.get("subtype") in _HARMLESS_CMDS for _, c in view.cmds)
    if kind in ("IndexStmt", "DropStmt"):
        return not node.get("concurrent") and (kind == "IndexStmt" or node.get("removeType") in _DROPS_LOCKING)
    if kind == "VacuumStmt":
        return bool(_pg.option(node.get("options"), "full"))
    if kind == "ReindexStmt":
        return not _pg.option(node.get("params"), "concurrently")
    if kind == "RenameStmt":
        return node.get("renameType") in ("OBJECT_TABLE", "OBJECT_COLUMN", "OBJECT_TABCONSTRAINT", "OBJECT_INDEX")
    return kind in LOCKING
