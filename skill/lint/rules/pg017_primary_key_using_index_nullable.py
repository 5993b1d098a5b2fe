from . import _pg, Example, Hit, rule


@rule(id="PG017-primary-key-using-index-nullable", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("AlterTableStmt.AT_AddConstraint",),
      message="ADD PRIMARY KEY USING INDEX on columns that are not already NOT NULL implies SET NOT NULL: "
              "PostgreSQL scans the whole table for NULLs under ACCESS EXCLUSIVE (no reads or writes) before the "
              "otherwise instant switch",
      safe_alternative="Make the columns NOT NULL first without the scan: ADD CONSTRAINT c CHECK (col IS NOT "
                       "NULL) NOT VALID; VALIDATE CONSTRAINT c (separate transaction); SET NOT NULL (instant on "
                       "PostgreSQL 12+); then ADD PRIMARY KEY USING INDEX.",
      ok=[Example("SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX "
                  "orders_id_idx;",
                  schema="CREATE TABLE orders (id bigint NOT NULL, note text);\n"
                         "CREATE UNIQUE INDEX orders_id_idx ON orders (id);"),
          "ALTER TABLE orders ADD CONSTRAINT orders_id_nn CHECK (id IS NOT NULL) NOT VALID;\nCOMMIT;\n"
          "ALTER TABLE orders VALIDATE CONSTRAINT orders_id_nn;\nCOMMIT;\n"
          "CREATE UNIQUE INDEX CONCURRENTLY orders_id_idx ON orders (id);\n"
          "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_idx;"],
      bad=[Example("ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_idx;",
                   schema="CREATE TABLE orders (id bigint, note text);\n"
                          "CREATE UNIQUE INDEX orders_id_idx ON orders (id);"),
           "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_idx;"])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, cmd in view.cmds:
        con = _pg.constraint(cmd)
        if con.get("contype") != "CONSTR_PRIMARY" or not con.get("indexname"):
            continue
        nullable = ctx.maybe_null(view.table, con["indexname"])
        if nullable is None:
            yield Hit(off, f"index {con['indexname']} on {view.table}: its columns are not known to be NOT NULL")
        elif nullable:
            yield Hit(off, f"{view.table}.{', '.join(nullable)} may hold NULLs")

