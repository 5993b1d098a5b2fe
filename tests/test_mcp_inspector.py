"""The official MCP Inspector (CLI mode) can list and call our tools: a client we did not write."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.test_mcp_stdio import ROOT, TOOLS, server_command

from .conftest import require

INSPECTOR = ["npx", "-y", "@modelcontextprotocol/inspector@0.15.0", "--cli"]


@pytest.fixture(autouse=True)
def _npx():
    require(shutil.which("npx") is not None, "npx (Node.js)")


def inspect(*method_args: str) -> dict:
    done = subprocess.run([*INSPECTOR, *server_command(), *method_args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_inspector_lists_the_tools():
    tools = {t["name"]: t for t in inspect("--method", "tools/list")["tools"]}
    assert set(tools) >= TOOLS
    for name in TOOLS:
        assert tools[name]["inputSchema"]["properties"] and tools[name]["outputSchema"]
        assert tools[name]["annotations"]["readOnlyHint"] is True


def test_inspector_calls_generate():
    result = inspect("--method", "tools/call", "--tool-name", "generate_migration",
                     "--tool-arg", "migration_tool=flyway", "--tool-arg", "database=postgresql",
                     "--tool-arg", "migration_type=schema", "--tool-arg", "downtime_allowed=true",
                     "--tool-arg", "migration_description=add column users.email text")
    assert not result.get("isError")
    assert result["structuredContent"]["tier"] == "T1"
    assert "ALTER TABLE users ADD COLUMN email" in result["structuredContent"]["migration_script"]["content"]


def test_inspector_reads_an_error_and_a_t3_result():
    """A bad call: the error body as JSON text, no structured content for the client to reject."""
    bad = inspect("--method", "tools/call", "--tool-name", "generate_migration",
                  "--tool-arg", "migration_tool=FLYWAY", "--tool-arg", "database=postgresql",
                  "--tool-arg", "migration_type=schema", "--tool-arg", "downtime_allowed=true",
                  "--tool-arg", "migration_description=   ")
    assert bad["isError"] is True and "structuredContent" not in bad
    body = json.loads(bad["content"][0]["text"])
    assert (body["code"], body["field"]) == ("invalid_request", "migration_description")
    t3 = inspect("--method", "tools/call", "--tool-name", "generate_migration",
                 "--tool-arg", "migration_tool=flyway", "--tool-arg", "database=postgresql",
                 "--tool-arg", "migration_type=schema", "--tool-arg", "downtime_allowed=false",
                 "--tool-arg", "migration_description=rename users.name to full_name",
                 "--tool-arg", "schema=CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100));")
    assert not t3.get("isError") and t3["structuredContent"]["tier"] == "T3"
    assert t3["structuredContent"]["validation_tests"][0]["expected_result"]
