"""The validate result as pydantic models: the MCP tool's output schema. The linter itself
builds plain `Finding`s; these models describe them for clients."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LintFinding(BaseModel):
    rule_id: str
    severity: Literal["error", "warning", "info"]
    file: str
    line: int
    column: int
    message: str
    safe_alternative: str


class LintReport(BaseModel):
    verdict: Literal["pass", "warn", "fail"]
    findings: list[LintFinding]
    live: dict | None = Field(default=None, description="With `dsn`: what was read from the live database "
                              "(server, version, rows and size of the tables the files touch) and when.")
