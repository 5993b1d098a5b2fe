"""In-process generate time for T1 and T3 requests, against a baseline in the same run.

Baseline: validating the request with pydantic alone (the floor every call pays). Prints
p50/p99 in milliseconds (wall clock), the ratio of the p50 to the baseline's, the CPU time
p50 of the calling thread (steadier than the wall clock on a machine shared with other work)
and the target of issue 21 (p50: T1 <= 1 ms, T3 <= 5 ms). Each request is timed twice:
repeated with warm caches (an agent resending its project's schema and statements), and
with dbmig's parse caches emptied before every call (statements this process never saw).

`--against CHECKOUT` loads another checkout's dbmig (e.g. main) in this same process and
times its calls interleaved with this one's, call for call: a before/after comparison that
load on the machine cannot skew.
    python benchmarks/generate_speed.py [--n 200] [--against /path/to/other/checkout]
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dbmig.api import generate  # noqa: E402
from dbmig.models import MigrationRequest  # noqa: E402
from tests.golden.build import requests as golden  # noqa: E402
from tests.roundtrip_cases import request  # noqa: E402
from tests.test_mcp_stdio import t3_request  # noqa: E402

TARGET_P50_MS = {"T1": 1.0, "T3": 5.0}
# T3: zero-downtime plans (expand / migrate / contract) of tests/test_zero_downtime.py ZD_CASES,
# as the golden set builds them, plus benchmarks/mcp_latency.py's rename on PostgreSQL.
T3_GOLDEN = ["t3/rename_column/postgresql/flyway", "t3/set_not_null/postgresql/liquibase",
             "t3/int_to_bigint/postgresql/alembic", "t3/add_index/mysql/flyway",
             "t3/rename_column/mysql/liquibase", "t3/split_column/postgresql/flyway"]
# The process-wide parse caches, by module and name (a checkout may have only some of them).
CACHES = [("sqlparse", "_kept"), ("sqlcheck", "_problem"), ("schema", "_statements"), ("schema", "_read_schema"),
          ("plan.sqlexpr", "expression"),
          ("lint.rules._pg", "_plpgsql_statements"), ("lint.rules._pg", "_kept"), ("sources.alembic", "module_tree"),
          ("gate", "_malformed")]


def requests() -> dict[str, list[tuple[str, dict]]]:
    t1 = [(f"{tool} {case}", request(case, tool, "postgresql"))
          for tool in ("flyway", "liquibase", "alembic") for case in ("add_column_not_null_default", "drop_column")]
    stored = golden()
    t3 = [("flyway rename_column (mcp_latency)", t3_request())] + [(name[3:], stored[name]) for name in T3_GOLDEN]
    return {"T1": t1, "T3": t3}


class Version:
    """One checkout's dbmig: its generate and a way to empty its parse caches."""

    def __init__(self, name: str, package: str):
        self.name, self.package = name, package
        self.generate = importlib.import_module(f"{package}.api").generate

    def clear_caches(self) -> None:
        for module, name in CACHES:
            try:
                getattr(importlib.import_module(f"{self.package}.{module}"), name).cache_clear()
            except (ImportError, AttributeError):
                pass


def load_checkout(path: Path) -> Version:
    """The checkout's skill/ package imported as `dbmig_before` (dbmig's modules import each
    other relatively, so two versions live side by side in one process)."""
    skill = path.resolve() / "skill"
    spec = importlib.util.spec_from_file_location("dbmig_before", skill / "__init__.py",
                                                  submodule_search_locations=[str(skill)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["dbmig_before"] = module
    spec.loader.exec_module(module)
    return Version(f"before ({path})", "dbmig_before")


def timed(fns: list, n: int, befores: list | None = None) -> list[tuple[list[float], list[float]]]:
    """Wall and thread CPU milliseconds of n calls of each fn, the fns interleaved call by call."""
    out = [([], []) for _ in fns]
    for _ in range(n):
        for k, fn in enumerate(fns):
            if befores:
                befores[k]()
            t, c = time.perf_counter(), time.thread_time()
            fn()
            out[k][1].append((time.thread_time() - c) * 1000)
            out[k][0].append((time.perf_counter() - t) * 1000)
    return out


def pct(xs: list[float], p: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(len(xs) * p))]


def row(label: str, xs: tuple[list[float], list[float]], base: float, target: str = "") -> str:
    wall, cpu = xs
    return (f"{label:66} {statistics.median(wall):8.3f} {pct(wall, .99):8.3f} "
            f"{statistics.median(wall) / base:10.1f} {statistics.median(cpu):8.3f} {target:>10}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--against", type=Path, help="another checkout to time side by side (before)")
    args = ap.parse_args()
    versions = ([load_checkout(args.against)] if args.against else []) + [Version("this checkout", "dbmig")]
    tiers = requests()
    for v in versions:
        for _, req in tiers["T1"] + tiers["T3"]:
            v.generate(req)  # warm imports and caches
    base_req = tiers["T1"][0][1]
    (base,) = timed([lambda: MigrationRequest.model_validate(base_req)], args.n)
    b50 = statistics.median(base[0])
    print(f"{'request':66} {'p50 ms':>8} {'p99 ms':>8} {'x baseline':>10} {'cpu p50':>8} {'target p50':>10}")
    print(row("baseline: request validation only", base, b50))
    for tier, cases in tiers.items():
        for cold in (False, True):
            every = [([], []) for _ in versions]
            for label, req in cases:
                fns = [lambda v=v: v.generate(req) for v in versions]
                results = timed(fns, args.n, [v.clear_caches for v in versions] if cold else None)
                for k, (v, xs) in enumerate(zip(versions, results)):
                    every[k][0].extend(xs[0])
                    every[k][1].extend(xs[1])
                    print(row(_label(tier, label, cold, v, versions), xs, b50))
            for v, xs in zip(versions, every):
                print(row(_label(tier, "all requests", cold, v, versions), xs, b50, f"<= {TARGET_P50_MS[tier]:g} ms"))


def _label(tier: str, label: str, cold: bool, version: Version, versions: list[Version]) -> str:
    return (f"{tier} {label}" + (", caches cleared" if cold else "")
            + (f" [{version.name.split(' ')[0]}]" if len(versions) > 1 else ""))


if __name__ == "__main__":
    main()
