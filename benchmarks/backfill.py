"""Batched backfill vs one big UPDATE, under app load, on PostgreSQL and MariaDB.

A 1,000,000-row table; 4 writer threads update random rows (the app) all along. In the same run:
1. dbmig's batched backfill (the data step of a `backfill` request, run as generated),
2. one `UPDATE ... WHERE col IS NULL` of the same work on a twin column.
For each: the migration's duration and rows/s, and the app's p50 / p99 latency and max stall.

    python benchmarks/backfill.py [--rows 1000000] [--writers 4] [--engines postgresql,mysql]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbmig.api import parse_request  # noqa: E402
from dbmig.dialects import get_dialect  # noqa: E402
from dbmig.intake import changes_for  # noqa: E402
from dbmig.plan import build_plan  # noqa: E402
from dbmig.runners.engines import Scratch, Server  # noqa: E402

SCHEMA = {
    "postgresql": "CREATE TABLE bench (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL, score INTEGER NOT NULL, "
                  "region VARCHAR(20), region2 VARCHAR(20))",
    "mysql": "CREATE TABLE bench (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL, score INT NOT NULL, "
             "region VARCHAR(20), region2 VARCHAR(20))",
}
SEED = {
    "postgresql": "INSERT INTO bench SELECT g, 'u' || g || '@ex.com', 0, NULL, NULL FROM generate_series(1, {n}) g",
    "mysql": "INSERT INTO bench SELECT seq, CONCAT('u', seq, '@ex.com'), 0, NULL, NULL FROM seq_1_to_{n}",
}
VALUE = "UPPER(SUBSTRING(email, 1, 2))"


def batched_statements(database: str, rows: int) -> list[str]:
    """The forward SQL of dbmig's data step for `backfill bench.region`."""
    request = parse_request(dict(
        migration_tool="flyway", database=database, migration_type="data", downtime_allowed=True,
        migration_description="benchmark backfill", schema=SCHEMA[database], table_rows={"bench": rows},
        changes=[{"op": "backfill", "table": "bench", "column": "region", "value": VALUE}]))
    dialect = get_dialect(database)
    changes, _ = changes_for(request, dialect)
    plan, _ = build_plan(request, dialect, changes)
    return [s for step in plan.steps for s in step.session + step.forward]


class App:
    """Writer threads: single-row UPDATEs by random key, each latency recorded with its time."""

    def __init__(self, scratch: Scratch, writers: int, rows: int):
        self.scratch, self.rows, self.stop = scratch, rows, threading.Event()
        self.samples: list[tuple[float, float]] = []
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(writers)]

    def _run(self, seed: int) -> None:
        rnd = random.Random(seed)
        conn = self.scratch.server.connect(self.scratch.database)
        with conn.cursor() as cur:
            while not self.stop.is_set():
                start = time.perf_counter()
                cur.execute(f"UPDATE bench SET score = score + 1 WHERE id = {rnd.randint(1, self.rows)}")
                self.samples.append((start, time.perf_counter() - start))
                time.sleep(0.001)
        conn.close()

    def __enter__(self) -> "App":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def between(self, t0: float, t1: float) -> list[float]:
        return [lat for start, lat in self.samples if t0 <= start <= t1]


def timed(scratch: Scratch, statements: list[str]) -> tuple[float, float, float]:
    start = time.perf_counter()
    scratch.execute(statements)
    return start, time.perf_counter(), time.perf_counter() - start


def measure(database: str, rows: int, writers: int) -> list[dict]:
    server = Server.local(database)
    with server.scratch("bench") as scratch:
        scratch.execute([SCHEMA[database], SEED[database].format(n=rows)])
        scratch.execute(["ANALYZE bench" if database == "postgresql" else "ANALYZE TABLE bench"])
        batched = batched_statements(database, rows)
        single = [f"UPDATE bench SET region2 = {VALUE} WHERE region2 IS NULL"]
        out = []
        with App(scratch, writers, rows) as app:
            time.sleep(2)
            base = app.between(0, time.perf_counter())
            for name, statements in (("batched (dbmig)", batched), ("one UPDATE", single)):
                t0, t1, seconds = timed(scratch, statements)
                time.sleep(1)           # writes blocked until t1 report their latency after it
                out.append(_row(database, name, rows, seconds, app.between(t0, t1)))
        out.insert(0, _row(database, "no migration", 0, 0, base))
        return out


def _row(database: str, name: str, rows: int, seconds: float, lat: list[float]) -> dict:
    lat = sorted(lat) or [0.0]
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    return dict(engine=database, run=name, seconds=seconds, rows_s=rows / seconds if seconds else 0,
                ops=len(lat), p50_ms=statistics.median(lat) * 1000, p99_ms=p99 * 1000, max_ms=lat[-1] * 1000)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--engines", default="postgresql,mysql")
    args = ap.parse_args()
    rows = [r for e in args.engines.split(",") for r in measure(e, args.rows, args.writers)]
    print(f"{'engine':<11} {'run':<16} {'seconds':>8} {'rows/s':>9} {'app ops':>8} {'p50 ms':>7} "
          f"{'p99 ms':>8} {'max stall ms':>13}")
    for r in rows:
        print(f"{r['engine']:<11} {r['run']:<16} {r['seconds']:>8.1f} {r['rows_s']:>9,.0f} {r['ops']:>8} "
              f"{r['p50_ms']:>7.1f} {r['p99_ms']:>8.1f} {r['max_ms']:>13.1f}")


if __name__ == "__main__":
    main()
