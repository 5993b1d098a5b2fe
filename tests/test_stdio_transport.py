"""The stdio transport (`dbmig.server.stdio`): lines read and answers written on the event loop
for pipes and sockets, in a worker thread for anything else, with the same results: every line
whole whatever the chunks it arrives in, an oversized line answered with its id and skipped
without being held in memory, nothing lost at the end of the input, and stray output of the
server's own code kept off the wire."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

import anyio
import mcp_types as types
import pytest
from mcp.shared.message import SessionMessage

from dbmig.server.stdio import CheckedLines, Wire

LIMIT = 200


def request(n: int, pad: str = "") -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": n, "method": "ping", "params": {"pad": pad}}).encode() + b"\n"


INPUT = [request(1), request(2, "x" * 500), b"\n", b"not json\n", request(3, "y" * 50)]
# What comes out: the valid lines within the limit, in order; answers for the rest.
LINES = [request(1).decode(), request(3, "y" * 50).decode()]
ANSWERS = [(2, types.INVALID_REQUEST), (None, types.PARSE_ERROR)]


def pipe_source(data: bytes, chunk: int) -> int:
    """The read end of a pipe fed `data` in chunks of `chunk` bytes by a thread, then closed."""
    read_fd, write_fd = os.pipe()

    def feed():
        for i in range(0, len(data), chunk):
            os.write(write_fd, data[i:i + chunk])
            time.sleep(0.001)
        os.close(write_fd)

    threading.Thread(target=feed, daemon=True).start()
    return read_fd


def file_source(data: bytes) -> int:
    f = tempfile.TemporaryFile()
    f.write(data)
    f.seek(0)
    return os.dup(f.fileno())


def read_all(fd: int) -> tuple[list[str], list[tuple], bool]:
    async def main():
        lines = CheckedLines(fd, limit=LIMIT)
        send, receive = anyio.create_memory_object_stream[SessionMessage](10)
        lines.reply_to = send
        got = [line async for line in lines]
        send.close()
        answers = [(m.message.id, m.message.error.code) async for m in receive]
        return got, answers, lines.native
    try:
        return anyio.run(main)
    finally:
        os.close(fd)


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 16])
def test_lines_from_a_pipe_are_read_on_the_loop_whatever_their_chunks(chunk):
    got, answers, native = read_all(pipe_source(b"".join(INPUT), chunk))
    assert native
    assert got == LINES
    assert answers == ANSWERS


def test_lines_from_a_file_are_read_in_a_thread_with_the_same_result():
    got, answers, native = read_all(file_source(b"".join(INPUT)))
    assert not native
    assert (got, answers) == (LINES, ANSWERS)


@pytest.mark.parametrize("source", ["pipe", "file"])
def test_the_last_line_without_a_newline_is_read_and_an_unfinished_oversized_one_answered(source):
    data = request(1) + request(4).rstrip(b"\n")
    fd = pipe_source(data, 5) if source == "pipe" else file_source(data)
    assert read_all(fd)[:2] == ([request(1).decode(), request(4).decode().rstrip("\n")], [])
    data = request(1) + request(5, "z" * 1000).rstrip(b"\n")
    fd = pipe_source(data, 100) if source == "pipe" else file_source(data)
    assert read_all(fd)[:2] == ([request(1).decode()], [(5, types.INVALID_REQUEST)])


class Scripted(CheckedLines):
    """Reads arrive exactly as `chunks` (then end of input): the order the kernel may hand them."""

    def __init__(self, chunks: list[bytes]):
        super().__init__(file_source(b""), limit=LIMIT)
        self.chunks = list(chunks)

    async def _fill(self) -> None:
        if self.chunks:
            self.pending += self.chunks.pop(0)
        else:
            self.eof = True


def test_the_tail_of_an_unfinished_oversized_line_read_after_its_head_is_not_a_line():
    tail = request(5, "z" * 1000).rstrip(b"\n")
    lines = Scripted([request(1) + tail[:LIMIT + 50], tail[LIMIT + 50:LIMIT + 100]])

    async def main():
        send, receive = anyio.create_memory_object_stream[SessionMessage](10)
        lines.reply_to = send
        got = [line async for line in lines]
        send.close()
        return got, [(m.message.id, m.message.error.code) async for m in receive]
    try:
        assert anyio.run(main) == ([request(1).decode()], [(5, types.INVALID_REQUEST)])
    finally:
        os.close(lines.fd)


class Watched(CheckedLines):
    peak = 0

    async def _fill(self) -> None:
        await super()._fill()
        self.peak = max(self.peak, len(self.pending))


def test_an_oversized_line_is_not_held_whole_in_memory():
    lines = Watched(pipe_source(request(6, "w" * 300_000) + request(7), 1 << 16), limit=LIMIT)

    async def main():
        send, receive = anyio.create_memory_object_stream[SessionMessage](10)
        lines.reply_to = send
        got = [line async for line in lines]
        return got, (await receive.receive()).message.id

    got, answered = anyio.run(main)
    os.close(lines.fd)
    assert got == [request(7).decode()] and answered == 6
    assert lines.peak <= LIMIT + (1 << 16)


@pytest.mark.parametrize("kind", ["pipe", "socket", "file"])
def test_a_large_answer_is_written_whole_to_a_slow_reader(kind):
    message = "".join(chr(0x41 + i % 26) for i in range(300_000)) + "é\n"
    if kind == "pipe":
        read_fd, write_fd = os.pipe()
    elif kind == "socket":
        a, b = socket.socketpair()
        read_fd, write_fd = a.detach(), b.detach()
    else:
        f = tempfile.TemporaryFile()
        write_fd, read_fd = os.dup(f.fileno()), None
    received = bytearray()

    def drain():
        while chunk := os.read(read_fd, 1000):
            received.extend(chunk)
            time.sleep(0.0001)

    reader = threading.Thread(target=drain, daemon=True) if read_fd is not None else None
    if reader:
        reader.start()
    wire = Wire(write_fd)
    assert wire.native == (kind != "file")

    async def main():
        await wire.write(message)
        await wire.flush()
    anyio.run(main)
    if reader:
        os.close(write_fd)
        reader.join(10)
        os.close(read_fd)
    else:
        os.lseek(write_fd, 0, os.SEEK_SET)
        received.extend(os.read(write_fd, 1 << 20))
        os.close(write_fd)
    assert received.decode() == message


SERVE = """
import anyio, os, sys
import mcp_types as types
from mcp.shared.message import SessionMessage
from dbmig.server.stdio import checked_stdio

async def main():
    async with checked_stdio() as (read_stream, write_stream):
        print("stray print", flush=True)            # must land on stderr, not on the wire
        os.write(1, b"stray write\\n")
        message = await read_stream.receive()
        await write_stream.send(SessionMessage(types.JSONRPCResponse(jsonrpc="2.0", id=message.message.id,
                                                                      result={"child_stdin": sys.stdin.read()})))
        await write_stream.aclose()
    print("after", flush=True)                     # the wire again once the transport is closed

anyio.run(main)
"""


def test_while_serving_stray_output_goes_to_stderr_and_stdin_reads_nothing():
    done = subprocess.run([sys.executable, "-c", SERVE], input=request(9), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    answer, after = done.stdout.decode().splitlines()
    assert json.loads(answer) == {"jsonrpc": "2.0", "id": 9, "result": {"child_stdin": ""}}
    assert after == "after"
    assert "stray print" in done.stderr.decode() and "stray write" in done.stderr.decode()
