from . import Hit, rule


@rule(id="PG018-rename-enum-value", severity="warning", reason="breaking change", databases=("postgresql",),
      nodes=("AlterEnumStmt",), rollback=False,
      message="ALTER TYPE ... RENAME VALUE changes a label every running app version may still write or compare "
              "against: their inserts fail with 'invalid input value for enum' and their filters stop matching",
      safe_alternative="Add the new label (ADD VALUE), deploy code that writes the new one and reads both, "
                       "migrate rows in batches, and drop the old label later by recreating the type.",
      ok=["ALTER TYPE order_status ADD VALUE 'refunded';"],
      bad=["ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';"])
def check(view, ctx):
    node = view.pg.node
    if node.get("oldVal"):
        yield Hit(0, f"label '{node['oldVal']}' renamed to '{node.get('newVal')}'")
