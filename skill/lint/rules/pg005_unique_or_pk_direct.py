from . import _pg, Example, Hit, rule

_KINDS = {"CONSTR_UNIQUE": "unique", "CONSTR_PRIMARY": "primary key"}


@rule(id="PG005-unique-or-pk-direct", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("AlterTableStmt.AT_AddConstraint", "AlterTableStmt.AT_AddColumn"),
      message="Adding a UNIQUE or PRIMARY KEY constraint directly builds its index under an ACCESS EXCLUSIVE "
              "lock: no reads or writes for the whole build (a primary key also scans for NULLs)",
      safe_alternative="CREATE UNIQUE INDEX CONCURRENTLY first (outside a transaction), then ALTER TABLE ... ADD "
                       "CONSTRAINT name UNIQUE / PRIMARY KEY USING INDEX idx, which is instant.",
      ok=["ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE USING INDEX orders_ref_idx;",
          "CREATE TABLE items (id bigint);\nALTER TABLE items ADD PRIMARY KEY (id);"],
      bad=["ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref);",
           "ALTER TABLE orders ADD PRIMARY KEY (id);",
           'ALTER TABLE "Orders" ADD CONSTRAINT "Orders_ref_key" UNIQUE ("Ref");',
           Example("ALTER TABLE orders\n  ADD COLUMN ref text UNIQUE;  -- [bad]")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, cmd in view.cmds:
        con = _pg.constraint(cmd)
        if con.get("contype") in _KINDS and not con.get("indexname"):
            yield Hit(off, f"{_KINDS[con['contype']]} on {view.table}")
    for col in view.new_columns:
        if col.kinds & set(_KINDS):
            yield Hit(col.offset, f"new column {view.table}.{col.name} with an index")
