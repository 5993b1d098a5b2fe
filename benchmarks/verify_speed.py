"""Wall time of `verify` for a T1 request on embedded PostgreSQL: cold (no cached initdb
template: initdb runs) and warm (template cached), next to the same verify on the
already-running server at 127.0.0.1:5432 (the baseline: no server start at all).
    python benchmarks/verify_speed.py [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())

from dbmig.api import generate  # noqa: E402
from dbmig.runners import embedded  # noqa: E402
from dbmig.runners.engines import Server  # noqa: E402
from dbmig.verify import verify  # noqa: E402
from tests.roundtrip_cases import START, request  # noqa: E402


def once(dsn: str | None) -> float:
    result = generate(request("add_column_not_null_default", "flyway", "postgresql"))
    files = {f.filename: f.content for f in result.files}
    t = time.perf_counter()
    report = verify("flyway", "postgresql", files, dsn=dsn, schema_sql=START["postgresql"],
                    tests=result.validation_tests, allow_nonempty=True)
    assert report.verdict == "pass", report.model_dump()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    runs = ap.parse_args().runs
    shutil.rmtree(embedded.CACHE / "pgdata-template", ignore_errors=True)
    cold = once(None)
    warm = [once(None) for _ in range(runs)]
    local = Server.local("postgresql")
    base = [once(f"postgresql://{local.user}@{local.host}:{local.port}/postgres") for _ in range(runs)]
    b = statistics.median(base)
    print(f"{'verify, T1 add column, flyway':40} {'seconds':>8} {'x baseline':>10}")
    print(f"{'running server at :5432 (baseline)':40} {b:8.2f} {1:10.1f}")
    print(f"{'embedded PostgreSQL, cold (initdb)':40} {cold:8.2f} {cold / b:10.1f}")
    print(f"{'embedded PostgreSQL, warm (median)':40} {statistics.median(warm):8.2f} {statistics.median(warm) / b:10.1f}")


if __name__ == "__main__":
    main()
