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
import stat
from contextlib import asynccontextmanager
from typing import AsyncIterator

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage

from dbmig.limits import MAX_MESSAGE_BYTES

try:
    import fcntl
except ImportError:       # Windows: no pipes the loop can wait on
    fcntl = None

_CHUNK = 1 << 16
_PAGE = 4096


def _private(fd: int, diversion: int) -> int:
    """The wire on a private descriptor (above 2, closed in children), with `fd` pointed at
    `diversion` so that child processes (the Liquibase JVM, database clients) can never read or
    write protocol bytes, and a stray print goes to stderr instead of corrupting the stream."""
    private = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3) if fcntl else os.dup(fd)
    os.dup2(diversion, fd)
    os.close(diversion)
    return private


def _loop_native(fd: int) -> bool:
    """Whether the event loop can wait on `fd` (a pipe or a socket on POSIX, which is how MCP
    clients spawn servers): then each message is read and written without a worker thread,
    which the SDK's file wrapper hops to and from for every line, write and flush."""
    if fcntl is None:
        return False
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


class CheckedLines:
    """The client's lines, as the SDK's reader iterates them: only valid JSON-RPC messages come
    out; every other line gets its error written to `reply_to` (the transport's write stream).
    A line is read up to `limit` bytes; the rest of a longer one is dropped unread into memory."""

    def __init__(self, fd: int, limit: int = MAX_MESSAGE_BYTES):
        self.fd, self.limit = fd, limit
        self.native = _loop_native(fd)
        self.pending, self.eof = bytearray(), False
        self.reply_to = None

    def __aiter__(self) -> "CheckedLines":
        return self

    async def __anext__(self) -> str:
        while True:
            raw, too_long = await self._next_line()
            if raw is None:
                raise StopAsyncIteration
            line = raw.decode("utf-8", errors="replace")
            problem = (_leading_id(line), types.INVALID_REQUEST, f"message over the {self.limit:,}-byte limit") \
                if too_long else check_line(line)
            if problem is None:
                return line
            if problem is not _BLANK:
                await self.reply(*problem)

    async def _next_line(self) -> tuple[bytes | None, bool]:
        """The next line (its newline kept), or its head and True when it is over the limit."""
        head, skipping = None, False
        while True:
            end = self.pending.find(b"\n")
            if end >= 0:
                line = bytes(self.pending[:end + 1])
                del self.pending[:end + 1]
                if skipping:
                    return head, True
                if len(line) <= self.limit + 1:     # the limit is on the message, not its newline
                    return line, False
                return line[:_CHUNK], True
            if len(self.pending) > self.limit:      # no newline yet: keep the head, drop the rest
                if not skipping:
                    head, skipping = bytes(self.pending[:_CHUNK]), True
                self.pending.clear()
            if self.eof:
                if skipping:                        # the unfinished tail goes with its head
                    self.pending.clear()
                    return head, True
                line, self.pending = (bytes(self.pending) or None), bytearray()
                return line, False
            await self._fill()

    async def _fill(self) -> None:
        if self.native:
            await anyio.wait_readable(self.fd)
            data = os.read(self.fd, _CHUNK)          # ready: returns what is there without blocking
        else:
            data = await anyio.to_thread.run_sync(os.read, self.fd, _CHUNK, abandon_on_cancel=True)
        if data:
            self.pending += data
        else:
            self.eof = True

    async def reply(self, request_id, code: int, message: str) -> None:
        error = types.JSONRPCError(jsonrpc="2.0", id=request_id, error=types.ErrorData(code=code, message=message))
        await self.reply_to.send(SessionMessage(error))


class Wire:
    """The SDK's stdout (`write` then `flush` of each message) on the private descriptor."""

    def __init__(self, fd: int):
        self.fd, self.native = fd, _loop_native(fd)

    async def write(self, text: str) -> None:
        data = memoryview(text.encode())
        while data:
            if self.native:
                # Writable means room for at least a page: a write of one never blocks the loop.
                await anyio.wait_writable(self.fd)
                data = data[os.write(self.fd, data[:_PAGE]):]
            else:
                data = data[await anyio.to_thread.run_sync(os.write, self.fd, data):]

    async def flush(self) -> None:
        """Nothing is buffered."""


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


def _stderr_or_null() -> int:
    try:
        return os.dup(2)
    except OSError:
        return os.open(os.devnull, os.O_WRONLY)


@asynccontextmanager
async def checked_stdio() -> AsyncIterator[tuple]:
    """Like the SDK's `stdio_server()`, reading through `CheckedLines` and writing through `Wire`;
    fd 0 and 1 point at the null device and stderr while it serves, and at the wire again after."""
    wire_in = _private(0, os.open(os.devnull, os.O_RDONLY))
    wire_out = _private(1, _stderr_or_null())
    lines = CheckedLines(wire_in)
    try:
        async with stdio_server(stdin=lines, stdout=Wire(wire_out)) as (read_stream, write_stream):
            lines.reply_to = write_stream       # set before the reader task first runs
            yield read_stream, write_stream
    finally:
        os.dup2(wire_in, 0)
        os.dup2(wire_out, 1)
