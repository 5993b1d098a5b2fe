from . import Example, Hit, rule


@rule(id="PG013-validate-in-same-transaction", severity="warning", reason="lock", databases=("postgresql",),
      nodes=("AlterTableStmt.AT_ValidateConstraint",),
      message="VALIDATE CONSTRAINT runs in the same transaction as the ADD CONSTRAINT ... NOT VALID, so the "
              "lock taken by the ADD (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE for a foreign key) is "
              "held through the whole validation scan: NOT VALID gains nothing",
      safe_alternative="Commit after ADD CONSTRAINT ... NOT VALID and validate in a separate transaction "
                       "(a separate migration file, changeSet, or a non-transactional script).",
      ok=[Example("SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0) "
                  "NOT VALID;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_pos;"),
          Example("ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0) NOT VALID;\n"
                  "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_pos;")],
      bad=[Example("ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0) NOT VALID;\n"
                   "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_pos;  -- [bad]",
                   tool="flyway", filename="V5__orders_total_pos.sql"),
           Example('BEGIN;\nALTER TABLE orders ADD CONSTRAINT "fk_user" FOREIGN KEY (user_id) REFERENCES users (id) '
                   'NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT "fk_user";  -- [bad]\nCOMMIT;')])
def check(view, ctx):
    if view.stmt.tx is None:
        return
    for off, cmd in view.cmds:
        name = cmd.get("name", "").lower() if cmd.get("subtype") == "AT_ValidateConstraint" else None
        if name and name in ctx.not_valid and ctx.not_valid[name] == view.stmt.tx:
            yield Hit(off, f"constraint {name}")
