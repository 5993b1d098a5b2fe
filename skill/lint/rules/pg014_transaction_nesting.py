from . import Example, Hit, rule

OPEN = {"TRANS_STMT_BEGIN": "BEGIN", "TRANS_STMT_START": "START TRANSACTION"}
CLOSE = {"TRANS_STMT_COMMIT": "COMMIT", "TRANS_STMT_ROLLBACK": "ROLLBACK"}
_TOOL = {"flyway": "Flyway", "liquibase_xml": "Liquibase", "liquibase_yaml": "Liquibase",
         "liquibase_sql": "Liquibase", "alembic": "Alembic"}


@rule(id="PG014-transaction-nesting", severity="warning", reason="failure", databases=("postgresql",),
      nodes=("TransactionStmt",),
      message="Transaction control inside a transaction: PostgreSQL only warns about a nested BEGIN (there is "
              "no nesting), and the first COMMIT ends the outer transaction too; a COMMIT inside the transaction "
              "a migration tool opened commits the first half of the migration even if the rest fails, so the "
              "tool can neither roll it back nor rerun it cleanly",
      safe_alternative="Leave transaction control to the tool (Flyway, Liquibase and Alembic each run a "
                       "migration in one transaction); where a step must commit on its own, put it in its own "
                       "migration (Flyway: its own script; Liquibase: its own changeSet). In plain SQL use one "
                       "BEGIN ... COMMIT pair.",
      ok=["BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nBEGIN;\nUPDATE orders SET note = '' "
          "WHERE id = 1;\nCOMMIT;",
          Example("START TRANSACTION;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;"),
          Example("BEGIN;\nCREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);\nCOMMIT;",
                  tool="flyway", filename="V7__note_idx.sql",
                  files=({"filename": "V7__note_idx.sql.conf", "content": "executeInTransaction=false\n"},))],
      bad=[Example("BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nBEGIN;  -- [bad]\nUPDATE orders SET note = '' "
                   "WHERE id = 1;\nCOMMIT;\nCOMMIT;"),
           Example("BEGIN WORK;\nSTART TRANSACTION;  -- [bad]\nCOMMIT WORK;"),
           Example("ALTER TABLE orders ADD COLUMN note text;\nCOMMIT;  -- [bad]\nUPDATE orders SET note = '' "
                   "WHERE id = 1;", tool="flyway", filename="V8__note.sql"),
           Example("BEGIN;  -- [bad]\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;  -- [bad]",
                   tool="flyway", filename="V8__note.sql")])
def check(view, ctx):
    kind, stmt = view.pg.node.get("kind"), view.stmt
    tool = _TOOL.get(ctx.file.kind if ctx.file else "", "the tool")
    if kind in OPEN and ctx.open_tx is not None:
        yield Hit(0, f"nested {OPEN[kind]}: a transaction is already open since line {ctx.open_tx.line}")
    elif kind in OPEN and stmt.tool_tx:
        yield Hit(0, f"{OPEN[kind]} inside the transaction {tool} already opened for this script")
    elif kind in CLOSE and stmt.tool_tx:
        yield Hit(0, f"{CLOSE[kind]} ends the transaction {tool} opened for this script")
