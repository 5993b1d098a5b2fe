"""Lint one 10,000-statement PostgreSQL migration with dbmig and with squawk; print wall times.

    python benchmarks/lint_speed.py [N]

Statements are all distinct (table and column names vary) so no cache can help, and mix the
forms a real migration has: DDL of every kind, backfills, settings.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dbmig.lint import validate_migration  # noqa: E402

TEMPLATES = [
    "SET lock_timeout = '5s';",
    "ALTER TABLE t{i} ADD COLUMN c{i} text;",
    "CREATE INDEX CONCURRENTLY t{i}_c_idx ON t{i} (c{i});",
    "CREATE INDEX t{i}_d_idx ON t{i} (d{i}, e{i});",
    "ALTER TABLE t{i} ADD CONSTRAINT t{i}_fk FOREIGN KEY (u{i}) REFERENCES u{i} (id) NOT VALID;",
    "ALTER TABLE t{i} VALIDATE CONSTRAINT t{i}_fk;",
    "ALTER TABLE t{i} ALTER COLUMN c{i} SET NOT NULL;",
    "UPDATE t{i} SET c{i} = 'x' WHERE id IN (SELECT id FROM t{i} WHERE c{i} IS NULL LIMIT 1000);",
    "ALTER TABLE t{i} ADD COLUMN ts{i} timestamptz DEFAULT clock_timestamp();",
    "ALTER TABLE t{i} RENAME COLUMN a{i} TO b{i};",
]


def build(n: int) -> str:
    return "\n".join(TEMPLATES[i % len(TEMPLATES)].format(i=i) for i in range(n)) + "\n"


def main(n: int = 10_000) -> None:
    sql = build(n)
    start = time.perf_counter()
    report = validate_migration([{"filename": "big.sql", "content": sql}], "postgresql", None, "15")
    dbmig = time.perf_counter() - start
    print(f"dbmig : {n:,} statements in {dbmig:.2f} s ({len(report['findings']):,} findings)")
    if shutil.which("squawk") is None:
        print("squawk: not installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sql"
        path.write_text(sql)
        start = time.perf_counter()
        proc = subprocess.run(["squawk", "--reporter", "json", str(path)], capture_output=True, text=True)
        squawk = time.perf_counter() - start
    print(f"squawk: {n:,} statements in {squawk:.2f} s ({proc.stdout.count('rule_name'):,} findings)")
    print(f"ratio : dbmig takes {dbmig / squawk:.1f}x squawk's wall time")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
