"""The MCP server as an agent sees it: a subprocess over stdio, driven by the SDK's client.

Shared request builders and checks live here; test_mcp_http.py reuses them.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import random
import sys
from pathlib import Path

import anyio
import jsonschema
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from dbmig.server.budget import BUDGETS, TooLarge, received
from dbmig.server.fit import Source, detail_response, fit_generate
from dbmig.server.schemas import REQUIRED

ROOT = Path(__file__).resolve().parent.parent
TOOLS = {"generate_migration", "validate_migration", "explain_migration"}


def server_command() -> list[str]:
    """`dbmig serve` of the environment under test (never another install that PATH finds first)."""
    script = Path(sys.executable).parent / "dbmig"
    return [str(script), "serve"] if script.exists() else [sys.executable, "-m", "dbmig.server"]


def stdio_client() -> Client:
    command, *args = server_command()
    return Client(StdioServerParameters(command=command, args=args, cwd=str(ROOT)), read_timeout_seconds=60)


def run(test):
    """Run `test(client)` against a fresh stdio server."""
    async def main():
        async with stdio_client() as client:
            await test(client)
    anyio.run(main)



# --- requests -------------------------------------------------------------------------------------

def t1_request(**overrides) -> dict:
    return {"migration_tool": "flyway", "database": "postgresql", "migration_type": "schema",
            "downtime_allowed": True, "migration_description": "add email to users",
            "changes": [{"op": "add_column", "table": "users",
                         "column": {"name": "email", "type": "varchar(255)"}}]} | overrides


def t2_request(**overrides) -> dict:
    return {"migration_tool": "alembic", "database": "postgresql", "migration_type": "data",
            "downtime_allowed": True, "migration_description": "backfill users.status",
            "changes": [{"op": "backfill", "table": "users", "column": "status", "value": "'active'",
                         "where": "status IS NULL"}],
            "schema": "CREATE TABLE users (id bigint PRIMARY KEY, status varchar(20));",
            "table_rows": {"users": 20_000_000}} | overrides


def t3_request(**overrides) -> dict:
    return {"migration_tool": "flyway", "database": "postgresql", "migration_type": "schema",
            "downtime_allowed": False, "migration_description": "rename users.name to full_name",
            "database_version": "15", "table_rows": {"users": 5_000_000},
            "schema": "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100) NOT NULL);"} | overrides


VALIDATE_ARGS = {"database": "postgresql", "migration_tool": "flyway",
                 "files": [{"filename": "V2__index.sql",
                            "content": "CREATE INDEX ix_orders_customer ON orders (customer_id);\n"}]}
EXPLAIN_ARGS = {"database": "postgresql", "database_version": "15", "table_rows": {"orders": 1_000_000},
                "sql": "ALTER TABLE orders ADD COLUMN qty integer NOT NULL DEFAULT 0;"}

# (tool, arguments, the field the error must name)
BAD_CALLS = [
    ("generate_migration", t1_request(migration_tool="gradle"), "migration_tool"),
    ("generate_migration", {k: v for k, v in t1_request().items() if k != "database"}, "database"),
    ("generate_migration", t1_request(downtime_allowed="maybe"), "downtime_allowed"),
    ("generate_migration", t1_request(changes=[{"op": "explode", "table": "users"}]), "changes.0.op"),
    ("generate_migration", t1_request(changes=[{"op": "add_column", "table": "users",
                                                "column": {"name": "bad name", "type": "text"}}]),
     "changes.0.column.name"),
    ("generate_migration", t1_request(changes=None, migration_description="make it fast"), "migration_description"),
    ("generate_migration", t1_request(detail="everything"), "detail"),
    ("generate_migration", t1_request(unknown_argument=1), "unknown_argument"),
    ("validate_migration", {"database": "postgresql", "files": []}, "files"),
    ("validate_migration", {"database": "db2", "files": VALIDATE_ARGS["files"]}, "database"),
    ("explain_migration", {"database": "postgresql"}, "sql"),
    ("explain_migration", EXPLAIN_ARGS | {"changes": t1_request()["changes"]}, "changes"),
    ("explain_migration", {"database": "postgresql", "changes": [{"op": "add_column", "table": "users",
                                                                  "column": {"name": "x", "type": "intgr"}}]},
     "changes.0.column.type"),
    ("explain_migration", {"database": "postgresql", "changes": [{"op": "explode", "table": "users"}]},
     "changes.0.op"),
    ("no_such_tool", {}, "name"),
]


def error_body(result) -> dict:
    """An error result as every client can read it: the body as JSON text, and no structured
    content that a client would check against the success outputSchema."""
    assert result.is_error, result
    assert result.structured_content is None, result.structured_content
    assert "Traceback" not in result.content[0].text
    return json.loads(result.content[0].text)


def check_error(result, field: str) -> dict:
    body = error_body(result)
    assert body["field"] == field, body
    assert body["code"] and body["message"] and body["suggestion"]
    return body


@functools.lru_cache(maxsize=16)
def _validator(schema_json: str) -> jsonschema.Draft202012Validator:
    # Compiling the schema costs ~200 ms; validating with a compiled one, well under 1 ms.
    return jsonschema.Draft202012Validator(json.loads(schema_json))


def check_structured(result, tool) -> dict:
    assert not result.is_error, result.content[0].text
    _validator(json.dumps(tool.output_schema, sort_keys=True)).validate(result.structured_content)
    return result.structured_content


def check_contract(body: dict) -> None:
    """Every required part of the output contract is there, whatever the budget."""
    assert set(REQUIRED) <= set(body), sorted(set(REQUIRED) - set(body))
    omitted = body.get("omitted", {}).get("sections", [])
    assert not set(omitted) & set(REQUIRED), omitted
    guide = body["deployment_guide"]
    assert all(guide[k] is not None for k in ("pre_migration_steps", "execution_steps", "post_migration_steps",
                                               "rollback_procedure", "estimated_duration"))
    assert all(isinstance(t["expected_result"], str) for t in body["validation_tests"])


async def listed(client) -> dict:
    return {t.name: t for t in (await client.list_tools()).tools}


def malformed_calls(n: int, seed: int = 4) -> list[tuple[str, object]]:
    """Garbage an agent (or a fuzzer) could send: wrong types, nesting, sizes, unicode."""
    rng = random.Random(seed)
    junk = [None, 0, -1, 3.5, True, "", "x" * 10_000, "\x00\x1f", "😀", [], {}, [None], {"op": None},
            "[not json", "{\"op\": 1}", [[[]]], {"a": {"b": {"c": []}}}]
    fields = ["migration_tool", "database", "migration_type", "downtime_allowed", "migration_description",
              "changes", "sql", "schema", "table_rows", "version", "detail", "files", "database_version"]
    calls = []
    for i in range(n):
        tool = rng.choice(sorted(TOOLS))
        base = t1_request() if tool == "generate_migration" else dict(VALIDATE_ARGS if i % 2 else EXPLAIN_ARGS)
        for key in rng.sample(fields, rng.randint(1, 4)):
            base[key] = rng.choice(junk)
        calls.append((tool, base))
    return calls


# --- the tests --------------------------------------------------------------------------------------

def test_tools_list_has_schemas_and_annotations():
    async def test(client):
        tools = await listed(client)
        assert set(tools) >= TOOLS
        for name in TOOLS:
            tool = tools[name]
            assert tool.input_schema["type"] == "object" and tool.input_schema["properties"]
            assert tool.output_schema["type"] == "object"
            assert tool.description
            jsonschema.Draft202012Validator.check_schema(tool.input_schema)
            jsonschema.Draft202012Validator.check_schema(tool.output_schema)
            a = tool.annotations
            assert (a.read_only_hint, a.idempotent_hint, a.destructive_hint) == (True, True, False)
        generate = tools["generate_migration"].input_schema
        assert generate["properties"]["migration_tool"] or generate["$defs"]["MigrationTool"]
        assert generate["$defs"]["MigrationTool"]["enum"] == ["liquibase", "flyway", "alembic"]
        assert "examples" in generate and all(p.get("description") for p in generate["properties"].values())
        for example in generate["examples"]:
            jsonschema.validate(example, generate)
    run(test)


async def generated(client, request) -> tuple[dict, str]:
    tool = (await listed(client))["generate_migration"]
    result = await client.call_tool("generate_migration", request)
    body = check_structured(result, tool)
    check_contract(body)
    text = result.content[0].text
    assert received(body, text) <= BUDGETS[body["tier"]]
    assert body["migration_script"]["filename"] in text and body["rollback_script"]["filename"] in text
    assert body["migration_script"]["content"] not in text, "the summary repeats a file"
    return body, text


def test_generate_t1_t2_return_schema_valid_results_within_budget():
    async def test(client):
        assert (await generated(client, t1_request()))[0]["tier"] == "T1"
        assert (await generated(client, t2_request()))[0]["tier"] == "T2"
    run(test)


def test_generate_t3_from_a_description():
    async def test(client):
        body, _ = await generated(client, t3_request())
        assert body["tier"] == "T3" and [p["name"] for p in body["phases"]][0] == "expand"
        assert body["changes"][0]["op"] == "rename_column"  # parsed from the description, echoed
    run(test)


def test_generate_is_deterministic_and_detail_fetches_a_part():
    async def test(client):
        tool = (await listed(client))["generate_migration"]
        first = check_structured(await client.call_tool("generate_migration", t1_request()), tool)
        again = check_structured(await client.call_tool("generate_migration", t1_request()), tool)
        scripts = ("migration_script", "rollback_script", "extra_files", "phases")
        assert [first.get(k) for k in scripts] == [again.get(k) for k in scripts]
        part = check_structured(await client.call_tool("generate_migration", t1_request(detail="validation_tests")),
                                tool)
        assert part["validation_tests"] == first["validation_tests"] and "migration_script" not in part
        assert part["detail"] == "validation_tests"
    run(test)


def test_validate_returns_findings():
    async def test(client):
        tool = (await listed(client))["validate_migration"]
        body = check_structured(await client.call_tool("validate_migration", VALIDATE_ARGS), tool)
        assert body["verdict"] in ("pass", "warn", "fail")
    run(test)


def test_explain_returns_statements():
    async def test(client):
        tool = (await listed(client))["explain_migration"]
        body = check_structured(await client.call_tool("explain_migration", EXPLAIN_ARGS), tool)
        assert body["statements"]
    run(test)


EXPLAIN_CHANGES = {"database": "postgresql", "database_version": "15", "table_rows": {"orders": 1_000_000},
                   "schema": "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer, amount integer);",
                   "changes": [{"op": "add_index", "table": "orders", "columns": ["customer_id"]},
                               {"op": "alter_column_type", "table": "orders", "column": "amount",
                                "type": "bigint"}]}


def test_explain_accepts_changes_listed_in_its_schema():
    async def test(client):
        tool = (await listed(client))["explain_migration"]
        properties = tool.input_schema["properties"]
        assert {"sql", "files", "changes", "schema"} <= set(properties)
        assert "generate_migration" in properties["changes"]["description"]
        assert tool.input_schema["$defs"]["AddIndex"]["required"][0] == "op"   # exported from the models
        jsonschema.validate(EXPLAIN_CHANGES, tool.input_schema)
        result = await client.call_tool("explain_migration", EXPLAIN_CHANGES)
        body = check_structured(result, tool)
        index, retype = body["statements"]
        assert (index["file"], index["lock"], index["scan"]) == ("changes.0", "SHARE", True)
        assert (retype["file"], retype["rewrite"]) == ("changes.1", True)
        assert "SHARE UPDATE EXCLUSIVE" in index["safe_alternative"]
        assert "changes.0:1" in result.content[0].text
        # some clients send arrays as JSON text
        again = await client.call_tool("explain_migration", EXPLAIN_CHANGES | {
            "changes": json.dumps(EXPLAIN_CHANGES["changes"])})
        assert check_structured(again, tool)["statements"] == body["statements"]
    run(test)


def test_bad_calls_name_the_field():
    async def test(client):
        for name, arguments, field in BAD_CALLS:
            if name == "validate_migration" and importlib.util.find_spec("dbmig.lint") is None:
                continue
            check_error(await client.call_tool(name, arguments), field)
        allowed = check_error(await client.call_tool(*BAD_CALLS[0][:2]), "migration_tool")["allowed"]
        assert allowed == ["liquibase", "flyway", "alembic"]
    run(test)


def test_abort_condition_is_its_own_code():
    async def test(client):
        result = await client.call_tool("generate_migration", t1_request(
            changes=[{"op": "drop_table", "table": "legacy"}], migration_description="drop legacy"))
        body = error_body(result)
        assert body["code"] == "unsafe_rollback" and "DROP TABLE" in body["message"] and body["suggestion"]
    run(test)


def test_alive_after_500_malformed_calls():
    async def test(client):
        for name, arguments in malformed_calls(500):
            result = await client.call_tool(name, arguments)
            assert result.is_error or result.structured_content is not None
            assert "Traceback" not in result.content[0].text
        tool = (await listed(client))["generate_migration"]
        check_structured(await client.call_tool("generate_migration", t1_request()), tool)
    run(test)


def test_resources_and_prompts():
    async def test(client):
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
        assert uris >= {"dbmig://skill", "dbmig://schema/changes", "dbmig://matrix", "dbmig://lint/rules"}
        skill = (await client.read_resource("dbmig://skill")).contents[0].text
        assert skill == (ROOT / "SKILL.md").read_text(encoding="utf-8")
        vocabulary = json.loads((await client.read_resource("dbmig://schema/changes")).contents[0].text)
        jsonschema.validate(t1_request()["changes"], vocabulary)
        matrix = json.loads((await client.read_resource("dbmig://matrix")).contents[0].text)
        assert set(matrix["tools"]) == {"liquibase", "flyway", "alembic"} and "postgresql" in matrix["databases"]
        assert isinstance(json.loads((await client.read_resource("dbmig://lint/rules")).contents[0].text), list)
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert len(prompts) == 3
        rendered = await client.get_prompt("plan_zero_downtime_change", {
            "change": "rename users.name to full_name", "database": "postgresql", "migration_tool": "flyway"})
        assert "rename users.name to full_name" in rendered.messages[0].content.text
    run(test)


# --- budgets, in process: optional parts go first, required parts never --------------------------------

def big_result(tests: int = 3, changes: int = 0) -> dict:
    script = "ALTER TABLE users ADD COLUMN email varchar(255);\n"
    return {"migration_tool": "flyway", "database": "postgresql", "migration_type": "schema",
            "downtime_allowed": True, "tier": "T1", "timestamp": "2026-01-01T00:00:00-05:00",
            "migration_script": {"filename": "V1__a.sql", "content": script},
            "rollback_script": {"filename": "U1__a.sql", "content": "ALTER TABLE users DROP COLUMN email;\n",
                                "manual_steps": []},
            "extra_files": [],
            "validation_tests": [{"description": f"check {i}", "query": "SELECT COUNT(*) FROM users " * 20,
                                  "expected_result": str(i), "expected_rows": [[i]]} for i in range(tests)],
            "deployment_guide": {"pre_migration_steps": ["back up"], "execution_steps": ["run"],
                                 "post_migration_steps": [], "rollback_procedure": [],
                                 "estimated_duration": "1 s",
                                 "lock_estimates": [{"statement": f"step {i}", "lock": "ACCESS EXCLUSIVE",
                                                     "blocks": "reads and writes", "estimate": "< 1 s"}
                                                    for i in range(changes)]},
            "warnings": ["w"], "changes": [{"op": "add_column", "table": "users", "column": {"name": f"c{i}",
                                                                                         "type": "text"}}
                                           for i in range(changes)]}


def files_of(result: dict) -> list[dict]:
    return [result["migration_script"], result["rollback_script"]]


def test_over_budget_leaves_out_optional_parts_only():
    full = big_result(changes=40)
    body, text = fit_generate(full, files_of(full))
    assert received(body, text) <= BUDGETS["T1"]
    check_contract(body)
    assert body["validation_tests"] == full["validation_tests"] and body["migration_script"] == full["migration_script"]
    assert body["omitted"]["sections"][0] == "changes" and "changes" in body["omitted"]["detail"]
    part, _ = detail_response(full, "changes")
    assert part["changes"] == full["changes"] and part["detail"] == "changes"


def test_required_parts_over_budget_say_how_to_split():
    full = big_result(tests=40)
    args = t1_request(changes=t1_request()["changes"] * 2)
    with pytest.raises(TooLarge) as e:
        fit_generate(full, files_of(full), Source(args, args["changes"]))
    assert e.value.field == "changes" and e.value.split["parts"] >= 1 and "changes[0:" in e.value.suggestion
    body, text = fit_generate(full, files_of(full))        # one change cannot be split: it comes whole
    check_contract(body)
    assert body["validation_tests"] == full["validation_tests"] and "cannot be split" in body["omitted"]["reason"]


def test_verify_tool_checks_offline_and_is_not_read_only():
    async def test(client):
        tool = (await listed(client))["verify_migration"]
        assert tool.annotations.read_only_hint is False and tool.annotations.destructive_hint is False
        files = [{"filename": "V1__add.sql", "content": "ALTER TABLE t ADD c INT;"},
                 {"filename": "U1__add.sql", "content": "ALTER TABLE t DROP COLUMN c;"}]
        body = check_structured(await client.call_tool("verify_migration", {
            "migration_tool": "flyway", "database": "sqlserver", "files": files}), tool)
        assert body["mode"] == "offline" and body["verdict"] == "pass"
        check_error(await client.call_tool("verify_migration", {
            "migration_tool": "flyway", "database": "postgresql", "files": files, "dsn": "http://x"}), "dsn")
    run(test)
