"""Lock benchmark: what a live app feels while a migration runs, and what the migration writes.

A table of 1,000,000 rows, 4 threads of short app transactions (point update, insert, select)
written for the schema before the migration (the old app version). Per scenario and engine,
three forms of the same change, one after the other on a fresh copy of the table:

- naive: dbmig's T1 output (downtime allowed), or one UPDATE for the backfill;
- hand: the safe form an experienced DBA writes by hand (CONCURRENTLY / NOT VALID + VALIDATE /
  ALGORITHM=... LOCK=NONE / a trigger with UPDATE OF and a keyset-batched UPDATE run from the
  client, a batch per transaction), see HAND;
- dbmig: dbmig's T3 output (no downtime), applied phase after phase with the Flyway file runner.

For each: the app's max stall and p99 latency while it ran, the app statements that failed,
the migration's wall time, and the WAL (PostgreSQL: pg_current_wal_lsn) or redo (MariaDB:
Innodb_lsn_current) it wrote. Both counters are server-wide: the app's own writes (and anyone
else's) are taken out by the rate measured in the second before the migration, with the app
running (printed as `bg`). Then dbmig's figures against the hand-written form's, and whether the
table was rewritten (PostgreSQL: relfilenode, MariaDB: InnoDB table id) next to what dbmig's
deployment guide says about it.

    python benchmarks/lockbench.py [--rows 1000000] [--repeat 3] [--engines postgresql,mysql] [--scenarios ...]

With --repeat N the three forms run N times interleaved (naive, hand, dbmig, naive, ...) and each
figure is the median of its N runs.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, fields

from dbmig.api import generate
from dbmig.runners import flyway
from dbmig.runners.engines import Server

SCHEMA = {
    "postgresql": "CREATE TABLE customers (id INTEGER PRIMARY KEY);\n"
                  "CREATE TABLE accounts (id INTEGER PRIMARY KEY, customer_id INTEGER, email VARCHAR(100), "
                  "balance INTEGER, note VARCHAR(50), region VARCHAR(20));",
    "mysql": "CREATE TABLE customers (id INT PRIMARY KEY);\n"
             "CREATE TABLE accounts (id INT PRIMARY KEY, customer_id INT, email VARCHAR(100), "
             "balance INT, note VARCHAR(50), region VARCHAR(20));",
}
FILL = {
    "postgresql": ["INSERT INTO customers SELECT g FROM generate_series(1, 1000) g",
                   "INSERT INTO accounts SELECT g, 1 + g % 1000, 'u' || g || '@x.org', g % 5000, 'n', NULL "
                   "FROM generate_series(1, {rows}) g", "VACUUM ANALYZE accounts", "CHECKPOINT"],
    "mysql": ["INSERT INTO customers SELECT seq FROM seq_1_to_1000",
              "INSERT INTO accounts SELECT seq, 1 + seq % 1000, CONCAT('u', seq, '@x.org'), seq % 5000, 'n', NULL "
              "FROM seq_1_to_{rows}", "ANALYZE TABLE accounts"],
}
REGION = "UPPER(SUBSTRING(email, 1, 2))"
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
    "backfill": [{"op": "backfill", "table": "accounts", "column": "region", "value": REGION}],
}
DATA = {"backfill"}                         # migration_type "data"
NAIVE = {"backfill": {"postgresql": [f"UPDATE accounts SET region = {REGION} WHERE region IS NULL"],
                      "mysql": [f"UPDATE accounts SET region = {REGION} WHERE region IS NULL"]}}


class Batches(str):
    """A statement with {lo} and {hi}, run by the client for each key range of 1,000 rows, each
    batch in its own transaction (autocommit): the hand-written batched UPDATE."""


PG_SYNC = ("CREATE FUNCTION sync_memo() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.memo := NEW.note; "
           "RETURN NEW; END $$")
# The safe form a DBA writes by hand; one list per phase (the app keeps running between them).
HAND = {
    "postgresql": {
        "add index": [["CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email)"]],
        "add NOT NULL column": [["SET lock_timeout = '2s'",
                                 "ALTER TABLE accounts ADD COLUMN flag INTEGER NOT NULL DEFAULT 0"]],
        "set NOT NULL": [["SET lock_timeout = '2s'",
                          "ALTER TABLE accounts ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID",
                          "ALTER TABLE accounts VALIDATE CONSTRAINT email_nn",
                          "ALTER TABLE accounts ALTER COLUMN email SET NOT NULL",
                          "ALTER TABLE accounts DROP CONSTRAINT email_nn"]],
        "add FK": [["SET lock_timeout = '2s'",
                    "ALTER TABLE accounts ADD CONSTRAINT accounts_customer_fk FOREIGN KEY (customer_id) "
                    "REFERENCES customers (id) NOT VALID",
                    "ALTER TABLE accounts VALIDATE CONSTRAINT accounts_customer_fk"]],
        "rename column": [["SET lock_timeout = '2s'", "ALTER TABLE accounts ADD COLUMN memo VARCHAR(50)", PG_SYNC,
                           "CREATE TRIGGER sync_memo BEFORE INSERT OR UPDATE OF note ON accounts FOR EACH ROW "
                           "EXECUTE FUNCTION sync_memo()"],
                          [Batches("UPDATE accounts SET memo = note WHERE id > {lo} AND id <= {hi} "
                                   "AND memo IS DISTINCT FROM note")],
                          ["SET lock_timeout = '2s'", "DROP TRIGGER sync_memo ON accounts", "DROP FUNCTION sync_memo()",
                           "ALTER TABLE accounts DROP COLUMN note"]],
        "backfill": [[Batches(f"UPDATE accounts SET region = {REGION} WHERE id > {{lo}} AND id <= {{hi}} "
                              "AND region IS NULL")]],
    },
    "mysql": {
        "add index": [["ALTER TABLE accounts ADD INDEX accounts_email_idx (email), ALGORITHM=INPLACE, LOCK=NONE"]],
        "add NOT NULL column": [["SET SESSION lock_wait_timeout = 2",
                                 "ALTER TABLE accounts ADD COLUMN flag INT NOT NULL DEFAULT 0, ALGORITHM=INSTANT"]],
        "set NOT NULL": [["SET SESSION lock_wait_timeout = 2",
                          "ALTER TABLE accounts MODIFY email VARCHAR(100) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE"]],
        "add FK": [["SET SESSION lock_wait_timeout = 2", "SET SESSION foreign_key_checks = 0",
                    "ALTER TABLE accounts ADD CONSTRAINT accounts_customer_fk FOREIGN KEY (customer_id) "
                    "REFERENCES customers (id), ALGORITHM=INPLACE, LOCK=NONE"]],
        "rename column": [["SET SESSION lock_wait_timeout = 2",
                           "ALTER TABLE accounts ADD COLUMN memo VARCHAR(50), ALGORITHM=INSTANT",
                           "CREATE TRIGGER sync_memo_i BEFORE INSERT ON accounts FOR EACH ROW SET NEW.memo = NEW.note",
                           "CREATE TRIGGER sync_memo_u BEFORE UPDATE ON accounts FOR EACH ROW SET NEW.memo = NEW.note"],
                          [Batches("UPDATE accounts SET memo = note WHERE id > {lo} AND id <= {hi} "
                                   "AND NOT (memo <=> note)")],
                          ["SET SESSION lock_wait_timeout = 2", "DROP TRIGGER sync_memo_i", "DROP TRIGGER sync_memo_u",
                           "ALTER TABLE accounts DROP COLUMN note, ALGORITHM=INSTANT"]],
        "backfill": [[Batches(f"UPDATE accounts SET region = {REGION} WHERE id > {{lo}} AND id <= {{hi}} "
                              "AND region IS NULL")]],
    },
}
WRITTEN = {"postgresql": "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')",
           "mysql": "SHOW GLOBAL STATUS LIKE 'Innodb_lsn_current'"}
TABLE_ID = {"postgresql": "SELECT relfilenode FROM pg_class WHERE relname = 'accounts'",
            "mysql": "SELECT table_id FROM information_schema.innodb_sys_tables WHERE name = '{db}/accounts'"}


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
            cur.execute(f"INSERT INTO accounts (id, customer_id, email, balance, note) VALUES "
                        f"({next_id}, {1 + k % 1000}, 'new{next_id}@x.org', 1, 'n')")
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


@dataclass
class Figures:
    stall: float            # s
    p99: float              # s
    failed: int
    wall: float             # s
    written: float          # bytes of WAL / redo, the background rate taken out
    background: float       # bytes/s written before the migration (the app, other users)
    rewrote: bool           # the table got a new relfilenode / InnoDB table id


def median(runs: list[Figures]) -> Figures:
    return Figures(*(statistics.median(getattr(r, f.name) for r in runs) if f.type != "bool"
                     else any(getattr(r, f.name) for r in runs) for f in fields(Figures)))


def run_dbmig(scratch, result) -> float | None:
    """Phase after phase, as the deploy would; returns when the contract phase began: from then
    on the plan expects the new app version, which this benchmark does not deploy."""
    contract = None
    for phase in result.phases or [type("P", (), {"files": result.files, "name": "migrate"})]:
        if phase.name == "contract":
            contract = time.perf_counter()
        flyway.upgrade(scratch, {f.filename: f.content for f in phase.files})
    return contract


def run_hand(scratch, phases: list[list[str]]) -> float | None:
    """Each phase's statements on one autocommit session; the last phase of several is the contract."""
    contract = None
    for i, statements in enumerate(phases):
        if len(phases) > 1 and i == len(phases) - 1:
            contract = time.perf_counter()
        with contextlib.closing(scratch.server.connect(scratch.database)) as conn, conn.cursor() as cur:
            for sql in statements:
                if isinstance(sql, Batches):
                    _batches(cur, sql)
                else:
                    cur.execute(sql)
    return contract


