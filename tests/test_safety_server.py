"""Issue 14, items 9 and 4 (server side): every line a client sends over stdio gets an answer
(the SDK's stdio transport drops malformed lines silently and the client hangs), and a call
past its time budget is answered with `time_budget_exceeded` while the server keeps serving."""
from __future__ import annotations

import json
import time

import pytest

from dbmig.limits import MAX_MESSAGE_BYTES

from .rawstdio import RawServer

PARSE_ERROR, INVALID_REQUEST = -32700, -32600


@pytest.fixture(scope="module")
def server():
    s = RawServer()
    yield s
    s.close()


@pytest.mark.parametrize("line, request_id, code", [
    (b"garbage", None, PARSE_ERROR),
    (b"{\"jsonrpc\": \"2.0\", \"id\": 1, ", None, PARSE_ERROR),
    (b"[1, 2]", None, INVALID_REQUEST),
    (b'[{"jsonrpc": "2.0", "id": 7, "method": "ping"}]', None, INVALID_REQUEST),
    (b"[" * 300 + b"]" * 300, None, INVALID_REQUEST),
    (b'{"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "x", "arguments": {"a": "\\ud800"}}}',
     9, INVALID_REQUEST),
    (b'{"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": ' + b'{"a": ' * 250 + b"1" + b"}" * 251,
     10, INVALID_REQUEST),
    (b'{"jsonrpc": "2.0", "id": "s", "bogus": 1}', "s", INVALID_REQUEST),
    (b'{"id": 11, "method": "ping"}', 11, INVALID_REQUEST),
    (b"\xff\xfe not utf-8", None, PARSE_ERROR),
])
def test_malformed_lines_get_a_json_rpc_error(server, line, request_id, code):
    server.send_line(line)
    reply = server.read(timeout=20)
    assert reply is not None, "no reply: the client would hang"
    assert reply["id"] == request_id and reply["error"]["code"] == code


def test_oversized_line_is_answered_with_its_id_and_the_server_goes_on(server):
    head = b'{"jsonrpc": "2.0", "id": 4242, "method": "tools/call", "params": {"name": "validate_migration", '
    start = time.perf_counter()
    server.send_line(head + b'"arguments": {"x": "' + b"a" * (MAX_MESSAGE_BYTES + 10) + b'"}}}')
    reply = server.wait_for(4242, timeout=60)
    assert reply["error"]["code"] == INVALID_REQUEST and "limit" in reply["error"]["message"]
    assert time.perf_counter() - start < 30
    ok = server.call("validate_migration", {"database": "postgresql",
                                            "files": [{"filename": "V1__a.sql", "content": "SELECT 1;"}]})
    assert ok["result"]["structuredContent"]["verdict"] == "pass"


def test_blank_lines_are_ignored(server):
    server.send_line(b"   ")
    reply = server.call("explain_migration", {"database": "postgresql", "sql": "SELECT 1"})
    assert "result" in reply


def test_a_call_past_its_budget_is_answered_and_others_are_served():
    """Budget 0.1 s for this server: a file of 15,000 statements (about 0.4 s of linting) stops with a structured error at a
    check between statements; the next call is served as usual."""
    s = RawServer(env={"DBMIG_CALL_BUDGET_S": "0.1"})
    try:
        # explain's modules load on its first call, not at server start, and its first lint loads the
        # parser: warm it up (a first call may spend 0.1 s loading), so that the call after the
        # abandoned one measures being served
        warm = [s.call("explain_migration", {"database": "postgresql", "sql": "SELECT 1"})["result"] for _ in range(3)]
        assert not warm[-1].get("isError"), warm
        sql = "ALTER TABLE t ADD COLUMN c int;\n" * 15_000
        start = time.perf_counter()
        body = s.call("validate_migration", {"database": "postgresql",
                                             "files": [{"filename": "V1__a.sql", "content": sql}]})["result"]
        assert body["isError"] and json.loads(body["content"][0]["text"])["code"] == "time_budget_exceeded"
        assert time.perf_counter() - start < 15
        small = s.call("explain_migration", {"database": "postgresql", "sql": "SELECT 1"})["result"]
        assert not small.get("isError") and json.dumps(small)
        assert s.alive()
    finally:
        s.close()


def test_quick_calls_run_on_the_loop_and_the_rest_in_a_worker_thread():
    """A small read-only call is answered on the event loop (a thread hop cost +0.4 ms a T1 call);
    a large one, one that reads a database or a project, and verify (not read-only) go to a worker
    thread so that the loop stays free for other clients."""
    import threading

    import anyio

    from dbmig.server.app import ON_THE_LOOP_CHARS, call_within_budget
    from dbmig.server.tools import ToolSpec

    def spec(read_only: bool = True) -> ToolSpec:
        def run(arguments):
            return {"on_the_loop": threading.current_thread() is threading.main_thread()}, "ok"
        return ToolSpec("t", "", "", {}, {}, run, read_only=read_only)

    async def where(arguments, read_only=True) -> bool:
        return (await call_within_budget(spec(read_only), arguments)).structured_content["on_the_loop"]

    small = {"database": "postgresql", "files": [{"filename": "V1__a.sql", "content": "SELECT 1;"}]}
    large = {"database": "postgresql", "files": [{"filename": "V1__a.sql", "content": "x" * (ON_THE_LOOP_CHARS + 1)}]}
    many = {"changes": [{"op": "drop_table", "table": f"t{n}"} for n in range(ON_THE_LOOP_CHARS // 8)]}
    assert anyio.run(where, small)
    assert not anyio.run(where, large)
    assert not anyio.run(where, many)
    for reads in ({"dsn": "postgresql://h/db"}, {"project_dir": "/tmp"}, {"replay": "database"}):
        assert not anyio.run(where, small | reads), reads
    assert not anyio.run(where, small, False)
