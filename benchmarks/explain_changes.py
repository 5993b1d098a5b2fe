"""explain_migration of N add_column changes on one table, against one build_plan of the same
request in the same run (the floor: explain plans it directly, plans it zero-downtime, and lints
the script). Prints the median wall time of each in milliseconds and their ratio.

    python benchmarks/explain_changes.py [--changes 200] [--runs 5] [--database postgresql]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbmig.api import parse_request  # noqa: E402
from dbmig.dialects import get_dialect  # noqa: E402
from dbmig.explain import explain_migration  # noqa: E402
from dbmig.explain_changes import PLAN_FIELDS  # noqa: E402
from dbmig.plan import build_plan  # noqa: E402

SCHEMA = "CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, amount integer)"


def changes(n: int) -> list[dict]:
    return [{"op": "add_column", "table": "orders", "column": {"name": f"c{i}", "type": "integer"}}
            for i in range(n)]


def median_ms(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--database", default="postgresql")
    a = ap.parse_args()
    todo, dialect = changes(a.changes), get_dialect(a.database)
    # the request explain plans: the same fields, downtime allowed
    request = parse_request(dict(PLAN_FIELDS, database=a.database, downtime_allowed=True, changes=todo,
                                 schema=SCHEMA, table_rows={}))
    plan = lambda: build_plan(request, dialect, list(request.changes))  # noqa: E731
    explain = lambda: explain_migration(a.database, changes=todo, schema=SCHEMA)  # noqa: E731
    entries = len(explain()["statements"])   # warms imports and caches
    plan()
    base, took = median_ms(plan, a.runs), median_ms(explain, a.runs)
    print(f"{a.changes} add_column changes on one table, {a.database}, median of {a.runs} runs")
    print(f"{'one build_plan (baseline)':34} {base:9.1f} ms")
    print(f"{'explain_migration(changes=...)':34} {took:9.1f} ms  ({entries} entries)")
    print(f"{'ratio explain / build_plan':34} {took / base:9.1f} x")


if __name__ == "__main__":
    main()
