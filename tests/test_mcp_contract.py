"""The output contract over MCP, through the SDK client and the server's own protocol layer (in
process): every result of the generate matrix (the golden requests: op x tool x database, T1-T3)
carries every required field within its tier's budget and `omitted` never names a required one;
requests of 1,000 and 5,000 changes get a complete, schema-valid answer within budget, never an
internal error."""
from __future__ import annotations

import json
import time

import anyio
from mcp import Client

from dbmig.server.app import build_server
from dbmig.server.budget import BUDGETS, received

from .golden.build import requests
from .test_golden import STORED
from .test_mcp_stdio import check_contract, check_structured, error_body, listed, t1_request, t3_request


def in_process(test) -> None:
    async def main():
        async with Client(build_server()) as client:
            await test(client)
    anyio.run(main)


def test_every_matrix_result_carries_the_contract_within_budget():
    seen = {"T1": 0, "T2": 0, "T3": 0}

    async def test(client):
        tool = (await listed(client))["generate_migration"]
        for name, request in requests().items():
            result = await client.call_tool("generate_migration", request)
            if "error" in STORED[name]:          # the refusals the goldens record, by code
                assert error_body(result)["code"] == STORED[name]["error"]["code"], name
                continue
            body = check_structured(result, tool)
            check_contract(body)
            assert received(body, result.content[0].text) <= BUDGETS[body["tier"]], name
            seen[body["tier"]] += 1
    in_process(test)
    assert all(seen.values()), seen


def many(n: int) -> list[dict]:
    return [{"op": "add_column", "table": f"t{i % 50}", "column": {"name": f"c{i}", "type": "integer"}}
            for i in range(n)]


def test_huge_requests_get_a_structured_answer_within_budget():
    """1,000 and 5,000 changes: a too_large answer that says how to split, checked on its first
    part, whose parts then come back complete."""
    async def test(client):
        tool = (await listed(client))["generate_migration"]
        for n, request in ((1_000, t1_request(changes=many(1_000))),
                           (5_000, t3_request(changes=many(5_000), schema=None))):
            started = time.perf_counter()
            result = await client.call_tool("generate_migration", request)
            seconds = time.perf_counter() - started
            body = error_body(result)
            text = result.content[0].text
            assert body["code"] == "too_large" and body["field"] == "changes", body
            split = body["split"]
            assert split["changes"] == n and split["parts"] * split["changes_per_part"] >= n
            assert received({}, text) <= split["budget"]
            part = request | {"changes": request["changes"][:split["changes_per_part"]]}
            check_contract(check_structured(await client.call_tool("generate_migration", part), tool))
            print(f"{n} changes: too_large in {seconds:.1f} s, {len(text)} chars, split {split}")
    in_process(test)


def test_detail_of_a_huge_result_is_not_an_internal_error():
    async def test(client):
        result = await client.call_tool("generate_migration", t1_request(changes=many(300), detail="validation_tests"))
        assert error_body(result)["code"] == "too_large"
    in_process(test)


def test_special_token_text_in_a_request_is_counted_not_refused():
    """`<|endoftext|>` is plain text to dbmig (the Python tokenizer refused it: internal_error)."""
    async def test(client):
        tool = (await listed(client))["generate_migration"]
        result = await client.call_tool("generate_migration", t1_request(migration_description="add email <|endoftext|>"))
        check_contract(check_structured(result, tool))
        assert json.dumps(result.structured_content)
    in_process(test)


def test_published_schemas_are_the_ones_the_models_give():
    """tools/list serves server/tool_schemas.json (precomputed for a fast start); it must be what
    the pydantic models export now, key order included (rebuild: python -m dbmig.server.published)."""
    from dbmig.server.published import CACHE, live_schemas
    from dbmig.server.tools import tool_specs

    live = live_schemas()
    cached = json.loads(CACHE.read_text(encoding="utf-8"))
    assert json.dumps(cached) == json.dumps(live), "stale tool_schemas.json: run python -m dbmig.server.published"
    served = {spec.name: {"input": spec.input_schema, "output": spec.output_schema} for spec in tool_specs()}
    assert json.dumps(served) == json.dumps(live)

    async def test(client):
        tools = await listed(client)
        assert set(tools) == set(live)
        for name, tool in tools.items():
            assert tool.input_schema == live[name]["input"] and tool.output_schema == live[name]["output"], name
    in_process(test)


def test_output_schemas_are_inlined_and_validate_every_answer_kind():
    """Clients check each structured result against the output schema: no `$ref` to resolve
    per use. The echo of parsed changes is described by its `op` (the input schema spells each
    kind out), and it still holds every kind the engine echoes."""
    from jsonschema import Draft202012Validator

    from dbmig.server.published import live_schemas
    for name, schemas_ in live_schemas().items():
        assert "$ref" not in json.dumps(schemas_["output"]) and "$defs" not in schemas_["output"], name
        Draft202012Validator.check_schema(schemas_["output"])
    output = live_schemas()["generate_migration"]["output"]
    echoed = output["properties"]["changes"]["items"]
    assert echoed["required"] == ["op"] and set(echoed["properties"]["op"]["enum"]) >= {"add_column", "raw_sql"}

    async def test(client):
        result = await client.call_tool("generate_migration", {
            "migration_tool": "flyway", "database": "postgresql", "migration_type": "schema",
            "downtime_allowed": True, "migration_description": "add nickname",
            "sql": "ALTER TABLE users ADD COLUMN nickname text;"})
        body = check_structured(result, (await listed(client))["generate_migration"])
        assert body["changes"][0]["op"] == "add_column"
        Draft202012Validator(output).validate(body)
    in_process(test)
