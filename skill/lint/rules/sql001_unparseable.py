from ...sources import lazy_re
from . import _pg, Hit, rule

# Statements sqlglot 30 rejects although the database accepts them; our patterns cover them.
_SQLGLOT_GAPS = lazy_re(r"\s*(?:CLUSTER\b|REINDEX\b|VACUUM\b|OPTIMIZE\b|DO\b|CREATE\s+(?:OR\s+REPLACE\s+)?"
                           r"(?:FUNCTION|PROCEDURE|TRIGGER|PACKAGE)|BEGIN\b|DECLARE\b)")


@rule(id="SQL001-unparseable", severity="warning", reason="unchecked",
      message="The statement does not parse in the target dialect (PostgreSQL: PostgreSQL's own parser, "
              "PL/pgSQL bodies included; other databases: sqlglot): it may be a syntax error, and dbmig could "
              "not check it for unsafe operations",
      safe_alternative="Fix the syntax, or run the statement against a scratch database to be sure; if it is "
                       "valid, suppress with `-- dbmig:ignore SQL001 <why>` after reviewing it by hand.",
      ok=["ALTER TABLE orders ADD COLUMN note text;",
          "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n"
          "  RETURN NEW;\nEND $$;"],
      bad=["ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN (oops;  -- [bad]\n",
           "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now()\n"
           "  RETURN NEW;\nEND $$;",
           "DO $$\nBEGIN\n  UPDATE orders SET;\nEND $$;"])
def check(view, ctx):
    # A plain function returning hits (no generator): it runs on every statement of every file.
    if view.stmt.synthetic:
        return ()
    if view.pg is not None:
        return _check_pg(view, ctx)
    if _SQLGLOT_GAPS.match(view.masked):
        return ()
    err = view.parsed[1]
    if err is None:
        return ()
    detail = (err.errors[0].get("description") if getattr(err, "errors", None) else str(err).splitlines()[0])
    return [Hit(_offset(view.text, err), f"sqlglot ({view.dialect}) cannot parse it ({detail})")]


def _check_pg(view, ctx) -> list[Hit] | tuple:
    tree = view.pg
    if tree.error and view.text.startswith("\\") and ctx.tool:
        return ()                   # a psql command: PG024 says why the tool fails on it
    if tree.error:
        return [Hit(tree.error_offset, f"PostgreSQL's parser: {tree.error}")]
    if tree.kind not in ("DoStmt", "CreateFunctionStmt"):
        return ()
    body = _pg.do_body(tree)
    function = view.text if _pg.is_plpgsql_function(tree) else _pg.as_function(body) if body else None
    error = _pg.plpgsql_statements(function)[1] if function else None
    return [Hit(0, f"PL/pgSQL parser: {error}")] if error else ()


def _offset(text: str, err) -> int:
    info = err.errors[0] if getattr(err, "errors", None) else {}
    line, col = info.get("line") or 1, info.get("col") or 1
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[:line - 1]) + max(col - 1, 0) if line <= len(lines) else 0
