"""The official TypeScript SDK client (`@modelcontextprotocol/sdk` 1.32, the base of many agents and
IDEs) drives `dbmig serve` over stdio and streamable HTTP: it lists the tools, calls each one
successfully, and reads the field and message of bad calls without an exception. Its
`Client.callTool` checks structuredContent against the tool's outputSchema, errors included, so a
result it cannot take shows up here as an exception.

The client lives in tests/ts_client (client.mjs); its node_modules are installed on first use
(`npm install --prefix tests/ts_client`, git-ignored)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.test_mcp_http import free_port, wait_for
from tests.test_mcp_stdio import (EXPLAIN_ARGS, ROOT, TOOLS, VALIDATE_ARGS, check_contract, server_command,
                                  t1_request, t2_request, t3_request)

from .conftest import require

CLIENT = ROOT / "tests" / "ts_client"
SDK = CLIENT / "node_modules" / "@modelcontextprotocol" / "sdk" / "package.json"

VERIFY_ARGS = {"migration_tool": "flyway", "database": "sqlserver", "files": [
    {"filename": "V1__add.sql", "content": "ALTER TABLE t ADD c INT;"},
    {"filename": "U1__add.sql", "content": "ALTER TABLE t DROP COLUMN c;"}]}
GOOD = [("generate_migration", t1_request()), ("generate_migration", t2_request()),
        ("generate_migration", t3_request()), ("validate_migration", VALIDATE_ARGS),
        ("explain_migration", EXPLAIN_ARGS), ("verify_migration", VERIFY_ARGS)]
MANY = [{"op": "add_column", "table": f"t{i}", "column": {"name": "c", "type": "integer"}} for i in range(40)]
# (tool, arguments, code, field)
BAD = [
    ("generate_migration", t1_request(migration_tool="gradle"), "invalid_request", "migration_tool"),
    ("generate_migration", t1_request(migration_description="   "), "invalid_request", "migration_description"),
    ("generate_migration", t1_request(changes=[{"op": "drop_table", "table": "legacy"}]), "unsafe_rollback", "schema"),
    ("generate_migration", t1_request(changes=None, migration_description="make it fast"), "invalid_request",
     "migration_description"),
    ("generate_migration", t3_request(database="mysql", changes=[{"op": "rename_table", "table": "users",
                                                                  "new_name": "members"}]),
     "zero_downtime_impossible", "downtime_allowed"),
    ("generate_migration", t1_request(changes=MANY), "too_large", "changes"),
    ("validate_migration", {"database": "db2", "files": VALIDATE_ARGS["files"]}, "invalid_request", "database"),
    ("explain_migration", {"database": "postgresql"}, "invalid_request", "sql"),
]


@pytest.fixture(scope="module")
def client_script():
    require(shutil.which("node") is not None and shutil.which("npm") is not None, "Node.js and npm")
    if not SDK.exists():
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--no-package-lock",
                        "--prefix", str(CLIENT)], check=True, timeout=600)
    assert json.loads(SDK.read_text())["version"].startswith("1.32.")
    return CLIENT / "client.mjs"


def drive(script, target: dict) -> dict:
    calls = [{"name": n, "arguments": a} for n, a in GOOD] + [{"name": n, "arguments": a} for n, a, *_ in BAD]
    done = subprocess.run(["node", str(script)], input=json.dumps(target | {"calls": calls}), capture_output=True,
                          text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def check(out: dict) -> None:
    tools = {t["name"]: t for t in out["tools"]}
    assert set(tools) >= TOOLS | {"verify_migration"}
    assert all(tools[name]["outputSchema"]["type"] == "object" for name in tools)
    good, bad = out["calls"][:len(GOOD)], out["calls"][len(GOOD):]
    for (name, _), call in zip(GOOD, good):
        assert "exception" not in call, f"{name}: {call}"
        result = call["result"]
        assert not result.get("isError"), result["content"][0]["text"]
        if name == "generate_migration":
            check_contract(result["structuredContent"])
    for (name, _, code, field), call in zip(BAD, bad):
        assert "exception" not in call, f"{name} {field}: the client threw {call}"
        result = call["result"]
        assert result["isError"] and "structuredContent" not in result, result
        body = json.loads(result["content"][0]["text"])
        assert (body["code"], body["field"]) == (code, field), body
        assert body["message"] and body["suggestion"]


def test_typescript_client_over_stdio(client_script):
    command = server_command()
    check(drive(client_script, {"command": command, "cwd": str(ROOT)}))


def test_typescript_client_over_http(client_script):
    port = free_port()
    process = subprocess.Popen([*server_command(), "--http", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(port, process)
        check(drive(client_script, {"url": f"http://127.0.0.1:{port}/mcp"}))
    finally:
        process.terminate()
        process.wait(timeout=10)
