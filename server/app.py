"""The MCP server: tools from `server.tools`, resources, prompts, and the two transports.

`build_server()` returns the `MCPServer`; `serve()` runs it over stdio (the default, what an
IDE or Claude Desktop launches) or streamable HTTP (stateless, JSON responses, so any number
of clients can share one process and a load balancer needs no session affinity).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument
from mcp.server.mcpserver.resources import FileResource, FunctionResource

from dbmig.collector import loading
from dbmig.limits import CALL_BUDGET_S, MAX_MESSAGE_BYTES, TimeBudgetExceeded, time_budget
from dbmig.models import Database, MigrationTool
from dbmig.resources import resource_root

from . import schemas
from .errors import error_body
from .stdio import checked_stdio
from .tools import ToolSpec, error_result, tool_specs

ROOT = resource_root()
SKILL_PATH = ROOT / "SKILL.md"
PROMPTS_DIR = ROOT / "prompts"

INSTRUCTIONS = """\
dbmig writes database migrations. Use generate_migration to author one, validate_migration to lint
existing files, explain_migration to learn what a statement locks and costs. Read resource
dbmig://skill first: it holds the tiers, budgets and decision rules. Errors come back as
{code, field, message, allowed?, suggestion}: fix the named field and call again."""


class DbmigServer(MCPServer):
    """MCPServer whose tools take raw JSON arguments, validated against the engine's models.

    The SDK derives a tool's schema from a Python signature and answers bad arguments with
    plain text; our tools publish the pydantic models' schemas and answer with structured
    errors, so `list_tools`/`call_tool` dispatch to `ToolSpec`s first.
    """

    def __init__(self, specs: list[ToolSpec], **kwargs: Any):
        super().__init__(**kwargs)
        self._specs = {spec.name: spec for spec in specs}

    async def run_stdio_async(self) -> None:
        """stdio through `server.stdio.checked_stdio`: every malformed line gets an answer."""
        async with checked_stdio() as (read_stream, write_stream):
            await self._lowlevel_server.run(read_stream, write_stream,
                                            self._lowlevel_server.create_initialization_options())

    async def list_tools(self):
        return [spec.listing() for spec in self._specs.values()] + await super().list_tools()

    async def call_tool(self, name: str, arguments: dict[str, Any], context=None):
        spec = self._specs.get(name)
        if spec is not None:
            return await call_within_budget(spec, arguments)
        if self._tool_manager.get_tool(name) is not None:
            return await super().call_tool(name, arguments, context)
        return error_result({"code": "invalid_request", "field": "name", "message": f"unknown tool {name!r}",
                             "allowed": sorted(self._specs), "suggestion": "call one of the listed tools"})


async def call_within_budget(spec: ToolSpec, arguments: dict[str, Any]):
    """Run a tool within the call's time budget: on the event loop when the call is quick
    (`on_the_loop`), otherwise in a worker thread, so that the loop stays free for other clients
    while the engine works. The engine checks the budget between statements, changes and files
    and stops itself; if a single step in a thread outlasts it, the caller gets
    `time_budget_exceeded` anyway and the thread is abandoned to finish on its own.
    verify_migration has no budget here: it drives real tools with their own timeouts."""
    budget = CALL_BUDGET_S if spec.read_only else None
    if budget is not None and on_the_loop(spec, arguments):
        with time_budget(budget):
            return spec.call(arguments)

    def run():
        try:
            spec.load()
        except Exception as exc:  # noqa: BLE001 - answered like any failure of the call
            return error_result(error_body(exc))
        with time_budget(budget):
            return spec.call(arguments)

    if budget is None:
        return await anyio.to_thread.run_sync(run)
    with anyio.move_on_after(budget + ABANDON_GRACE_S):
        return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
    return error_result(error_body(TimeBudgetExceeded(
        f"{spec.name} ran past its {CALL_BUDGET_S:g} s budget and was abandoned",
        suggestion="split the input into smaller calls (fewer files, statements or changes)")))


# The engine's own checks answer at the budget; this is for a step that does not return.
ABANDON_GRACE_S = 5

# A read-only call with at most this much text is a few milliseconds of CPU (a T1 generate ~0.7 ms,
# ~0.6 µs a character of SQL to lint): handing it to a worker thread and back cost more than the
# work (+0.4 ms a T1 call, +0.6 ms a T3, over the SDK's in-memory transport).
ON_THE_LOOP_CHARS = 16_000
# Arguments that make a call read a database, a project's files or start a server: never on the loop.
OFF_THE_LOOP = ("dsn", "project_dir", "replay", "replay_dsn")


def on_the_loop(spec: ToolSpec, arguments: dict[str, Any]) -> bool:
    return spec.loaded and not any(arguments.get(k) for k in OFF_THE_LOOP) \
        and text_size(arguments, ON_THE_LOOP_CHARS) <= ON_THE_LOOP_CHARS


def text_size(value: Any, limit: int) -> int:
    """The characters of text in `value` (a value of another kind counts one), counted until past `limit`."""
    pending, size = [value], 0
    while pending and size <= limit:
        item = pending.pop()
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
            size += len(item)
        elif isinstance(item, list):
            pending.extend(item)
        else:
            size += 1
    return size


# --- resources ----------------------------------------------------------------------------------

TOOL_OUTPUT = {
    "liquibase": "a changelog (XML by default; YAML or formatted SQL via liquibase_format) with one "
                 "changeSet per step, id and author, and rollback blocks",
    "flyway": "V<version>__<description>.sql and U<version>__<description>.sql, plus a "
              "V<version>__<description>.sql.conf (executeInTransaction=false) for steps that "
              "cannot run in a transaction",
    "alembic": "revision files with revision/down_revision, upgrade() and downgrade()",
}


def supported_matrix() -> dict:
    return {
        "tools": {tool.value: TOOL_OUTPUT[tool.value] for tool in MigrationTool},
        "databases": {db.value: _database_facts(db.value) for db in Database},
        "combinations": [{"migration_tool": t.value, "database": d.value} for t in MigrationTool for d in Database],
    }


def _database_facts(database: str) -> dict:
    from dbmig.dialects import get_dialect
    try:
        dialect = get_dialect(database)
    except ImportError:
        return {"status": "not available in this build"}
    return {"transactional_ddl": dialect.transactional_ddl, "max_identifier_length": dialect.max_identifier,
            "version_notes": dict(dialect.version_notes)}


def lint_catalog() -> str:
    from dbmig.lint.rules import catalog
    return json.dumps(catalog(), indent=1)


def add_resources(server: MCPServer) -> None:
    server.add_resource(FileResource(
        uri="dbmig://skill", path=SKILL_PATH, name="skill", title="dbmig skill", mime_type="text/markdown",
        description="When to use each tool, tiers and budgets, inputs, outputs, decision rules, examples."))
    json_resources = [
        ("dbmig://schema/changes", "change-vocabulary", "JSON Schema of the `changes` items",
         lambda: json.dumps(schemas.change_vocabulary_schema(), indent=1)),
        ("dbmig://matrix", "supported-matrix", "Migration tool x database support and version notes",
         lambda: json.dumps(supported_matrix(), indent=1)),
        ("dbmig://lint/rules", "lint-rules", "The lint rule catalog used by validate_migration", lint_catalog),
    ]
    for uri, name, description, fn in json_resources:
        server.add_resource(FunctionResource(uri=uri, name=name, description=description,
                                             mime_type="application/json", fn=fn))


# --- prompts --------------------------------------------------------------------------------------

_FRONT = re.compile(r"\A---\n(?P<head>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
_ARG = re.compile(r"argument (?P<name>\w+)(?P<required>\*?): (?P<description>.*)")


def load_prompt(path: Path) -> Prompt:
    """A prompt file: a front matter (name, title, description, `argument x*: ...`) and a body
    with {{x}} placeholders."""
    match = _FRONT.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{path}: missing front matter")
    head, arguments = {}, []
    for line in match["head"].splitlines():
        if arg := _ARG.match(line):
            arguments.append(PromptArgument(name=arg["name"], description=arg["description"],
                                            required=bool(arg["required"])))
        elif ":" in line:
            key, value = line.split(":", 1)
            head[key.strip()] = value.strip()
    body = match["body"]

    def render(**values: str) -> str:
        return re.sub(r"\{\{(\w+)\}\}", lambda m: values.get(m[1]) or "(not given)", body)

    return Prompt(name=head["name"], title=head.get("title"), description=head.get("description"),
                  arguments=arguments, fn=render)


def add_prompts(server: MCPServer) -> None:
    for path in sorted(PROMPTS_DIR.glob("*.md")):
        server.add_prompt(load_prompt(path))


# --- building and serving ---------------------------------------------------------------------

def build_server() -> DbmigServer:
    from importlib.metadata import PackageNotFoundError, version
    try:
        our_version = version("dbmig")
    except PackageNotFoundError:
        our_version = "0.0.0+checkout"
    server = DbmigServer(tool_specs(), name="dbmig", title="dbmig: database migrations",
                         instructions=INSTRUCTIONS, version=our_version, log_level="WARNING")
    add_resources(server)
    add_prompts(server)
    return server


MCP_PATH = "/mcp"


def serve(http: bool = False, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Run until the client closes stdio, or until interrupted (HTTP). SIGTERM, what clients
    send at shutdown, cleans up a running dry run first (dbmig.runners.lifecycle)."""
    from dbmig.runners.lifecycle import handle_termination
    handle_termination(exit_at_once=True)
    with loading():
        server = build_server()
    if http:
        # stdout stays free (it is the stdio transport's channel elsewhere); the line goes to stderr.
        print(f"dbmig MCP server (streamable HTTP) at {http_url(host, port)}", file=sys.stderr, flush=True)
        server.run("streamable-http", host=host, port=port, streamable_http_path=MCP_PATH,
                   json_response=True, stateless_http=True, max_request_body_size=MAX_MESSAGE_BYTES)
    else:
        server.run("stdio")


def http_url(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}{MCP_PATH}"
