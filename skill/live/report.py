"""What a live read tells the caller, in words: where the facts come from and when, and the
facts about the tables a request touches that change how its migration runs but have no place
in the schema model (triggers, views, NOT VALID constraints, invalid indexes, left-out columns)."""
from __future__ import annotations

from .model import CatalogTable
from .read import LiveFacts


def provenance(facts: LiveFacts) -> str:
    """One line: the source (password masked), the server, the time, each table's rows and size."""
    tables = "; ".join(_table_line(facts.tables[n]) for n in facts.named)
    return (f"Facts read from the live database {facts.source} ({facts.server.product}) at {facts.read_at}"
            + (f": {tables}" if tables else "") + ". The lock and duration estimates use these row counts.")


def _table_line(t: CatalogTable) -> str:
    rows = "rows unknown" if t.rows is None else f"{t.rows:,} rows ({'COUNT(*)' if t.exact else 'statistics'})"
    return f"{t.name} {rows}" + (f", {_size(t.bytes)}" if t.bytes is not None else "")


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} TB"


def estimate_note(facts: LiveFacts) -> str:
    return f" (row counts from the live database at {facts.read_at})"


def table_warnings(facts: LiveFacts) -> list[str]:
    """The server's notes, then per named table what its migration must reckon with."""
    out = [f"Live database: {n}" for n in facts.server.notes]
    for name in facts.named:
        t = facts.tables[name]
        out += [f"Live database: {w}" for w in _facts_of(t) + t.notes]
    return out


def _facts_of(t: CatalogTable) -> list[str]:
    out = [f"constraint {k.name} on {t.name} is NOT VALID: rows written before it was added were never "
           f"checked ({k.definition})" for k in t.constraints if not k.validated]
    out += [f"index {i.name} on {t.name} is INVALID (a failed CREATE INDEX CONCURRENTLY?): drop it or rebuild "
            "it before relying on it" for i in t.indexes if not i.valid]
    if t.triggers:
        out.append(f"{t.name} has triggers {', '.join(t.triggers)}: they fire for every row a backfill or "
                   "batched update writes, and a table copy must carry them over")
    for view, columns in t.views.items():
        reads = f"columns {', '.join(columns)} of {t.name}" if columns else t.name
        out.append(f"view {view} reads {reads}: dropping, renaming or retyping them fails or breaks the view "
                   "until it is recreated")
    return out
