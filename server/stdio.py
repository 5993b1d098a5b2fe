"""The stdio transport, with an answer for every line a client sends.

The SDK's stdio transport (mcp 2.x `mcp.server.stdio.stdio_server`) validates each line as one
JSON-RPC message; a line that fails (not JSON, a batch array, nesting past pydantic-core's
limit, a lone surrogate escape, a wrong shape) goes to the session as an Exception, which the
dispatcher logs at debug level and drops: the client never gets a reply and waits forever. It
also reads a line of any length into memory. Here each line is read with a size cap and checked
the same way first; a line the SDK would drop is answered with a JSON-RPC error (-32700 parse
error, or -32600 invalid request with the request's id when it can be read), and only valid
messages go on to the SDK. Over streamable HTTP the SDK itself answers: 400 with -32700 or
-32602 for the same inputs, 413 for a body over `max_request_body_size`.
"""
from __future__ import annotations

import json
import os
import re
from contextlib import asynccontextmanager
from typing import AsyncIterator, BinaryIO

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage

from dbmig.limits import MAX_MESSAGE_BYTES

_CHUNK = 1 << 16


def _private_stdin() -> tuple[BinaryIO, int]:
    """The wire on a private descriptor, with fd 0 pointed at the null device so that child
    processes (the Liquibase JVM, database clients) can never read protocol bytes."""
    private = os.dup(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return os.fdopen(private, "rb", buffering=_CHUNK, closefd=False), private


class CheckedLines:
    """The client's lines, as the SDK's reader iterates them: only valid JSON-RPC messages come
    out; every other line gets its error written to `reply_to` (the transport's write stream)."""

    def __init__(self, wire: BinaryIO, limit: int = MAX_MESSAGE_BYTES):
        self.wire, self.limit = wire, limit
        self.reply_to = None

    def __aiter__(self) -> "CheckedLines":
        return self

    async def __anext__(self) -> str:
        while True:
            raw, too_long = await anyio.to_thread.run_sync(self._read_line, abandon_on_cancel=True)
            if raw is None:
                raise StopAsyncIteration
            line = raw.decode("utf-8", errors="replace")
            problem = (_leading_id(line), types.INVALID_REQUEST, f"message over the {self.limit:,}-byte limit") \
                if too_long else check_line(line)
            if problem is None:
                return line
            if problem is not _BLANK:
                await self.reply(*problem)

    def _read_line(self) -> tuple[bytes | None, bool]:
        line = self.wire.readline(self.limit + 1)
        if not line:
            return None, False
        if len(line) <= self.limit or line.endswith(b"\n"):
            return line, False
        while True:                       # drop the rest of the oversized line, in chunks
            rest = self.wire.readline(_CHUNK)
            if not rest or rest.endswith(b"\n"):
                return line[:_CHUNK], True      # its head may name the request's id

    async def reply(self, request_id, code: int, message: str) -> None:
        error = types.JSONRPCError(jsonrpc="2.0", id=request_id, error=types.ErrorData(code=code, message=message))
        await self.reply_to.send(SessionMessage(error))


_BLANK = object()
# `"id": 3` near the start of an oversized request, before its params: clients write it first,
# and answering with it lets the client stop waiting (best effort; else the id is null)
_HEAD_ID = re.compile(r'^\s*\{(?:(?!"params")[^{}\[\]])*?"id"\s*:\s*(-?\d{1,15}|"[^"\\]{0,100}")')


def _leading_id(head: str):
    m = _HEAD_ID.match(head)
    return json.loads(m.group(1)) if m else None


def check_line(line: str):
    """None for a line the SDK accepts; else (id, code, message) of the error to answer, or
    _BLANK for an empty line (nothing to answer)."""
    if not line.strip():
        return _BLANK
    try:
        types.jsonrpc_message_adapter.validate_json(line, by_name=False)
        return None
    except Exception:       # noqa: BLE001 - anything the SDK would drop is answered below
        pass
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None, types.PARSE_ERROR, "Parse error: not one JSON value (or nested too deeply)"
    if isinstance(value, list):
        return None, types.INVALID_REQUEST, "Invalid Request: JSON-RPC batches are not supported by MCP"
    request_id = value.get("id") if isinstance(value, dict) else None
    if not isinstance(request_id, (str, int)) or isinstance(request_id, bool):
        request_id = None
    return request_id, types.INVALID_REQUEST, ("Invalid Request: not a JSON-RPC 2.0 message MCP accepts "
                                               "(wrong shape, nesting over 200 levels, or a lone surrogate)")


@asynccontextmanager
async def checked_stdio() -> AsyncIterator[tuple]:
    """Like the SDK's `stdio_server()`, reading through `CheckedLines`."""
    wire, private = _private_stdin()
    lines = CheckedLines(wire)
    try:
        async with stdio_server(stdin=lines) as (read_stream, write_stream):
            lines.reply_to = write_stream       # set before the reader task first runs
            yield read_stream, write_stream
    finally:
        os.dup2(private, 0)
