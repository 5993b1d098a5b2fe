from . import Example, Hit, rule
from .pg014_transaction_nesting import CLOSE


@rule(id="PG015-unclosed-transaction", severity="error", reason="failure", databases=("postgresql",),
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
def check(view, ctx):
    if ctx.file is None or not ctx.file.statements or view.stmt is not ctx.file.statements[-1]:
        return
    opened = ctx.open_tx
    if opened is None and view.kind == "TransactionStmt" and view.pg.node.get("kind") in ("TRANS_STMT_BEGIN",
                                                                                           "TRANS_STMT_START"):
        opened = view.stmt
    if opened is None or opened.tool_tx:
        return
    if view.kind == "TransactionStmt" and view.pg.node.get("kind") in CLOSE:
        return
    yield Hit(line=opened.line, column=opened.column, detail=f"transaction opened on line {opened.line}")