def _batches(cur, sql: Batches) -> None:
    lo = 0
    while True:
        cur.execute(f"SELECT MAX(id) FROM (SELECT id FROM accounts WHERE id > {lo} ORDER BY id LIMIT 1000) b")
        hi = cur.fetchall()[0][0]
        if hi is None:
            return
        cur.execute(sql.format(lo=lo, hi=hi))
        lo = hi


def written(scratch) -> float:
    row = scratch.query(WRITTEN[scratch.kind])[0]
    return float(row[-1])


def table_id(scratch) -> int:
    return scratch.query(TABLE_ID[scratch.kind].format(db=scratch.database))[0][0]


def request(engine: str, scenario: str, downtime: bool, rows: int) -> dict:
    return dict(migration_tool="flyway", database=engine, migration_type="data" if scenario in DATA else "schema",
                downtime_allowed=downtime, migration_description=f"lockbench {scenario}",
                changes=SCENARIOS[scenario], schema=SCHEMA[engine], database_version=VERSION.get(engine),
                table_rows={"accounts": rows, "customers": 1000})


VERSION: dict[str, str] = {}


def measure(engine: str, scenario: str, form: str, rows: int) -> Figures:
    server = Server.local(engine)
    if form in ("naive", "dbmig") and not (form == "naive" and scenario in NAIVE):
        result = generate(request(engine, scenario, form == "naive", rows))
        apply = lambda scratch: run_dbmig(scratch, result)  # noqa: E731
    else:
        phases = [NAIVE[scenario][engine]] if form == "naive" else HAND[engine][scenario]
        apply = lambda scratch: run_hand(scratch, phases)  # noqa: E731
    with server.scratch("lockbench") as scratch:
        scratch.execute(SCHEMA[engine].split(";\n") + [s.format(rows=rows) for s in FILL[engine]])
        before = table_id(scratch)
        with App(server, scratch.database, rows) as app:
            w0, b0 = written(scratch), time.perf_counter()
            time.sleep(1.0)
            w1, t0 = written(scratch), time.perf_counter()
            contract = apply(scratch)
            t1 = time.perf_counter()
            w2 = written(scratch)
            time.sleep(0.3)
        rewrote = table_id(scratch) != before if scenario != "rename table" else False
        stall, p99, failed = app.window(t0, t1, contract)
    background = (w1 - w0) / (t0 - b0)
    return Figures(stall, p99, failed, t1 - t0, max(0.0, w2 - w1 - background * (t1 - t0)), background, rewrote)


