"""What dbmig writes stays byte-identical unless a change means it to differ: every golden
request (tests/golden/build.py) gives the stored files. Rebuild with
`python -m tests.golden.build` when a change is intended and review the diff."""
from __future__ import annotations

import json

import pytest

from .golden.build import HERE, outcome, path_for, requests

REQUESTS = requests()


def stored() -> dict[str, dict]:
    out = {}
    for path in sorted(HERE.glob("*.json")):
        out |= json.loads(path.read_text(encoding="utf-8"))
    return out


STORED = stored()


def test_golden_set_is_complete():
    assert sorted(STORED) == sorted(REQUESTS), "run `python -m tests.golden.build`"


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_output_matches_golden(name):
    assert name in STORED, f"{name}: not in {path_for(name).name}; run `python -m tests.golden.build`"
    assert outcome(REQUESTS[name]) == STORED[name]
