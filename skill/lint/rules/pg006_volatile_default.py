import re

from . import _pg, Example, Hit, rule

# Functions PostgreSQL marks STABLE or IMMUTABLE (pg_proc.provolatile <> 'v'; checked on PostgreSQL 15 with
# `SELECT proname, provolatile FROM pg_proc WHERE proname = ANY(...)`): as a default they are evaluated once,
# so PostgreSQL >= 11 stores the value in the catalog instead of rewriting the table. Anything else, such as
# clock_timestamp(), random(), gen_random_uuid(), uuid_generate_v4(), nextval() or timeofday(), is volatile.
NON_VOLATILE = {
    "now", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
    "transaction_timestamp", "statement_timestamp", "current_user", "session_user", "current_schema",
    "lower", "upper", "length", "coalesce", "nullif", "concat", "md5", "abs", "round", "make_date",
    "make_timestamp", "make_timestamptz", "make_interval", "to_timestamp", "to_date", "date_trunc",
    "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array", "array",
    "cast", "interval", "timezone", "current_setting", "pg_catalog", "numeric", "varchar", "char",
    "current_role", "user", "current_catalog",
}
_SERIAL = {"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"}


@rule(id="PG006-volatile-default", severity="warning", reason="rewrite", databases=("postgresql",),
      since={"postgresql": "11"}, nodes=("AlterTableStmt.AT_AddColumn",),
      message="A column added with a volatile default (clock_timestamp(), random(), gen_random_uuid(), "
              "nextval()/serial, identity) rewrites the whole table under ACCESS EXCLUSIVE: no reads or writes "
              "until it finishes. Constant and stable defaults such as now() are catalog-only on PostgreSQL 11+",
      safe_alternative="Add the column without a default (or with a constant one), set the volatile default with "
                       "ALTER COLUMN ... SET DEFAULT (affects new rows only), then backfill old rows in batches.",
      ok=["ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();",
          "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
          "ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();",
          "ALTER TABLE orders ADD COLUMN note text DEFAULT 'random()';",
          "ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT CURRENT_TIMESTAMP;"],
      bad=["ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT clock_timestamp();",
           "ALTER TABLE orders ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();",
           "ALTER TABLE orders ADD COLUMN seq bigserial;",
           Example("ALTER TABLE orders ADD COLUMN score float DEFAULT random();", version="15"),
           "ALTER TABLE orders ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY;"])
def check(view, ctx):
    if ctx.is_new_table(view):
        return
    for col in view.new_columns:
        what = _volatile(col)
        if what:
            yield Hit(col.offset, f"{view.table}.{col.name} defaults to {what}")


def _volatile(col) -> str | None:
    if col.type[0] in _SERIAL or "CONSTR_IDENTITY" in col.kinds:
        return "a sequence/identity"
    default = col.default
    calls = [f"{n}()" for n in _pg.calls(default) if n not in NON_VOLATILE] if default else []
    return ", ".join(calls) or None


# A call's name starts a word: without the lookbehind every suffix of a long word was tried.
_CALL = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\s*\(")


def volatile_calls(default: str) -> list[str]:
    """Volatile function calls in a default's masked text (explain reads statements this way)."""
    names = [n.lower() for n in _CALL.findall(default)]
    return [f"{n}()" for n in names if n.split(".")[-1] not in NON_VOLATILE]
