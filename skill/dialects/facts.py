"""One database's lock and cost facts: `data/<database>.toml` spread over `data/common.toml`.

The planner (each Step's lock and estimate), explain_migration (per statement), the lint rules
and the deployment guide all read these, so every path tells the same story about what an
operation locks, what that blocks and how long it takes. The file format is described at the
top of data/common.toml.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from . import parse_version
from .volatility import data_text

# What a duration can be proportional to (see data/common.toml).
WORK = ("catalog", "scan", "index", "rewrite", "update", "batched_update", "none", "unknown")
CATALOG = "< 1 s (catalog change; waits first for running transactions on the table)"


@dataclass(frozen=True)
class Lock:
    """The lock an operation takes on a database, and what it costs."""

    level: str                  # e.g. "ACCESS EXCLUSIVE", "metadata lock (INSTANT)"
    blocks: str                 # "reads and writes", "writes", "nothing (brief metadata lock)"
    rewrite: bool = False       # the table is copied row by row under the lock
    scan: bool = False          # the table is read in full under the lock (validation, index build)
    work: str | None = None     # what the duration is proportional to (None: from the flags)
    online: bool = False        # reads and writes go on during that rewrite or scan

    @property
    def cost(self) -> str:
        """What the duration is proportional to: one of WORK."""
        return self.work or ("rewrite" if self.rewrite else "scan" if self.scan else "catalog")

    @property
    def holds_app(self) -> bool:
        """Reads and writes wait while it is held, however briefly (the facts' wording: `blocks`
        starts with "reads and writes"): a zero-downtime step puts it behind its lock timeout."""
        return self.blocks.startswith("reads and writes")

    @property
    def blocking(self) -> bool:
        """The app waits while the table is rewritten or scanned: it needs a window."""
        return (self.rewrite or self.scan) and not self.online


@cache
def _load(name: str) -> dict:
    import tomllib
    return tomllib.loads(data_text(f"{name}.toml"))


class Facts:
    """The facts of one database; unknown operations fall back to data/common.toml."""

    def __init__(self, database: str):
        common, own = _load("common"), _load(database)
        self.rates: dict[str, int] = {**common["rates"], **own.get("rates", {})}
        self.texts: dict[str, str] = {**common["texts"], **own.get("texts", {})}
        ops = {**common["op"]}
        for op, entry in own.get("op", {}).items():
            ops[op] = {**ops.get(op, {}), **entry}
        self._ops = ops
        self._variants: dict[tuple[str, tuple[int, ...]], str] = {}

    def __contains__(self, op: str) -> bool:
        return "lock" in self._ops.get(op, {})

    @property
    def ops(self) -> list[str]:
        """Every operation with a lock fact (not its per-version entries)."""
        return [op for op in self._ops if op in self and "@" not in op]

    def _variant(self, op: str, version: tuple[int, ...]) -> str:
        """`op@N` for the highest N <= version, else `op` (kept: a plan asks for the same few)."""
        key = (op, version)
        found = self._variants.get(key)
        if found is None:
            found = self._variants[key] = self._fitting(op, version)
        return found

    def _fitting(self, op: str, version: tuple[int, ...]) -> str:
        fitting = sorted((parse_version(k.split("@", 1)[1]), k) for k in self._ops
                         if k.startswith(f"{op}@") and version and parse_version(k.split("@", 1)[1]) <= version)
        return fitting[-1][1] if fitting else op

    def lock(self, op: str, version: tuple[int, ...] = (), **parts: object) -> Lock:
        """The lock of `op` on `version` (its `op@N` entry for the highest N <= version, spread
        over `op`'s; none given: `op`'s own); `parts` fill placeholders such as {batch}."""
        e = {**self._ops[op], **self._ops.get(self._variant(op, version), {})}
        if "lock" not in e:
            raise KeyError(op)
        work = e.get("work")
        if work is not None and work not in WORK:
            raise ValueError(f"facts: {op}.work {work!r} is not one of {WORK}")
        fill = _Keep(parts)
        return Lock(e["lock"].format_map(fill), e["blocks"].format_map(fill), e.get("rewrite", False),
                    e.get("scan", False), work, e.get("online", False))

    def what(self, op: str) -> str:
        return self._ops.get(op, {}).get("what") or self._ops["other"]["what"]

    def estimate(self, table: str | None, rows: int | None, work: str | None) -> str:
        """How long `work` on `table` takes with `rows` rows (None: unknown)."""
        if work in (None, "catalog"):
            return CATALOG
        if work == "none":
            return "instant"
        if work == "unknown":
            return "unknown: review the statements"
        label = work.replace("_", " ")
        if rows is None:
            return f"proportional to the rows of {table or 'the table'} ({label}); pass `table_rows` for a figure"
        return f"{duration(rows / self.rates[work])} for {rows:,} rows ({label})"

    def seconds(self, rows: int, work: str) -> float:
        return rows / self.rates[work]


class _Keep(dict):
    """Placeholders not given stay as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def duration(seconds: float) -> str:
    if seconds < 1:
        return "< 1 s"
    if seconds < 120:
        return f"~{seconds:.0f} s"
    return f"~{seconds / 60:.0f} min"
