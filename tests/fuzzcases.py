"""Deterministic malformed MCP calls for the fuzz test (tests/test_fuzz.py) and the fuzz
benchmark (benchmarks/fuzz.py): malformed arguments of every tool, hostile strings in every
field, and oversized inputs at and over the limits of docs/limits.md.

`calls(seed, n)` yields (tool, arguments) pairs; `classify(reply)` says what came back."""
from __future__ import annotations

import copy
import json
import random
from typing import Iterator

from dbmig.limits import MAX_CHANGES, MAX_FILES, MAX_IDENTIFIER, MAX_NESTING, MAX_TEXT

HOSTILE = [
    "", " ", "'", "\"", "`", "''", "'\"", "'\"\",1);#", "\\", "\\'", "a\\", "--", "-- x\n", "/*", "*/", "#",
    ";", "; DROP TABLE canary; --", "'x\n--rollback DROP TABLE canary;\n'", "\n", "\r", "\r\n", "\t",
    "\x00", "a\x00b", "\x1b[31m", "\u2028", "\u0085", "\ufeff", "\ud800", "naïve ✓ 漢字 🙂", "${user.home}",
    "$$", "$dbmig$", "<!-- -->", "]]>", "&amp;", "{{ x }}", "%s", "..\\..\\etc", "../../etc/passwd", "/etc/passwd",
    "ck\n", "a" * (MAX_IDENTIFIER + 1), "(" * (MAX_NESTING + 1), "NULL", "DEFAULT", "select", "GO", "/",
]
WEIRD = [None, 0, -1, 1.5, 10 ** 30, True, False, [], {}, [1, 2], {"a": 1}, "null"]

SCHEMA = ("CREATE TABLE users (id integer PRIMARY KEY, email varchar(100), name text NOT NULL, n integer);\n"
          "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer, total decimal(10,2));")

GENERATE = [
    {"migration_tool": "flyway", "database": "postgresql", "migration_type": "schema", "downtime_allowed": True,
     "migration_description": "add phone", "schema": SCHEMA,
     "changes": [{"op": "add_column", "table": "users", "column": {"name": "phone", "type": "varchar(20)"}}]},
    {"migration_tool": "liquibase", "database": "mysql", "migration_type": "data", "downtime_allowed": True,
     "migration_description": "backfill n", "schema": SCHEMA, "liquibase_format": "sql",
     "changes": [{"op": "backfill", "table": "users", "column": "n", "value": "0", "where": "n IS NULL"}]},
    {"migration_tool": "alembic", "database": "sqlserver", "migration_type": "schema", "downtime_allowed": True,
     "migration_description": "index email", "schema": SCHEMA,
     "sql": "CREATE INDEX ix_users_email ON users (email)"},
    {"migration_tool": "liquibase", "database": "oracle", "migration_type": "schema", "downtime_allowed": False,
     "migration_description": "rename users.name to full_name", "schema": SCHEMA},
]
VALIDATE = [
    {"database": "postgresql", "files": [{"filename": "V1__a.sql", "content": "ALTER TABLE users ADD COLUMN a int;"}]},
    {"database": "mysql", "migration_tool": "liquibase",
     "files": [{"filename": "changelog.yaml", "content": "databaseChangeLog:\n- changeSet:\n    id: 1\n"
                "    author: a\n    changes:\n    - sql:\n        sql: SELECT 1\n"}]},
    {"database": "oracle", "files": [{"filename": "a1_rev.py", "content": "revision = 'a1'\ndown_revision = None\n"
                                      "def upgrade():\n    op.execute('SELECT 1 FROM dual')\n"}]},
]
EXPLAIN = [
    {"database": "postgresql", "sql": "ALTER TABLE orders ALTER COLUMN id TYPE bigint", "table_rows": {"orders": 1000}},
    {"database": "mysql", "changes": [{"op": "add_index", "table": "users", "columns": ["email"]}], "schema": SCHEMA},
    {"database": "sqlserver", "files": [{"filename": "V2__b.sql", "content": "CREATE INDEX i ON users (email);"}]},
]
# verify gets only arguments its validation refuses: a valid call would start a database
VERIFY = [{"migration_tool": "flyway", "database": "postgresql", "files": []},
          {"migration_tool": "nope", "database": "postgresql", "files": [{"filename": "V1__a.sql", "content": "x"}]},
          {"migration_tool": "flyway", "database": "db2", "files": [{"filename": "V1__a.sql", "content": "x"}]}]
