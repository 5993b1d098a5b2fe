from . import _pg, Example, Hit, rule

_HOW = {"flyway": "Flyway runs this script in a transaction: add a `<script>.sql.conf` sidecar with "
                  "executeInTransaction=false",
        "liquibase": "the changeSet runs in a transaction: set runInTransaction=\"false\" on it",
        "alembic": "Alembic runs upgrade() in a transaction: wrap it in `with op.get_context().autocommit_block():`",
        "sql": "it sits between BEGIN and COMMIT"}


@rule(id="PG002-concurrently-in-transaction", severity="error", reason="failure", databases=("postgresql",),
      nodes=("IndexStmt", "DropStmt", "ReindexStmt", "VacuumStmt", "AlterTableStmt.AT_DetachPartition", "AlterEnumStmt",
             *_pg.NEVER_IN_TX),
      message="This statement cannot run inside a transaction block (CREATE/DROP INDEX CONCURRENTLY, REINDEX "
              "CONCURRENTLY, DETACH PARTITION CONCURRENTLY, VACUUM, CREATE/DROP DATABASE, ALTER TYPE ... ADD VALUE "
              "before PostgreSQL 12): the migration fails with 'cannot run inside a transaction block'",
      safe_alternative="Run it on its own outside a transaction: Flyway `V..sql.conf` with "
                       "executeInTransaction=false, Liquibase runInTransaction=\"false\", Alembic "
                       "`op.get_context().autocommit_block()`, plain SQL without BEGIN/COMMIT.",
      ok=[Example("SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);",
                  tool="flyway", filename="V2__orders_customer_idx.sql",
                  files=({"filename": "V2__orders_customer_idx.sql.conf", "content": "executeInTransaction=false\n"},)),
          "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);",
          # Flyway runs a script whose statements all cannot run in a transaction outside one.
          Example("CREATE UNIQUE INDEX CONCURRENTLY orders_ref_key ON orders (ref);", tool="flyway",
                  filename="V3__orders_ref_key.sql"),
          Example("ALTER TYPE mood ADD VALUE 'meh';", tool="flyway", filename="V3__mood.sql", version="11"),
          Example("BEGIN;\nREINDEX (CONCURRENTLY false) INDEX orders_customer_idx;\nCOMMIT;")],
      bad=[Example("REINDEX INDEX CONCURRENTLY orders_customer_idx;", tool="flyway",
                   filename="V2__reindex.sql"),
           Example("BEGIN;\nVACUUM orders;  -- [bad]\nCOMMIT;"),
           Example("START TRANSACTION;\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"
                   "  -- [bad]\nCOMMIT;"),
           Example("BEGIN WORK;\nDROP INDEX CONCURRENTLY orders_customer_idx;  -- [bad]\nCOMMIT WORK;"),
           Example("BEGIN;\nALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;  -- [bad]\nCOMMIT;"),
           Example("BEGIN;\nALTER TYPE mood ADD VALUE 'meh';  -- [bad]\nCOMMIT;", version="11"),
           Example("DO $$\nBEGIN\n  CREATE INDEX CONCURRENTLY orders_x_idx ON orders (x);  -- [bad]\nEND $$;")])
def check(view, ctx):
    if not view.stmt.transactional:
        return
    what = _pg.outside_transaction(view.pg, ctx.version)
    if what:
        at = _pg.keyword_offset(view.text, "CONCURRENTLY") if "CONCURRENTLY" in what else 0
        yield Hit(at, f"{what}: {_HOW.get(_kind(ctx), _HOW['sql'])}")


def _kind(ctx) -> str:
    kind = ctx.file.kind if ctx.file else "sql"
    return "liquibase" if kind.startswith("liquibase") else kind
