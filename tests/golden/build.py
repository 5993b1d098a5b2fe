"""The golden outputs: a fixed set of generate requests (T1, T2 and T3 over the four databases
and three tools) and every file each one returns, or the error it raises. A change to what
dbmig writes shows up as a diff of these files: intended ones are rebuilt with
`python -m tests.golden.build` and the diff is reviewed with the change.

Only scripts and file names are kept (never the timestamp), so the files are deterministic.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from dbmig.api import generate
from dbmig.errors import DbmigError

from ..roundtrip_cases import CASES, START
from ..test_data_offline import SCHEMA as T2_SCHEMA, cases as t2_cases
from ..test_zero_downtime import ZD_CASES
from ..test_zero_downtime_offline import OPS as ZD_OFFLINE, request as zd_offline_request

HERE = Path(__file__).parent
DATABASES = ["postgresql", "mysql", "sqlserver", "oracle"]
TOOLS = ["flyway", "liquibase", "alembic"]


def requests() -> dict[str, dict]:
    """name -> request, in a fixed order."""
    out = {}
    for case, changes in CASES.items():
        for db in DATABASES:
            for tool in TOOLS:
                out[f"t1/{case}/{db}/{tool}"] = dict(
                    migration_tool=tool, database=db, migration_type="schema", downtime_allowed=True,
                    migration_description=f"golden {case.replace('_', ' ')}", changes=changes,
                    schema=START[db], table_rows={"customers": 50_000, "orders": 2_000_000},
                    author="golden")
            for fmt in ("yaml", "sql"):
                out[f"t1/{case}/{db}/liquibase-{fmt}"] = dict(
                    out[f"t1/{case}/{db}/liquibase"], liquibase_format=fmt)
    for case, changes in ZD_CASES.items():
        for db in ("postgresql", "mysql"):
            for tool in TOOLS:
                out[f"t3/{case}/{db}/{tool}"] = dict(
                    migration_tool=tool, database=db, migration_type="schema", downtime_allowed=False,
                    migration_description=f"golden zd {case.replace('_', ' ')}", changes=changes,
                    schema=START[db], table_rows={"customers": 50_000, "orders": 2_000_000},
                    author="golden")
    for case in ZD_OFFLINE:
        for db in ("sqlserver", "oracle"):
            for tool in TOOLS:
                out[f"t3/{case}/{db}/{tool}"] = zd_offline_request(case, db, tool)
    for db in ("sqlserver", "oracle"):
        for case, changes in t2_cases(db).items():
            for tool in TOOLS:
                out[f"t2/{case}/{db}/{tool}"] = dict(
                    migration_tool=tool, database=db, migration_type="hybrid", downtime_allowed=True,
                    migration_description=f"golden t2 {case.replace('_', ' ')}", changes=changes,
                    schema=T2_SCHEMA[db], table_rows={"people": 200_000}, author="golden")
    return out


def outcome(request: dict) -> dict:
    try:
        result = generate(request)
    except DbmigError as exc:
        return {"error": exc.to_dict()}
    return {"tier": result.tier.value, "files": {f.filename: f.content for f in result.files}}


def build() -> dict[str, dict]:
    return {name: outcome(req) for name, req in requests().items()}


def path_for(name: str) -> Path:
    return HERE / (name.split("/", 1)[0] + ".json")


def write(results: dict[str, dict]) -> None:
    groups: dict[Path, dict] = {}
    for name, value in results.items():
        groups.setdefault(path_for(name), {})[name] = value
    for path, group in groups.items():
        path.write_text(json.dumps(group, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write(build())
    print(f"wrote {len(list(HERE.glob('*.json')))} golden files", file=sys.stderr)
