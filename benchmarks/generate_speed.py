"""In-process generate time for T1 requests, per tool, against a baseline in the same run.

Baseline: validating the request with pydantic alone (the floor every call pays). Prints
p50/p99 in milliseconds and the ratio to the baseline.
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
from tests.roundtrip_cases import request  # noqa: E402


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(xs: list[float], p: float) -> float:
    return sorted(xs)[min(len(xs) - 1, int(len(xs) * p))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    n = ap.parse_args().n
    req = request("add_column_not_null_default", "flyway", "postgresql")
    generate(req)  # warm imports and caches
    base = timed(lambda: MigrationRequest.model_validate(req), n)
    print(f"{'request':44} {'p50 ms':>8} {'p99 ms':>8} {'x baseline':>10}")
    print(f"{'baseline: request validation only':44} {statistics.median(base):8.3f} {pct(base, .99):8.3f} {1:10.1f}")
    for tool in ("flyway", "liquibase", "alembic"):
        for case in ("add_column_not_null_default", "drop_column"):
            r = request(case, tool, "postgresql")
            try:
                xs = timed(lambda: generate(r), n)
            except Exception as e:  # noqa: BLE001 - a tool not built yet is reported, not fatal
                print(f"{tool + ' ' + case:44} unavailable: {e}")
                continue
            print(f"{tool + ' ' + case:44} {statistics.median(xs):8.3f} {pct(xs, .99):8.3f} "
                  f"{statistics.median(xs) / statistics.median(base):10.1f}")


if __name__ == "__main__":
    main()
