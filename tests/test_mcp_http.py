"""Streamable HTTP: stateless, JSON responses, many concurrent clients on one process."""
from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request

import anyio
import pytest
from mcp import Client

from tests.test_mcp_stdio import (BAD_CALLS, ROOT, TOOLS, check_error, check_structured, server_command,
                            t1_request)

CLIENTS, CALLS = 20, 25


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def url():
    port = free_port()
    process = subprocess.Popen([*server_command(), "--http", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"server did not listen on {port}")


def post(url: str, message: dict) -> tuple[str, dict, dict]:
    request = urllib.request.Request(url, data=json.dumps(message).encode(), method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers.get("Content-Type"), dict(response.headers), json.loads(response.read())


def test_responses_are_plain_json_without_a_session(url):
    content_type, headers, body = post(url, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})
    assert content_type.startswith("application/json")
    assert body["result"]["serverInfo"]["name"] == "dbmig"
    assert "mcp-session-id" not in {k.lower() for k in headers}  # stateless: no affinity needed


def test_tools_and_errors_over_http(url):
    async def main():
        async with Client(url) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert set(tools) >= TOOLS
            check_structured(await client.call_tool("generate_migration", t1_request()), tools["generate_migration"])
            for name, arguments, field in BAD_CALLS[:8]:
                check_error(await client.call_tool(name, arguments), field)
    anyio.run(main)


def test_concurrent_clients_have_no_errors(url):
    failures: list[str] = []
    files: set[str] = set()

    async def one_client(n: int):
        async with Client(url) as client:
            tool = {t.name: t for t in (await client.list_tools()).tools}["generate_migration"]
            for i in range(CALLS):
                request = t1_request(version=str(n * 100 + i))
                try:
                    body = check_structured(await client.call_tool("generate_migration", request), tool)
                    files.add(body["migration_script"]["filename"])
                except Exception as exc:  # counted, so one failure does not hide the others
                    failures.append(f"client {n} call {i}: {exc!r}")

    async def main():
        async with anyio.create_task_group() as tg:
            for n in range(CLIENTS):
                tg.start_soon(one_client, n)

    anyio.run(main)
    assert failures == []
    assert len(files) == CLIENTS * CALLS  # every answer belongs to its own request
