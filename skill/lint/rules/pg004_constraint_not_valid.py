import re

from . import IDENT, Example, Hit, added_columns, rule

_ADD = re.compile(rf"ADD\s+(?:CONSTRAINT\s+{IDENT}\s+)?(FOREIGN\s+KEY|CHECK)\b")


@rule(id="PG004-constraint-not-valid", severity="warning", reason="lock", databases=("postgresql",),
      message="Adding a FOREIGN KEY or CHECK constraint without NOT VALID checks every existing row while "
              "holding a lock that blocks writes (a foreign key also locks the referenced table)",
      safe_alternative="ADD CONSTRAINT ... NOT VALID (instant), then in a separate transaction ALTER TABLE ... "
                       "VALIDATE CONSTRAINT ..., which only takes SHARE UPDATE EXCLUSIVE and lets reads and "
                       "writes go on.",
      ok=["ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) "
          "REFERENCES customers (id) NOT VALID;",
          "CREATE TABLE items (id bigint, order_id bigint);\nALTER TABLE items ADD CONSTRAINT items_order_fk "
          "FOREIGN KEY (order_id) REFERENCES orders (id);"],
      bad=["ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);",
           "ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0);",
           Example("ALTER TABLE orders\n  ADD COLUMN coupon_id bigint REFERENCES coupons (id);  -- [bad]")])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for off, clause in view.clauses:
        m = _ADD.match(clause)
        if m and not re.search(r"\bNOT\s+VALID\b", clause):
            yield Hit(off, f"{m.group(1).replace('  ', ' ').lower()} on {view.table}")
    for off, definition in added_columns(view):
        if re.search(r"\bREFERENCES\b|\bCHECK\s*\(", definition):
            yield Hit(off, f"inline constraint on new column {view.table}.{definition.split()[0].lower()}")
