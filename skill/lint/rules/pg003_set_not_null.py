from . import Example, Hit, rule


@rule(id="PG003-set-not-null", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("AlterTableStmt.AT_SetNotNull",),
      message="SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock (no reads or writes) unless a "
              "validated CHECK (column IS NOT NULL) already proves it (PostgreSQL 12+)",
      safe_alternative="ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; then VALIDATE CONSTRAINT c (no "
                       "blocking lock) in a separate transaction; then SET NOT NULL (instant on 12+) and drop the "
                       "CHECK. Before PostgreSQL 12 there is no online way: schedule the scan.",
      ok=["ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;\n"
          "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\n"
          "ALTER TABLE orders ALTER COLUMN status SET NOT NULL;",
          'ALTER TABLE orders ADD CONSTRAINT "Orders_status_nn" CHECK ("status" IS NOT NULL) NOT VALID;\n'
          'ALTER TABLE orders VALIDATE CONSTRAINT "Orders_status_nn";\n'
          'ALTER TABLE orders ALTER COLUMN "status" SET NOT NULL;'],
      bad=["ALTER TABLE orders ALTER COLUMN status SET NOT NULL;",
           Example("ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;\n"
                   "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\n"
                   "ALTER TABLE orders ALTER COLUMN status SET NOT NULL;  -- [bad]", version="11")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, cmd in view.cmds:
        if cmd.get("subtype") != "AT_SetNotNull":
            continue
        column = cmd["name"].lower()
        if ctx.at_least(12) and (view.table, column) in ctx.validated_not_null:
            continue
        yield Hit(off, f"{view.table}.{column}")
