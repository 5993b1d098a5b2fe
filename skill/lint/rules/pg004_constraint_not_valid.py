from . import _pg, Example, Hit, rule

_KINDS = {"CONSTR_FOREIGN": "foreign key", "CONSTR_CHECK": "check"}


@rule(id="PG004-constraint-not-valid", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("AlterTableStmt.AT_AddConstraint", "AlterTableStmt.AT_AddColumn"),
      message="Adding a FOREIGN KEY or CHECK constraint without NOT VALID checks every existing row while "
              "holding a lock that blocks writes (a foreign key also locks the referenced table)",
      safe_alternative="ADD CONSTRAINT ... NOT VALID (instant), then in a separate transaction ALTER TABLE ... "
                       "VALIDATE CONSTRAINT ..., which only takes SHARE UPDATE EXCLUSIVE and lets reads and "
                       "writes go on.",
      ok=["ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) "
          "REFERENCES customers (id) NOT VALID;",
          'ALTER TABLE orders ADD CONSTRAINT "fk_user" FOREIGN KEY ("user_id") REFERENCES "users" (id) NOT VALID;',
          "CREATE TABLE items (id bigint, order_id bigint);\nALTER TABLE items ADD CONSTRAINT items_order_fk "
          "FOREIGN KEY (order_id) REFERENCES orders (id);",
          Example("ALTER TABLE event_2026 ADD CONSTRAINT event_account_fk FOREIGN KEY (account_id) REFERENCES account "
                  "(id) NOT VALID;\nALTER TABLE event_2026 VALIDATE CONSTRAINT event_account_fk;\nALTER TABLE event ADD "
                  "CONSTRAINT event_account_fk FOREIGN KEY (account_id) REFERENCES account (id);",
                  schema="CREATE TABLE event (id bigint, account_id bigint, at date) PARTITION BY RANGE (at);")],
      bad=["ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);",
           "ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0);",
           Example("ALTER TABLE orders\n  ADD COLUMN coupon_id bigint REFERENCES coupons (id);  -- [bad]")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, cmd in view.cmds:
        con = _pg.constraint(cmd)
        if con.get("contype") in _KINDS and not con.get("skip_validation") and not _attaches(con, view, ctx):
            yield Hit(off, f"{_KINDS[con['contype']]} on {view.table}")
    for col in view.new_columns:
        if col.kinds & set(_KINDS):
            yield Hit(col.offset, f"inline constraint on new column {view.table}.{col.name}")


def _attaches(con: dict, view, ctx) -> bool:
    """A partitioned table's foreign key whose partitions' keys (same name) were validated before:
    adding it only attaches them (PostgreSQL takes no NOT VALID key on a partitioned table)."""
    return con.get("contype") == "CONSTR_FOREIGN" and ctx.is_partitioned(view.table) \
        and (con.get("conname") or "").lower() in ctx.validated