def guide_says_rewrite(engine: str, scenario: str, rows: int) -> bool:
    """dbmig's deployment guide for its T3 form: does a step rebuild or rewrite the table?"""
    guide = generate(request(engine, scenario, False, rows)).deployment_guide
    return any(e.rewrite or re.search(r"rebuil|rewrit|copy", e.lock, re.I) for e in guide.lock_estimates)


def cell(f: Figures | str) -> str:
    if isinstance(f, str):
        return f"{f:<38}"
    return f"{f.stall * 1000:6.0f}{f.p99 * 1000:6.0f}{f.failed:5.0f}{f.wall:7.1f}{f.written / 1e6:8.1f}  "


def server_version(engine: str) -> str:
    server = Server.local(engine)
    with server.scratch("lockver") as scratch:
        text = str(scratch.query("SELECT VERSION()")[0][0])
    return ".".join(re.match(r"(?:PostgreSQL )?(\d+)\.(\d+)", text).groups())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--engines", default="postgresql,mysql")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    print(f"rows {args.rows:,}, median of {args.repeat} interleaved run(s); load average before: "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    head = f"{'stall':>6}{'p99':>6}{'err':>5}{'wall':>7}{'MB':>8}  "
    print(f"{'engine':<11}{'scenario':<21}{'naive: ' + head:<38}{'hand: ' + head:<38}{'dbmig: ' + head:<38}"
          f"{'dbmig vs hand':<30}{'bg MB/s':>8}  rewrite: engine / guide")
    for engine in args.engines.split(","):
        VERSION[engine] = server_version(engine)
        for scenario in args.scenarios.split(","):
            runs: dict[str, list[Figures] | str] = {f: [] for f in ("naive", "hand", "dbmig")}
            if scenario not in HAND[engine]:
                runs["hand"] = "  (no hand-written form)"
            for _ in range(args.repeat):
                for form in [f for f, r in runs.items() if isinstance(r, list)]:
                    try:
                        runs[form].append(measure(engine, scenario, form, args.rows))
                    except Exception as e:  # noqa: BLE001 - a failed form is a result too
                        runs[form] = f"  failed: {str(e).splitlines()[0][:28]}"
            figures = {f: median(r) if isinstance(r, list) else r for f, r in runs.items()}
            hand, dbmig = figures["hand"], figures["dbmig"]
            vs = ""
            if isinstance(hand, Figures) and isinstance(dbmig, Figures):
                # below 1 MB the background's noise is larger than what a catalog change writes
                ratio = f"{dbmig.written / hand.written:4.2f}x" if hand.written > 1e6 else "n/a (<1 MB)"
                vs = f"stall {(dbmig.stall - hand.stall) * 1000:+5.0f} ms, {'WAL' if engine == 'postgresql' else 'redo'} {ratio}"
            bg = dbmig.background / 1e6 if isinstance(dbmig, Figures) else 0
            rewrite = (f"{'yes' if dbmig.rewrote else 'no'} / {'yes' if guide_says_rewrite(engine, scenario, args.rows) else 'no'}"
                       if isinstance(dbmig, Figures) else "")
            print(f"{engine:<11}{scenario:<21}{cell(figures['naive'])}{cell(hand)}{cell(dbmig)}{vs:<30}{bg:8.2f}  "
                  f"{rewrite}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
