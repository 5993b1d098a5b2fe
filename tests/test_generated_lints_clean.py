"""Every file generate produces passes validate_migration with no error (warnings are expected:
T1 allows downtime, and each warning is also in the result's warnings)."""
from __future__ import annotations

import pytest

from dbmig.api import generate
from dbmig.lint import validate_migration

from .roundtrip_cases import CASES, request

DATABASES = ["postgresql", "mysql", "sqlserver", "oracle"]


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("tool", ["flyway", "liquibase", "alembic"])
def test_generated_files_have_no_lint_error(tool, database):
    for case in sorted(CASES):
        result = generate(request(case, tool, database))
        report = validate_migration([f.model_dump() for f in result.files], database, tool)
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        assert not errors, f"{case}: {errors}"
        assert report["verdict"] in ("pass", "warn")
