"""Fuzz the stdio server and measure the worst case at the documented limits (docs/limits.md).

    python benchmarks/fuzz.py [--calls 10000] [--seed 20260412]

Part 1 sends `--calls` deterministic malformed calls (tests/fuzzcases.py) to ONE server and
prints the answer histogram (structured error codes, valid results, JSON-RPC errors), the
failures (unstructured, no reply, internal errors: must be 0), the slowest call per tool and
the server's memory. Part 2 starts a fresh server per tool and sends inputs at the limits (1 MB
of adversarial SQL, 200 files, an 8 MiB message, 500 changes, a 1 MB schema): time per call and
the server's peak RSS (VmHWM) against its idle peak in the same run.
"""
from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dbmig.limits import MAX_CHANGES, MAX_FILES, MAX_MESSAGE_BYTES, MAX_TEXT  # noqa: E402
from tests.fuzzcases import FAILURES, SCHEMA, calls, classify  # noqa: E402
from tests.rawstdio import RawServer  # noqa: E402


def peak_mb(server: RawServer) -> float:
    with open(f"/proc/{server.proc.pid}/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM:"))


def fuzz(n: int, seed: int) -> None:
    server = RawServer()
    histogram: collections.Counter[str] = collections.Counter()
    slowest: dict[str, float] = collections.defaultdict(float)
    failures = []
    start = time.perf_counter()
    for tool, arguments in calls(seed, n):
        t = time.perf_counter()
        try:
            reply = server.call(tool, arguments, timeout=300)
        except TimeoutError:
            reply = None
        slowest[tool] = max(slowest[tool], time.perf_counter() - t)
        kind = classify(reply)
        histogram[kind] += 1
        if kind in FAILURES:
            failures.append((tool, str(arguments)[:200]))
    total = time.perf_counter() - start
    print(f"== {n:,} fuzzed calls (seed {seed}) over one stdio server: {total:.1f} s, "
          f"{n / total:,.0f} calls/s, alive={server.alive()}, RSS {server.rss_mb():.0f} MB, peak {peak_mb(server):.0f} MB")
    for kind, count in histogram.most_common():
        print(f"   {kind:28s} {count:6,d}  {100 * count / n:5.1f}%")
    structured = n - sum(histogram[k] for k in FAILURES)
    print(f"   structured or valid: {structured:,} of {n:,} ({100 * structured / n:.2f}%); failures: {len(failures)}")
    for tool, t in sorted(slowest.items()):
        print(f"   slowest {tool:22s} {t * 1000:8.0f} ms")
    for f in failures[:10]:
        print("   FAILURE", f)
    server.close()


def _adversarial_sql(size: int) -> str:
    pieces = ["ALTER TABLE t ADD COLUMN c text DEFAULT '" + "x" * 4000 + "';\n",
              "ALTER TABLE t ADD CONSTRAINT c CHECK (" + " " * 4000 + ");\n",
              "SELECT '" + "\\'" * 2000 + "';\n",
              "ALTER TABLE t " + "ADD COLUMN c int, " * 200 + "ADD COLUMN d int;\n"]
    text, i = "", 0
    while len(text) < size:
        text += pieces[i % len(pieces)]
        i += 1
    return text[:size]


def limit_cases() -> dict[str, list[tuple[str, dict]]]:
    big_sql = _adversarial_sql(MAX_TEXT)
    # the whole message just under its limit (JSON doubles each backslash of the SQL)
    per_file = int((MAX_MESSAGE_BYTES - 64 * 1024) / MAX_FILES / 1.15)
    ddl = "".join(f"ALTER TABLE users ADD COLUMN c{i} varchar(100) DEFAULT '{'v' * 1900}';\n"
                  for i in range(MAX_CHANGES))[:MAX_TEXT]
    schema = "".join(f"CREATE TABLE t{i} (id integer PRIMARY KEY, a varchar(100), b integer NOT NULL DEFAULT 0, "
                     f"c text, d decimal(10,2));\n" for i in range(MAX_TEXT // 100))[:MAX_TEXT]
    schema = schema[:schema.rfind(";", 0, MAX_TEXT - 100) + 1]
    base = {"migration_tool": "flyway", "database": "postgresql", "migration_type": "schema",
            "downtime_allowed": True, "migration_description": "limits"}
    columns = [{"op": "add_column", "table": "users", "column": {"name": f"c{i}", "type": "int"}}
               for i in range(MAX_CHANGES)]
    return {
        "validate_migration": [
            ("1 MB adversarial SQL file", {"database": "postgresql", "files": [{"filename": "V1__a.sql", "content": big_sql}]}),
            (f"{MAX_FILES} files, {MAX_MESSAGE_BYTES // 2**20} MiB message",
             {"database": "mysql", "files": [{"filename": f"V{i}__a.sql", "content": _adversarial_sql(per_file)}
                                             for i in range(1, MAX_FILES + 1)]}),
        ],
        "explain_migration": [
            ("1 MB adversarial sql", {"database": "postgresql", "sql": big_sql}),
            ("200 changes + 1 MB schema", {"database": "postgresql", "changes": columns[:200],
                                           "schema": schema + "\nCREATE TABLE users (id integer PRIMARY KEY);"}),
        ],
        "generate_migration": [
            (f"{MAX_CHANGES} changes", base | {"changes": columns, "schema": SCHEMA}),
            ("1 MB sql (500 statements)", base | {"sql": ddl, "schema": SCHEMA}),
            ("1 MB schema", base | {"schema": schema, "changes": [{"op": "drop_column", "table": "t1", "column": "c"}]}),
        ],
    }


def at_limits() -> None:
    print("\n== worst case per tool at the documented limits (fresh server per tool)")
    print(f"   {'tool':20s} {'input':32s} {'answer':22s} {'time':>8s} {'peak RSS':>9s} {'idle peak':>9s}")
    for tool, cases in limit_cases().items():
        server = RawServer()
        idle = peak_mb(server)
        for label, arguments in cases:
            t = time.perf_counter()
            reply = server.call(tool, arguments, timeout=300)
            elapsed = time.perf_counter() - t
            print(f"   {tool:20s} {label:32s} {classify(reply):22s} {elapsed:7.2f}s {peak_mb(server):8.0f}M "
                  f"{idle:8.0f}M")
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20260412)
    parser.add_argument("--skip-limits", action="store_true")
    args = parser.parse_args()
    fuzz(args.calls, args.seed)
    if not args.skip_limits:
        at_limits()


if __name__ == "__main__":
    main()
