"""The gate every result passes before it is returned: SQL parses, files are well-formed.

A failure here is a bug in dbmig (GateFailure), never something to ship.
"""
from __future__ import annotations

import functools

from ..dialects.base import Dialect
from ..errors import GateFailure
from ..models import MigrationResult
from ..plan.model import Plan
from ..sqlcheck import check_statement


def gate_result(result: MigrationResult, plan: Plan, dialect: Dialect) -> None:
    for step in plan.steps:
        for sql in step.session + step.forward + (step.reverse or []):
            check_statement(sql, dialect, step.description)
        for guard in step.guards:
            check_statement(guard.query, dialect, f"guard of {step.description}")
    for test in result.validation_tests:
        check_statement(test.query, dialect, f"validation test {test.description!r}")
    for f in result.files:
        _well_formed(f.filename, f.content)
    _lint_clean(result)


def _lint_clean(result: MigrationResult) -> None:
    """The rules that lint users' migrations gate ours: no error-level finding ships."""
    from ..lint import validate_migration
    report = validate_migration([f.model_dump() for f in result.files], result.database.value,
                                result.migration_tool.value, bounded=False, errors_only=True)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    if errors:
        e = errors[0]
        raise GateFailure(f"generated {e['file']}:{e['line']} fails lint rule {e['rule_id']}: {e['message']}")


def _well_formed(filename: str, content: str) -> None:
    problem = _malformed(filename, content)
    if problem:
        raise GateFailure(problem)


@functools.lru_cache(maxsize=64)
def _malformed(filename: str, content: str) -> str | None:
    """Why a Python, XML or YAML file does not parse, or None; kept per file text (compiling a
    revision was a tenth of an Alembic call, and calls resend the same changes). Each reader is
    imported for its own files only (a Flyway result loads neither YAML nor XML)."""
    if filename.endswith(".py"):
        from ..sources.alembic import module_tree      # lint reads the same parse
        read, errors = (lambda text: compile(module_tree(text), filename, "exec")), SyntaxError
    elif filename.endswith(".xml"):
        import xml.etree.ElementTree as ET
        read, errors = ET.fromstring, ET.ParseError
    elif filename.endswith((".yaml", ".yml")):
        import yaml
        read, errors = yaml.safe_load, yaml.YAMLError
    else:
        return None
    try:
        read(content)
    except errors as e:
        return f"generated file {filename} is not well-formed: {e}"
    return None
