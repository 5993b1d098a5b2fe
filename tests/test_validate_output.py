"""`dbmig validate` prints byte for byte what it printed before (tests/golden/validate_build.py):
JSON, SARIF and text reports of the corpus, every PostgreSQL rule example and the benchmark's
statement mix. Speed work on the lint engine must not change a finding, its order or its text."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from .golden.validate_build import inputs, load, outcome

STORED = load()
with tempfile.TemporaryDirectory() as _tmp:
    NAMES = sorted(inputs(Path(_tmp)))


@pytest.fixture(scope="module")
def tmp_inputs(tmp_path_factory):
    return inputs(tmp_path_factory.mktemp("validate"))


def test_golden_set_is_complete():
    assert sorted(STORED) == NAMES, "run `python -m tests.golden.validate_build`"


@pytest.mark.parametrize("name", NAMES)
def test_validate_output_is_unchanged(name, tmp_inputs):
    args, whole = tmp_inputs[name]
    got = outcome(args, whole)
    for fmt, text in STORED[name].items():
        assert got[fmt] == text, f"{name} --format {fmt} differs"


def test_golden_reports_have_findings():
    """The fixed inputs exercise the rules: most reports carry findings, some fail."""
    whole = [v["json"] for v in STORED.values() if not v["json"].startswith("sha256:")]
    assert sum('"rule_id"' in j for j in whole) > len(whole) // 2
    assert any('"verdict": "fail"' in j for j in whole)
