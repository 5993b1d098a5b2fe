"""squawk, the leading PostgreSQL migration linter, judges our PostgreSQL forward scripts: every
finding must be one the result's warnings explain (T1 allows downtime, so some are expected)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from dbmig.api import generate

from .conftest import require
from .roundtrip_cases import CASES, request

# squawk rule -> the words of the dbmig warning that explains it.
EXPLAINED_BY = {
    "require-statement-timeout": "No statement_timeout is set",
    "constraint-missing-not-valid": ("every row is checked", "index build"),
    "adding-foreign-key-constraint": "add foreign key",
    "require-concurrent-index-creation": "index build",
    "disallowed-unique-constraint": "ADD UNIQUE",
    "changing-column-type": "Type change",
    "ban-drop-column": "removes data",
    "ban-drop-table": "destructive",
    "ban-drop-constraint": "no longer enforces",
    "ban-drop-default": "dropping the default",
    "ban-drop-not-null": "never NULL",
    "require-concurrent-index-deletion": "DROP INDEX",
    "renaming-column": "breaks running app versions",
    "renaming-table": "breaks every running app version",
    "adding-not-nullable-field": "not null: takes",
}
# Style rules about the caller's own type choices (integer vs bigint, varchar(n) vs text):
# the request chose the type; dbmig renders it faithfully.
CALLERS_CHOICE = {"prefer-bigint-over-int", "prefer-text-field"}


def _explained(rule: str, warnings: str) -> bool:
    words = EXPLAINED_BY.get(rule, ())
    return any(w.lower() in warnings for w in ((words,) if isinstance(words, str) else words))


@pytest.mark.parametrize("case", sorted(CASES))
def test_squawk_findings_are_explained(case, tmp_path):
    require(shutil.which("squawk") is not None, "squawk (pip install squawk-cli)")
    result = generate(request(case, "flyway", "postgresql"))
    path = tmp_path / result.migration_script.filename
    path.write_text(result.migration_script.content)
    proc = subprocess.run(["squawk", "--reporter", "json", "--assume-in-transaction", "--pg-version", "15",
                           str(path)], capture_output=True, text=True)
    findings = json.loads(proc.stdout or "[]")
    warnings = " ".join(result.warnings).lower()
    unexplained = [f["rule_name"] for f in findings if f["rule_name"] not in CALLERS_CHOICE
                   and not _explained(f["rule_name"], warnings)]
    assert not unexplained, f"squawk findings no warning explains: {unexplained}\n{result.warnings}"
