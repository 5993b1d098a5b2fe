"""The lint rules: one module per rule, registered by the `@rule` decorator.

Adding a rule touches one file: declare id, severity, reason, message (the risk),
safe_alternative, databases, version range and its own ok/bad examples (which are its
tests, see tests/test_rules.py). Ids are permanent: rename a rule by adding an alias, never
by changing its id, because users write ids into `-- dbmig:ignore` comments.
"""
from __future__ import annotations

import importlib
import os

from . import _pg  # noqa: F401
from ._base import (ALL_DATABASES, IDENT, QNAME, SEVERITIES, UNPARSED, Column, Context, Example, Hit,  # noqa: F401
                    Rule, SqlView, added_columns, column_default, name_of, observe, version_tuple)

_REGISTRY: dict[str, Rule] = {}
REASONS = ("lock", "rewrite", "data loss", "breaking change", "failure", "convention", "unchecked")


def rule(*, id: str, severity: str, reason: str, message: str, safe_alternative: str,
         databases: tuple[str, ...] = ALL_DATABASES, scope: str = "statement",
         since: dict[str, str] | None = None, until: dict[str, str] | None = None,
         tools: tuple[str, ...] | None = None, rollback: bool = True,
         ok: tuple = (), bad: tuple = (), nodes: tuple[str, ...] | None = None):
    """Register the decorated check as a rule. `nodes`: the PostgreSQL parse-tree kinds it reads
    (on PostgreSQL it runs only on those; a rule without `nodes` runs on every statement)."""
    if severity not in SEVERITIES or reason not in REASONS:
        raise ValueError(f"{id}: bad severity {severity!r} or reason {reason!r}")
    if id in _REGISTRY:
        raise ValueError(f"duplicate rule id {id}")

    def register(check):
        _REGISTRY[id] = Rule(id, severity, reason, message, safe_alternative, check, tuple(databases), scope,
                         dict(since or {}), dict(until or {}), tools, rollback,
                         tuple(_example(e) for e in ok), tuple(_example(e) for e in bad),
                         tuple(nodes) if nodes else None)
        return check
    return register


def _example(value: str | Example) -> Example:
    return value if isinstance(value, Example) else Example(value)


def catalog() -> list[dict]:
    """Every rule as plain data: for docs/rules.md and the MCP rules resource."""
    return [{"id": r.id, "severity": r.severity, "reason": r.reason, "databases": list(r.databases),
             "tools": list(r.tools) if r.tools else None, "since": r.since or None,
             "until": r.until or None, "message": r.message, "safe_alternative": r.safe_alternative}
            for r in sorted(all_rules().values(), key=_order)]


def _order(r: Rule) -> tuple:
    prefix = r.id.split("-")[0].rstrip("0123456789")
    return (["SRC", "SQL", "PG", "MY", "MS", "OR", "FW", "LB", "AL"].index(prefix), r.id)


def render_docs() -> str:
    """docs/rules.md, generated: a test fails when the file and the rules disagree."""
    lines = ["# dbmig lint rules", "",
             "Generated from `skill/lint/rules/` by `python -m dbmig.lint.rules`; do not edit by hand.",
             "Suppress one finding with a comment on or above the line: `-- dbmig:ignore RULE_ID reason`",
             "(`#` in Python and YAML, `<!-- -->` in XML); `dbmig:ignore-file RULE_ID` covers a whole file.",
             "", "| id | severity | reason | databases | applies |", "|---|---|---|---|---|"]
    for r in catalog():
        lines.append(f"| [{r['id']}](#{r['id'].lower()}) | {r['severity']} | {r['reason']} | "
                     f"{', '.join(r['databases'])} | {_applies(r)} |")
    for r in catalog():
        lines += ["", f"## {r['id']}", "", f"**{r['severity']}** · {r['reason']} · {', '.join(r['databases'])}"
                  f" · {_applies(r)}", "", f"**Problem.** {r['message']}", "",
                  f"**Solution.** {r['safe_alternative']}"]
    return "\n".join(lines) + "\n"


def _applies(r: dict) -> str:
    parts = [f"{db} >= {v}" for db, v in (r["since"] or {}).items()]
    parts += [f"{db} < {v}" for db, v in (r["until"] or {}).items()]
    if r["tools"]:
        parts.append("tool: " + ", ".join(r["tools"]))
    return "; ".join(parts) or "all versions"


# Rule modules are imported on first need, and only those for the database being linted: a
# `dbmig validate` process (a pre-commit hook) starts in a fraction of the time all of them take.
_ONLY_FOR = {"pg": "postgresql", "my": "mysql", "ms": "sqlserver", "or": "oracle"}
_loaded: set[str | None] = set()


def rules_for(database: str | None = None) -> dict[str, Rule]:
    """The registry with every rule module for `database` (None: all databases) imported."""
    if database not in _loaded and None not in _loaded:
        for name in _module_names():
            only = _ONLY_FOR.get(name[:2])
            if database is None or only in (None, database):
                importlib.import_module(f"{__name__}.{name}")
        _loaded.add(database)
    return _REGISTRY


def _module_names() -> list[str]:
    """Rule modules beside this file (a directory listing: pkgutil alone costs 2 ms to import)."""
    here = os.path.dirname(__file__)
    return sorted(f[:-3] for f in os.listdir(here) if f.endswith(".py") and not f.startswith("_"))


def all_rules() -> dict[str, Rule]:
    return rules_for(None)


def __getattr__(name: str):
    if name == "RULES":           # the complete registry, for docs, tests and SARIF
        return all_rules()
    raise AttributeError(name)
