"""The labelled corpus (tests/corpus/manifest.json): every migration gets exactly its expected rule
ids, and on the PostgreSQL SQL part dbmig's catch rate and false-positive rate are measured beside
squawk's in the same run.

A migration is *caught* when a linter reports at least one finding at warning level or above
(squawk: any finding) on a hazardous migration; a *false positive* is such a finding on a safe one.
Squawk is run twice-counted: with all its rules, and without its style-only rules (robust
statements, bigint/text/timestamptz preferences, statement_timeout), which is the fairer figure
since dbmig's style findings are info and never count. The assertion uses the fairer figure.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import require

from dbmig.lint import validate_migration

CORPUS = Path(__file__).parent / "corpus"
CASES = json.loads((CORPUS / "manifest.json").read_text())
SQUAWK_STYLE = {"prefer-robust-stmts", "prefer-big-int", "prefer-bigint-over-int", "prefer-bigint-over-smallint",
                "prefer-identity", "prefer-text-field", "prefer-timestamptz", "ban-char-field",
                "require-statement-timeout"}


def _files(case: dict) -> list[dict]:
    paths = [*case["extra"], case["path"]]
    return [{"filename": p, "content": (CORPUS / p).read_text()} for p in paths]


def _dbmig(case: dict) -> list[dict]:
    """Findings on every file of the migration (script, sidecar, undo file); `schema` is the
    current database's CREATE TABLE text where the case needs the old column types."""
    schema = (CORPUS / case["schema"]).read_text() if case.get("schema") else None
    return validate_migration(_files(case), case["database"], case["tool"], case["version"], schema)["findings"]


def test_corpus_is_big_and_mixed():
    assert sum(c["database"] == "postgresql" for c in CASES) >= 150
    assert sum(c["database"] == "mysql" for c in CASES) >= 60
    assert {c["tool"] for c in CASES} >= {None, "flyway", "liquibase", "alembic"}
    assert any(c["hazardous"] for c in CASES) and any(not c["hazardous"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["path"] for c in CASES])
def test_corpus_case_gets_exactly_its_expected_rules(case):
    found = _dbmig(case)
    assert sorted({f["rule_id"] for f in found}) == case["expect"], found
    serious = [f for f in found if f["severity"] != "info"]
    assert bool(serious) is case["hazardous"]


def _pg_sql_cases() -> list[dict]:
    return [c for c in CASES if c["database"] == "postgresql" and c["tool"] in (None, "flyway")
            and c["path"].endswith(".sql")]


def _in_transaction(case: dict) -> bool:
    """Whether Flyway runs the script in a transaction (its sidecar, else whether every statement
    can run in one): squawk is told the same thing dbmig knows."""
    if case["tool"] != "flyway":
        return False
    from dbmig.sources import read_sources
    from dbmig.lint.rules import version_tuple
    script = read_sources(_files(case), "postgresql", "flyway", version_tuple(case["version"]))[-1]
    return any(s.transactional for s in script.statements)


def _squawk(case: dict) -> list[dict]:
    args = ["squawk", "--reporter", "json", "--pg-version", f"{case['version']}.0"]
    args.append("--assume-in-transaction" if _in_transaction(case) else "--no-assume-in-transaction")
    proc = subprocess.run([*args, str(CORPUS / case["path"])], capture_output=True, text=True, timeout=60)
    return json.loads(proc.stdout or "[]")


def _rates(flags: dict[str, bool], cases: list[dict]) -> tuple[float, float]:
    hazards = [c for c in cases if c["hazardous"]]
    safe = [c for c in cases if not c["hazardous"]]
    catch = sum(flags[c["path"]] for c in hazards) / len(hazards)
    false_pos = sum(flags[c["path"]] for c in safe) / len(safe)
    return catch, false_pos


def test_dbmig_catches_at_least_as_much_as_squawk_with_fewer_false_positives():
    require(shutil.which("squawk") is not None, "squawk (pip install squawk-cli)")
    cases = _pg_sql_cases()
    dbmig = {c["path"]: any(f["severity"] != "info" for f in _dbmig(c)) for c in cases}
    raw = {c["path"]: _squawk(c) for c in cases}
    squawk_all = {p: bool(v) for p, v in raw.items()}
    squawk_safety = {p: any(f["rule_name"] not in SQUAWK_STYLE for f in v) for p, v in raw.items()}
    rows = [("dbmig", *_rates(dbmig, cases)), ("squawk (all rules)", *_rates(squawk_all, cases)),
            ("squawk (safety rules)", *_rates(squawk_safety, cases))]
    n_h = sum(c["hazardous"] for c in cases)
    print(f"\nPostgreSQL corpus: {len(cases)} migrations ({n_h} hazardous, {len(cases) - n_h} safe)")
    for name, catch, fp in rows:
        print(f"  {name:22s} catch rate {catch:6.1%}   false-positive rate {fp:6.1%}")
    for name, flags in (("dbmig", dbmig), ("squawk (safety rules)", squawk_safety)):
        by_path = {c["path"]: c for c in cases}
        missed = sorted(p for p, hit in flags.items() if not hit and by_path[p]["hazardous"])
        false = sorted(p for p, hit in flags.items() if hit and not by_path[p]["hazardous"])
        print(f"  {name} misses: {', '.join(missed) or '-'}")
        print(f"  {name} false positives: {', '.join(false) or '-'}")
    dbmig_catch, dbmig_fp = rows[0][1:]
    squawk_catch, squawk_fp = rows[2][1:]
    assert dbmig_catch >= squawk_catch
    assert dbmig_fp <= squawk_fp


@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_rates_per_database(database):
    """Every file of the corpus for one database (all tools): dbmig's catch and false-positive rates
    (squawk reads PostgreSQL SQL only; its figures are in the test above)."""
    cases = [c for c in CASES if c["database"] == database]
    flags = {c["path"]: any(f["severity"] != "info" for f in _dbmig(c)) for c in cases}
    catch, false_pos = _rates(flags, cases)
    n_h = sum(c["hazardous"] for c in cases)
    print(f"\n{database}: {len(cases)} migrations ({n_h} hazardous): dbmig catch rate {catch:.1%}, "
          f"false-positive rate {false_pos:.1%}")
    assert catch == 1.0 and false_pos == 0.0
