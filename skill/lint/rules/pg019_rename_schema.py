from . import Hit, rule


@rule(id="PG019-rename-schema", severity="warning", reason="breaking change", databases=("postgresql",),
      nodes=("RenameStmt",), rollback=False,
      message="ALTER SCHEMA ... RENAME moves every table, view and function in it to a new qualified name at "
              "once: every query, search_path and grant that names the old schema breaks",
      safe_alternative="Create the new schema and move objects over one by one behind views (or keep the old name "
                       "through search_path) while the app switches; drop the old schema last.",
      ok=["ALTER TABLE billing.invoices ADD COLUMN note text;"],
      bad=["ALTER SCHEMA billing RENAME TO invoicing;"])
def check(view, ctx):
    node = view.pg.node
    if node.get("renameType") == "OBJECT_SCHEMA":
        yield Hit(0, f"schema {node.get('subname')} renamed to {node.get('newname')}")
