"""Live introspection time for a 200-table schema, on PostgreSQL and MariaDB.

A scratch database gets N tables (6 columns, a primary key, a foreign key to the table before,
a CHECK, an index, 100 rows each). In the same run, per engine, the median of --repeat runs of:
1. read_live of 1 table (the baseline: connect, server facts, one table, its COUNT(*)),
2. read_live of all N tables (one catalog query per kind for all of them, N exact counts),
3. with_live_facts for a request touching all N tables (2. plus the schema text, parsed),
4. generate() of that request with the schema and row counts typed in (no database), and
5. generate() of the same request given only the dsn,
each with its ratio to the baseline (1.), and (5.) to (4.): what the live read adds.

    python benchmarks/introspect.py [--tables 200] [--repeat 5] [--engines postgresql,mysql]
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbmig.api import generate, parse_request  # noqa: E402
from dbmig.dialects import get_dialect  # noqa: E402
from dbmig.live import read_live, with_live_facts  # noqa: E402
from dbmig.runners.engines import Server  # noqa: E402



def table_sql(i: int) -> list[str]:
    parent = f", CONSTRAINT fk_t{i:03}_parent FOREIGN KEY (parent_id) REFERENCES t{i - 1:03} (id)" if i else ""
    return [f"CREATE TABLE t{i:03} (id BIGINT NOT NULL, parent_id BIGINT, name VARCHAR(100) NOT NULL, "
            f"status VARCHAR(20) DEFAULT 'new' NOT NULL, amount DECIMAL(12,2) DEFAULT 0 NOT NULL, note TEXT, "
            f"CONSTRAINT pk_t{i:03} PRIMARY KEY (id), CONSTRAINT ck_t{i:03}_amount CHECK (amount >= 0){parent})",
            f"CREATE INDEX ix_t{i:03}_name ON t{i:03} (name)"]


def seed(kind: str, i: int) -> str:
    rows = ("SELECT g, NULL, 'n' || g, 'new', g, NULL FROM generate_series(1, 100) g" if kind == "postgresql" else
            "SELECT seq, NULL, CONCAT('n', seq), 'new', seq, NULL FROM seq_1_to_100")
    return f"INSERT INTO t{i:03} {rows}"


def request(kind: str, n: int, **extra) -> dict:
    return dict(migration_tool="flyway", database=kind, migration_type="schema", downtime_allowed=True,
                migration_description="benchmark introspection", author="bench",
                changes=[{"op": "add_column", "table": f"t{i:03}", "column": {"name": "flag", "type": "integer"}}
                         for i in range(n)], **extra)


def median_s(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(kind: str, n: int, repeat: int) -> None:
    server = Server.local(kind)
    dialect = get_dialect(kind)
    with server.scratch("introspect") as scratch:
        started = time.perf_counter()
        with contextlib.closing(server.connect(scratch.database)) as conn, conn.cursor() as cur:
            for i in range(n):
                for s in table_sql(i) + [seed(kind, i)]:
                    cur.execute(s)
        built = time.perf_counter() - started
        dsn = f"{'postgresql' if kind == 'postgresql' else 'mysql'}://{server.user}@{server.host}:{server.port}/{scratch.database}"
        names = [f"t{i:03}" for i in range(n)]
        filled, _ = with_live_facts(parse_request(request(kind, n, dsn=dsn)), dialect)
        typed = request(kind, n, schema=filled.schema_sql, table_rows=filled.table_rows,
                        database_version=filled.database_version)
        results = {
            "read_live, 1 table (baseline)": median_s(lambda: read_live(dsn, dialect, names[:1]), repeat),
            f"read_live, {n} tables": median_s(lambda: read_live(dsn, dialect, names), repeat),
            f"with_live_facts, {n} tables": median_s(
                lambda: with_live_facts(parse_request(request(kind, n, dsn=dsn)), dialect), repeat),
            f"generate, {n} tables typed in": median_s(lambda: generate(typed), repeat),
            f"generate, {n} tables from dsn": median_s(lambda: generate(request(kind, n, dsn=dsn)), repeat),
        }
    base = results["read_live, 1 table (baseline)"]
    print(f"\n{kind}: {n} tables built in {built:.1f} s; median of {repeat} runs")
    for label, seconds in results.items():
        print(f"  {label:<36} {seconds * 1000:9.1f} ms   x{seconds / base:6.1f} of baseline")
    typed_s, live_s = results[f"generate, {n} tables typed in"], results[f"generate, {n} tables from dsn"]
    print(f"  generate from dsn / typed in: x{live_s / typed_s:.2f} (the live read adds {(live_s - typed_s) * 1000:.0f} ms)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tables", type=int, default=200)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--engines", default="postgresql,mysql")
    a = p.parse_args()
    for kind in a.engines.split(","):
        run(kind, a.tables, a.repeat)


if __name__ == "__main__":
    main()
