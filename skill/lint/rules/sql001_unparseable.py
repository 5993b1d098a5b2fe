import re

from . import Hit, rule

# Statements sqlglot 30 rejects although the database accepts them; our patterns cover them.
_SQLGLOT_GAPS = re.compile(r"\s*(?:CLUSTER\b|REINDEX\b|VACUUM\b|OPTIMIZE\b|DO\b|CREATE\s+(?:OR\s+REPLACE\s+)?"
                           r"(?:FUNCTION|PROCEDURE|TRIGGER|PACKAGE)|BEGIN\b|DECLARE\b)")


@rule(id="SQL001-unparseable", severity="warning", reason="unchecked",
      message="sqlglot cannot parse this statement in the target dialect: it may be a syntax error, and "
              "dbmig could not check it for unsafe operations",
      safe_alternative="Fix the syntax, or run the statement against a scratch database to be sure; if it is "
                       "valid, suppress with `-- dbmig:ignore SQL001 <why>` after reviewing it by hand.",
      ok=["ALTER TABLE orders ADD COLUMN note text;"],
      bad=["ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN (oops;  -- [bad]\n"])
def check(view, ctx):
    if view.stmt.synthetic or _SQLGLOT_GAPS.match(view.masked):
        return
    err = view.parsed[1]
    if err is None:
        return
    detail = (err.errors[0].get("description") if getattr(err, "errors", None) else str(err).splitlines()[0])
    yield Hit(_offset(view.text, err), f"sqlglot ({view.dialect}) cannot parse it ({detail})")


def _offset(text: str, err) -> int:
    info = err.errors[0] if getattr(err, "errors", None) else {}
    line, col = info.get("line") or 1, info.get("col") or 1
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[:line - 1]) + max(col - 1, 0) if line <= len(lines) else 0
