from . import _pg, Example, Hit, rule
from .pg014_transaction_nesting import CLOSE, OPEN


@rule(id="PG015-unclosed-transaction", severity="error", reason="failure", databases=("postgresql",),
      scope="file",
      message="BEGIN (or START TRANSACTION) without a COMMIT before the script ends: when the session closes, "
              "PostgreSQL rolls the open transaction back, so nothing the script did is applied, although psql "
              "and most runners report success",
      safe_alternative="End the transaction with COMMIT; (or remove the BEGIN and let the migration tool manage "
                       "the transaction).",
      ok=["BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
          "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nEND;"],
      bad=[Example("BEGIN;  -- [bad]\nSET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;"),
           Example("START TRANSACTION ISOLATION LEVEL SERIALIZABLE;  -- [bad]\nUPDATE orders SET note = '' WHERE id = 1;"),
           Example("BEGIN WORK;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nBEGIN;  -- [bad]\n"
                   "UPDATE orders SET note = '' WHERE id = 1;")])
def check(src, ctx):
    opened = None
    for stmt in src.statements:
        tree = _pg.tree_of(stmt)
        kind = tree.node.get("kind") if tree.kind == "TransactionStmt" else None
        if kind in OPEN and opened is None and not stmt.tool_tx:
            opened = stmt
        elif kind in CLOSE:
            opened = None
    if opened is not None:
        yield Hit(line=opened.line, column=opened.column, detail=f"transaction opened on line {opened.line}")
