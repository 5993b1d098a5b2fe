"""A line-level stdio client for `python -m dbmig.server`: it can send what the SDK's client
never would (garbage, batches, deep nesting, oversized lines) and read the raw replies.
Shared by tests/test_safety_server.py, tests/test_fuzz.py and benchmarks/fuzz.py."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class RawServer:
    def __init__(self, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "dbmig.server"], cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env={**os.environ, **(env or {})})
        self.lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.next_id = 0
        reply = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                            "clientInfo": {"name": "raw", "version": "0"}})
        assert "result" in reply, reply
        self.send_json({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def send_line(self, data: bytes) -> None:
        self.proc.stdin.write(data if data.endswith(b"\n") else data + b"\n")
        self.proc.stdin.flush()

    def send_json(self, message: dict) -> None:
        self.send_line(json.dumps(message).encode())

    def read(self, timeout: float = 60) -> dict | None:
        try:
            return json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            return None

    def request(self, method: str, params: dict, timeout: float = 120) -> dict:
        self.next_id += 1
        self.send_json({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.wait_for(self.next_id, timeout)

    def wait_for(self, request_id, timeout: float = 120) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            reply = self.read(max(end - time.monotonic(), 0.01))
            if reply is not None and reply.get("id") == request_id:
                return reply
        raise TimeoutError(f"no reply to request {request_id} in {timeout} s")

    def call(self, tool: str, arguments, timeout: float = 120) -> dict:
        return self.request("tools/call", {"name": tool, "arguments": arguments}, timeout)

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
