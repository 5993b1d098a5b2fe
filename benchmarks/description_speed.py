"""Parse time per description over the corpus (tests/corpus/descriptions*.yaml), against a
baseline in the same run.

Each description is read with its schema and database, refusals included (a refusal tries
every phrasing, the slow path). Cold: the first read of each, with the type caches empty;
warm: the best of --rounds further reads. Baseline: `generate` for the same description
(parse + plan + render + gate), so the ratio says what share of a call the intake costs.
    python benchmarks/description_speed.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate_speed import pct  # noqa: E402
from dbmig.api import generate  # noqa: E402
from dbmig.errors import DbmigError  # noqa: E402
from dbmig.intake.description import read_description  # noqa: E402
from dbmig.intake.description.typewords import read_type  # noqa: E402
from dbmig.schema import parse_schema  # noqa: E402
from tests.test_description_corpus import SQLGLOT, cases, load  # noqa: E402


def prepared() -> list[tuple[str, object, str, dict]]:
    """(text, parsed schema, sqlglot dialect, generate request) per corpus case."""
    out = []
    for which in ("corpus", "held-out"):
        schemas = load(which)["schemas"]
        for case in cases(which):
            database = case.get("database", "postgresql")
            schema_sql = schemas[case["schema"]] if case.get("schema") else None
            dialect = SQLGLOT[database]
            request = dict(migration_tool="flyway", database=database, migration_type="schema",
                           downtime_allowed=True, migration_description=case["text"][:500], schema=schema_sql)
            out.append((case["text"], parse_schema(schema_sql, dialect) if schema_sql else None, dialect, request))
    return out


def read_ms(text: str, schema, dialect: str) -> float:
    start = time.perf_counter()
    try:
        read_description(text, schema, dialect)
    except DbmigError:
        pass
    return (time.perf_counter() - start) * 1000


def generate_ms(request: dict) -> float | None:
    start = time.perf_counter()
    try:
        generate(request)
    except DbmigError:
        return None
    return (time.perf_counter() - start) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    rounds = ap.parse_args().rounds
    items = prepared()
    read_description("add email to users")          # imports, compiled patterns
    read_type.cache_clear()
    cold = [read_ms(t, s, d) for t, s, d, _ in items]
    warm = [min(read_ms(t, s, d) for _ in range(rounds)) for t, s, d, _ in items]
    base = [ms for *_, req in items if (ms := generate_ms(req)) is not None]
    print(f"{len(items)} descriptions ({len(base)} that generate a migration)")
    print(f"parse, cold : p50 {pct(cold, .5):6.3f} ms  p99 {pct(cold, .99):6.3f} ms  max {max(cold):6.3f} ms")
    print(f"parse, warm : p50 {pct(warm, .5):6.3f} ms  p99 {pct(warm, .99):6.3f} ms  max {max(warm):6.3f} ms")
    print(f"generate    : p50 {pct(base, .5):6.3f} ms  p99 {pct(base, .99):6.3f} ms")
    print(f"ratio       : warm parse p50 is {pct(warm, .5) / pct(base, .5):.1%} of a generate call's p50")


if __name__ == "__main__":
    main()
