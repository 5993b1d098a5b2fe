"""In-process generate time for T1 and T3 requests, against a baseline in the same run.

Baseline: validating the request with pydantic alone (the floor every call pays). Prints
p50/p99 in milliseconds (wall clock), the ratio of the p50 to the baseline's, the CPU time
p50 of the calling thread (steadier than the wall clock on a machine shared with other work)
and the target of issue 21 (p50: T1 <= 1 ms, T3 <= 5 ms). Each request is timed twice: repeated with warm caches (an agent
resending its project's schema and statements), and with dbmig's parse caches emptied
before every call (a request whose statements this process never saw).
    python benchmarks/generate_speed.py [--n 200]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def requests() -> dict[str, list[tuple[str, dict]]]:
    t1 = [(f"{tool} {case}", request(case, tool, "postgresql"))
          for tool in ("flyway", "liquibase", "alembic") for case in ("add_column_not_null_default", "drop_column")]
    stored = golden()
    t3 = [("flyway rename_column (mcp_latency)", t3_request())] + [(name[3:], stored[name]) for name in T3_GOLDEN]
    return {"T1": t1, "T3": t3}


def clear_caches() -> None:
    """Empty the process-wide parse caches (those this version has: the script also measures
    older checkouts)."""
    from importlib import import_module
    for module, name in [("dbmig.sqlparse", "_kept"), ("dbmig.sqlcheck", "_problem"),
                         ("dbmig.schema", "_statements"), ("dbmig.lint.rules._pg", "_plpgsql_statements")]:
        try:
            getattr(import_module(module), name).cache_clear()
        except (ImportError, AttributeError):
            pass


def timed(fn, n: int, before=None) -> tuple[list[float], list[float]]:
    """Wall and thread CPU milliseconds of each of n calls."""
    wall, cpu = [], []
    for _ in range(n):
        if before:
            before()
        t, c = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    return wall, cpu


def pct(xs: list[float], p: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(len(xs) * p))]


def row(label: str, xs: tuple[list[float], list[float]], base: float, target: str = "") -> str:
    wall, cpu = xs
    return (f"{label:56} {statistics.median(wall):8.3f} {pct(wall, .99):8.3f} "
            f"{statistics.median(wall) / base:10.1f} {statistics.median(cpu):8.3f} {target:>10}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    n = ap.parse_args().n
    tiers = requests()
    for _, req in tiers["T1"] + tiers["T3"]:
        generate(req)  # warm imports and caches
    base_req = tiers["T1"][0][1]
    base = timed(lambda: MigrationRequest.model_validate(base_req), n)
    b50 = statistics.median(base[0])
    print(f"{'request':56} {'p50 ms':>8} {'p99 ms':>8} {'x baseline':>10} {'cpu p50':>8} {'target p50':>10}")
    print(row("baseline: request validation only", base, b50))
    for tier, cases in tiers.items():
        for cold, before in (("", None), (", caches cleared", clear_caches)):
            every: tuple[list[float], list[float]] = ([], [])
            for label, req in cases:
                xs = timed(lambda: generate(req), n, before)
                every[0].extend(xs[0])
                every[1].extend(xs[1])
                print(row(f"{tier} {label}{cold}", xs, b50))
            target = f"<= {TARGET_P50_MS[tier]:g} ms"
            print(row(f"{tier} all requests{cold}", every, b50, target))


if __name__ == "__main__":
    main()
