"""Lock benchmark: what a live app feels while a migration runs, naive (T1) vs dbmig (T3).

A 1,000,000-row table, 4 threads of short app transactions (point update, insert, select)
written for the schema before the migration (the old app version); per scenario and engine: the
app's max stall and p99 latency during the migration, the statements of it that failed, and the
migration's wall time. Both forms are dbmig output (downtime allowed -> T1, the naive form;
not allowed -> T3), applied with the Flyway file runner, phase after phase.

    python benchmarks/lockbench.py [--rows 1000000] [--engines postgresql,mysql]
"""
from __future__ import annotations

import argparse
import contextlib
import random
import threading
import time

from dbmig.api import generate
from dbmig.runners import flyway
from dbmig.runners.engines import Server

SCHEMA = {
    "postgresql": "CREATE TABLE customers (id INTEGER PRIMARY KEY);\n"
                  "CREATE TABLE accounts (id INTEGER PRIMARY KEY, customer_id INTEGER, email VARCHAR(100), "
                  "balance INTEGER, note VARCHAR(50));",
    "mysql": "CREATE TABLE customers (id INT PRIMARY KEY);\n"
             "CREATE TABLE accounts (id INT PRIMARY KEY, customer_id INT, email VARCHAR(100), "
             "balance INT, note VARCHAR(50));",
}
FILL = {
    "postgresql": ["INSERT INTO customers SELECT g FROM generate_series(1, 1000) g",
                   "INSERT INTO accounts SELECT g, 1 + g % 1000, 'u' || g || '@x.org', g % 5000, 'n' "
                   "FROM generate_series(1, {rows}) g", "VACUUM ANALYZE accounts"],
    "mysql": ["INSERT INTO customers SELECT seq FROM seq_1_to_1000",
              "INSERT INTO accounts SELECT seq, 1 + seq % 1000, CONCAT('u', seq, '@x.org'), seq % 5000, 'n' "
              "FROM seq_1_to_{rows}", "ANALYZE TABLE accounts"],
}
SCENARIOS = {
    "add index": [{"op": "add_index", "table": "accounts", "columns": ["email"]}],
    "add NOT NULL column": [{"op": "add_column", "table": "accounts",
                             "column": {"name": "flag", "type": "integer", "nullable": False, "default": "0"}}],
    "set NOT NULL": [{"op": "set_not_null", "table": "accounts", "column": "email"}],
    "add FK": [{"op": "add_foreign_key", "table": "accounts", "columns": ["customer_id"],
                "ref_table": "customers", "ref_columns": ["id"]}],
    "int -> bigint": [{"op": "alter_column_type", "table": "accounts", "column": "balance", "type": "bigint"}],
    "rename column": [{"op": "rename_column", "table": "accounts", "column": "note", "new_name": "memo"}],
    # the old app keeps using `accounts`: naive, it fails from the rename on; dbmig keeps the name
    # as a view (PostgreSQL) until contract, and aborts on MySQL (no transactional DDL)
    "rename table": [{"op": "rename_table", "table": "accounts", "new_name": "ledger"}],
}


class App:
    """4 threads of short transactions; latencies recorded with their start time."""

    def __init__(self, server: Server, database: str, rows: int, threads: int = 4):
        self.server, self.database, self.rows = server, database, rows
        self.samples: list[tuple[float, float]] = []
        self.errors: list[float] = []            # start times of app statements that failed
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.work, args=(i,), daemon=True) for i in range(threads)]

    def work(self, n: int) -> None:
        rnd, next_id = random.Random(n), self.rows + 1_000_000 * (n + 1)
        with contextlib.closing(self.server.connect(self.database)) as conn, conn.cursor() as cur:
            while not self.stop.is_set():
                k, start = rnd.randint(1, self.rows), time.perf_counter()
                op = rnd.random()
                next_id += op >= 0.5 and op < 0.7
                try:
                    self.statement(cur, op, k, next_id)
                except Exception:  # noqa: BLE001 - a failed app statement is what we count
                    self.errors.append(start)
                self.samples.append((start, time.perf_counter() - start))
                time.sleep(0.002)

    @staticmethod
    def statement(cur, op: float, k: int, next_id: int) -> None:
        if op < 0.5:
            cur.execute(f"UPDATE accounts SET balance = balance + 1 WHERE id = {k}")
        elif op < 0.7:
            cur.execute(f"INSERT INTO accounts (id, customer_id, email, balance) VALUES "
                        f"({next_id}, {1 + k % 1000}, 'new{next_id}@x.org', 1)")
        else:
            cur.execute(f"SELECT balance FROM accounts WHERE id = {k}")
            cur.fetchall()

    def __enter__(self):
        for t in self.threads:
            t.start()
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()

    def window(self, t0: float, t1: float, contract: float | None) -> tuple[float, float, int]:
        """Max stall and p99 of the statements running while the migration ran, and how many
        failed from the migration's start on (until its contract phase, which the old app
        version must not outlive)."""
        lat = sorted(d for s, d in self.samples if s + d >= t0 and s <= t1)
        failed = sum(1 for s in self.errors if t0 <= s < (contract or float("inf")))
        if not lat:
            return 0.0, 0.0, failed
        return lat[-1], lat[min(len(lat) - 1, int(len(lat) * 0.99))], failed


def apply(scratch, result) -> float | None:
    """Phase after phase, as the deploy would; returns when the contract phase began: from then
    on the plan expects the new app version, which this benchmark does not deploy."""
    contract = None
    for phase in result.phases or [type("P", (), {"files": result.files, "name": "migrate"})]:
        if phase.name == "contract":
            contract = time.perf_counter()
        flyway.upgrade(scratch, {f.filename: f.content for f in phase.files})
    return contract


def run(engine: str, scenario: str, downtime: bool, rows: int) -> tuple[float, float, int, float]:
    server = Server.local(engine)
    req = dict(migration_tool="flyway", database=engine, migration_type="schema", downtime_allowed=downtime,
               migration_description=f"lockbench {scenario}", changes=SCENARIOS[scenario],
               schema=SCHEMA[engine], table_rows={"accounts": rows, "customers": 1000})
    result = generate(req)
    with server.scratch("lockbench") as scratch:
        scratch.execute(SCHEMA[engine].split(";\n") + [s.format(rows=rows) for s in FILL[engine]])
        with App(server, scratch.database, rows) as app:
            t0 = time.perf_counter()
            contract = apply(scratch, result)
            t1 = time.perf_counter()
            time.sleep(0.3)
        stall, p99, failed = app.window(t0, t1, contract)
    return stall, p99, failed, t1 - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--engines", default="postgresql,mysql")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = ap.parse_args()
    print(f"{'engine':<11}{'scenario':<22}{'naive stall':>12}{'p99':>8}{'errors':>8}{'wall':>8}"
          f"{'dbmig stall':>13}{'p99':>8}{'errors':>8}{'wall':>8}")
    for engine in args.engines.split(","):
        for scenario in args.scenarios.split(","):
            cells = []
            for downtime in (True, False):
                try:
                    cells.append("%10.0fms%6.0fms%8d%7.1fs" % tuple(
                        x * f for x, f in zip(run(engine, scenario, downtime, args.rows), (1000, 1000, 1, 1))))
                except Exception as e:  # noqa: BLE001 - a failed form is a result too
                    cells.append(f"  failed: {str(e).splitlines()[0][:40]}")
            print(f"{engine:<11}{scenario:<22}{cells[0]}  {cells[1]}", flush=True)


if __name__ == "__main__":
    main()
