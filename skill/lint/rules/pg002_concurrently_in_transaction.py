import re

from . import Example, Hit, rule

# Statements PostgreSQL refuses inside a transaction block.
_NON_TX = re.compile(r"\s*(?:(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\b.*?)\s*(?:\(.*?\)\s*)?\b(CONCURRENTLY)\b"
                     r"|(VACUUM)\b|(CREATE|DROP)\s+DATABASE\b|ALTER\s+(SYSTEM)\b"
                     r"|ALTER\s+TABLE\b.*\bDETACH\s+PARTITION\b.*\b(CONCURRENTLY)\b)", re.S)
_ENUM_ADD = re.compile(r"\s*ALTER\s+TYPE\b.*\bADD\s+VALUE\b", re.S)

_HOW = {"flyway": "Flyway runs this script in a transaction: add a `<script>.sql.conf` sidecar with "
                  "executeInTransaction=false",
        "liquibase": "the changeSet runs in a transaction: set runInTransaction=\"false\" on it",
        "alembic": "Alembic runs upgrade() in a transaction: wrap it in `with op.get_context().autocommit_block():`",
        "sql": "it sits between BEGIN and COMMIT"}


@rule(id="PG002-concurrently-in-transaction", severity="error", reason="failure", databases=("postgresql",),
      message="This statement cannot run inside a transaction block (CREATE/DROP INDEX CONCURRENTLY, REINDEX "
              "CONCURRENTLY, VACUUM, ALTER TYPE ... ADD VALUE before PostgreSQL 12): the migration fails with "
              "'cannot run inside a transaction block'",
      safe_alternative="Run it on its own outside a transaction: Flyway `V..sql.conf` with "
                       "executeInTransaction=false, Liquibase runInTransaction=\"false\", Alembic "
                       "`op.get_context().autocommit_block()`, plain SQL without BEGIN/COMMIT.",
      ok=[Example("CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);",
                  tool="flyway", filename="V2__orders_customer_idx.sql",
                  files=({"filename": "V2__orders_customer_idx.sql.conf", "content": "executeInTransaction=false\n"},)),
          "CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"],
      bad=[Example("SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);"
                   " -- [bad]", tool="flyway", filename="V2__orders_customer_idx.sql"),
           Example("BEGIN;\nVACUUM orders;  -- [bad]\nCOMMIT;"),
           Example("ALTER TYPE mood ADD VALUE 'meh';", tool="flyway", filename="V3__mood.sql", version="11")])
def check(view, ctx):
    if not view.stmt.transactional:
        return
    m = _NON_TX.match(view.masked)
    if m:
        offset = next((m.start(g) for g in range(1, 6) if m.group(g)), 0)
        yield Hit(offset, _HOW.get(_kind(ctx), _HOW["sql"]))
    elif _ENUM_ADD.match(view.masked) and not ctx.at_least(12):
        yield Hit(0, "ALTER TYPE ... ADD VALUE in a transaction before PostgreSQL 12")


def _kind(ctx) -> str:
    kind = ctx.file.kind if ctx.file else "sql"
    return "liquibase" if kind.startswith("liquibase") else kind