BASES = {"generate_migration": GENERATE, "validate_migration": VALIDATE, "explain_migration": EXPLAIN,
         "verify_migration": VERIFY}
OPS = ["create_table", "drop_table", "rename_table", "add_column", "drop_column", "rename_column",
       "alter_column_type", "set_not_null", "drop_not_null", "set_default", "drop_default", "add_index",
       "drop_index", "add_foreign_key", "add_unique", "add_check", "drop_constraint", "backfill", "update_rows",
       "split_column", "raw_sql", "bogus"]


def _paths(value, prefix=()):
    """Every (path) to a value inside nested dicts/lists."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _set(root, path, value):
    target = root
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _delete(root, path):
    target = root
    for key in path[:-1]:
        target = target[key]
    if isinstance(target, dict):
        target.pop(path[-1], None)
    elif isinstance(target, list) and target:
        target.pop(path[-1])


def _nested(depth: int):
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


def _oversized(rnd: random.Random, tool: str, over: bool) -> dict:
    """An input at (or one past) a documented limit."""
    extra = 1 if over else 0
    kind = rnd.choice(["text", "files", "changes", "identifier"])
    if kind == "text":
        body = "ALTER TABLE users ADD COLUMN c int;\n"
        text = (body * (MAX_TEXT // len(body) + 1))[:MAX_TEXT + extra]
        if tool == "generate_migration":
            return GENERATE[0] | {"changes": None, "sql": text} if over else GENERATE[0] | {"schema": SCHEMA + "\n--" + "x" * (MAX_TEXT - len(SCHEMA) - 3)}
        if tool == "explain_migration":
            return {"database": "postgresql", "sql": text}
        return {"database": "postgresql", "files": [{"filename": "V1__a.sql", "content": text}]}
    if kind == "files":
        files = [{"filename": f"V{i}__a.sql", "content": "SELECT 1;"} for i in range(1, MAX_FILES + 1 + extra)]
        return {"database": "postgresql", "files": files}
    if kind == "changes":
        n = MAX_CHANGES + extra if tool == "generate_migration" else 200 + extra
        changes = [{"op": "add_column", "table": "users", "column": {"name": f"c{i}", "type": "int"}} for i in range(n)]
        return (GENERATE[0] | {"changes": changes}) if tool == "generate_migration" else \
            {"database": "postgresql", "changes": changes, "schema": SCHEMA}
    name = "a" * (MAX_IDENTIFIER + extra)
    return GENERATE[0] | {"changes": [{"op": "add_column", "table": "users", "column": {"name": name, "type": "int"}}]}


def _random_change(rnd: random.Random) -> dict:
    change = {"op": rnd.choice(OPS)}
    for key in rnd.sample(["table", "column", "name", "new_name", "type", "default", "value", "where", "expression",
                           "columns", "ref_table", "ref_columns", "into", "separator", "up", "down", "set",
                           "using", "backfill", "unique", "on_delete", "batch_size"], rnd.randint(1, 6)):
        change[key] = rnd.choice(HOSTILE + WEIRD + ["users", "email", "n", "int", "0", ["email"], {"n": "1"}])
    return change


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _hostile_value_change(rnd: random.Random) -> dict:
    """A well-formed change whose SQL expression is a string literal holding hostile text: it
    passes validation and reaches the planner, the renderers and the gate."""
    value = _literal(rnd.choice(HOSTILE))
    return rnd.choice([
        {"op": "add_column", "table": "users", "column": {"name": "x", "type": "varchar(200)", "default": value}},
        {"op": "set_default", "table": "users", "column": "email", "default": value},
        {"op": "backfill", "table": "users", "column": "email", "value": value, "where": f"name <> {value}"},
        {"op": "update_rows", "table": "users", "set": {"email": value}, "where": f"email = {value}"},
        {"op": "add_check", "table": "users", "expression": f"email <> {value}"},
        {"op": "split_column", "table": "users", "column": "name", "into": ["first", "last"],
         "separator": rnd.choice(["'\"", "'\"\",1);#", "--", "/*", "#", ";", " "])},
    ])


def mutate(rnd: random.Random, tool: str) -> dict | object:
    args = copy.deepcopy(rnd.choice(BASES[tool]))
    roll = rnd.random()
    if roll < 0.02:
        return _oversized(rnd, tool, over=rnd.random() < 0.5)
    if roll < 0.05:
        return rnd.choice([[], "args", 1, None, [args]])
    if roll < 0.30 and tool == "generate_migration":
        args.pop("sql", None)
        return args | {"changes": [_hostile_value_change(rnd)], "migration_type": "data",
                       "migration_tool": rnd.choice(["flyway", "liquibase", "alembic"]),
                       "database": rnd.choice(["postgresql", "mysql", "sqlserver", "oracle"]),
                       "liquibase_format": rnd.choice(["xml", "yaml", "sql"]), "downtime_allowed": rnd.random() < 0.8}
    if roll < 0.40 and tool == "generate_migration":
        args["changes"] = [_random_change(rnd) for _ in range(rnd.randint(1, 3))]
        args.pop("sql", None)
        return args
    for _ in range(rnd.randint(1, 3)):
        paths = [p for p in _paths(args) if p]
        if not paths:
            break
        path = rnd.choice(paths)
        action = rnd.random()
        if action < 0.55:
            _set(args, path, rnd.choice(HOSTILE))
        elif action < 0.75:
            _set(args, path, rnd.choice(WEIRD))
        elif action < 0.85:
            _delete(args, path)
        elif action < 0.93:
            args[rnd.choice(HOSTILE[:20]) or "extra"] = rnd.choice(HOSTILE + WEIRD)
        else:
            _set(args, path, _nested(rnd.choice([5, 50, 150, 300])))
        if not isinstance(args, dict):
            break
    return args


def calls(seed: int, n: int) -> Iterator[tuple[str, object]]:
    rnd = random.Random(seed)
    tools = list(BASES) + ["no_such_tool"]
    for _ in range(n):
        tool = rnd.choices(tools, weights=[4, 3, 3, 1, 0.2])[0]
        yield tool, mutate(rnd, tool if tool in BASES else "validate_migration")


def classify(reply: dict | None) -> str:
    """`ok`, an error code (structured tool error or JSON-RPC error), or `unstructured` /
    `no reply` (the failures the fuzz test counts)."""
    if reply is None:
        return "no reply"
    if "error" in reply:
        err = reply["error"]
        return f"jsonrpc {err.get('code')}" if isinstance(err, dict) and "message" in err else "unstructured"
    result = reply.get("result") or {}
    if result.get("isError"):      # an error's body is JSON text, never structuredContent
        body = _json_text(result)
        if "structuredContent" in result or not {"code", "field", "message"} <= body.keys():
            return "unstructured"
        return body["code"]
    return "ok" if isinstance(result.get("structuredContent"), dict) else "unstructured"


def _json_text(result: dict) -> dict:
    try:
        body = json.loads(result["content"][0]["text"])
    except (KeyError, IndexError, TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


FAILURES = {"no reply", "unstructured", "internal_error", "internal_gate_failure"}
