"""What a dry run starts (scratch databases, throwaway servers, temp dirs, tool processes) and
how each is removed, whatever ends the run:

- normal end, an error, or Ctrl-C: the `owned()` context manager's `finally`;
- SIGTERM or SIGHUP (what MCP clients and service managers send at shutdown): the handler from
  `handle_termination()` runs every pending cleanup, newest first, then exits with 128+signal.
  The MCP server runs verify in a worker thread that a signal cannot interrupt, so the handler
  itself must clean up, not just unwind the main thread;
- SIGKILL, OOM, power loss: nothing runs, so every resource carries its owner (this host and
  PID) in its name, and the next run removes those whose owner is provably gone (`stale()`).
  Anything named otherwise (another program, an older dbmig, a live process) is left alone.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

_lock = threading.RLock()          # re-entrant: the signal handler may interrupt a holder
_pending: dict[int, Callable[[], None]] = {}
_running: dict[int, int] = {}      # cleanups under way: key -> the thread running it
_finished = threading.Condition(_lock)
_keys = itertools.count()
_terminating = threading.Event()


class Terminated(SystemExit):
    """Raised in a thread that tries to start something after SIGTERM arrived."""


@contextlib.contextmanager
def owned(cleanup: Callable[[], None]) -> Iterator[None]:
    """Run `cleanup` exactly once: when the block ends, or when a termination signal arrives."""
    key = next(_keys)
    with _lock:
        if _terminating.is_set():
            raise Terminated(143)
        _pending[key] = cleanup
    try:
        yield
    finally:
        _run(key)


def _run(key: int) -> None:
    with _lock:
        cleanup = _pending.pop(key, None)
        if cleanup is None:
            return
        _running[key] = threading.get_ident()
    try:
        with contextlib.suppress(Exception):
            cleanup()
    finally:
        with _lock:
            del _running[key]
            _finished.notify_all()


def cleanup_all(wait: float = 60) -> None:
    """Every pending cleanup, newest first (a tool process before its database, a database
    before its server, a server before its directory); then wait for those another thread is
    running (the worker that reached its own `finally` first), or exiting would cut them off."""
    with _lock:
        keys = sorted(_pending, reverse=True)
    for key in keys:
        _run(key)
    me = threading.get_ident()
    with _lock:
        _finished.wait_for(lambda: all(thread == me for thread in _running.values()), timeout=wait)


def handle_termination(exit_at_once: bool = False) -> None:
    """Clean up on SIGTERM/SIGHUP as on Ctrl-C (call once, from the main thread). The CLI then
    unwinds (SystemExit); a server exits at once, without waiting for the worker thread that is
    still in the dry run whose database and processes are gone."""
    def on_signal(signum: int, frame) -> None:
        _terminating.set()
        cleanup_all()
        if exit_at_once:
            os._exit(128 + signum)
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, on_signal)


# --- child processes -------------------------------------------------------------------------

def run(cmd: list[str], *, input: str | None = None, timeout: float, env: dict | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`subprocess.run` for a tool (psql, mariadb, the Liquibase JVM), killed by cleanup too."""
    started: list[subprocess.Popen] = []
    with owned(lambda: [_kill(p) for p in started]):      # registered first: no window without it
        try:
            stdin = subprocess.PIPE if input is not None else subprocess.DEVNULL
            with _lock:           # a cleanup in another thread waits until `started` holds it
                started.append(subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                text=True, env=env, cwd=cwd))
            out, err = started[0].communicate(input, timeout=timeout)
        except BaseException:
            for p in started:
                _kill(p)
            raise
    return subprocess.CompletedProcess(cmd, started[0].returncode, out, err)


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)


# --- owners ------------------------------------------------------------------------------------

@functools.cache
def host_tag() -> str:
    """Six hex digits for this machine: a PID means something only on the host that gave it."""
    machine = ""
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        with contextlib.suppress(OSError):
            machine = Path(path).read_text().strip()
            break
    return hashlib.sha256(f"{socket.gethostname()}/{machine}".encode()).hexdigest()[:6]


def owner_tag() -> str:
    """`<host>_<pid>`, put into the names of what this process creates."""
    return f"{host_tag()}_{os.getpid()}"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:        # another user's process: alive
        return True
    with contextlib.suppress(OSError, IndexError):   # a zombie has exited; only its parent's wait is due
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def stale(host: str, pid: int) -> bool:
    """Only an owner on this host can be checked; a live PID (even a reused one) is not stale."""
    return host == host_tag() and pid != os.getpid() and not alive(pid)


# --- temp dirs and the servers in them --------------------------------------------------------

@contextlib.contextmanager
def temp_dir(kind: str) -> Iterator[Path]:
    """`<tmp>/dbmig-<kind>-<pid>-*`, removed when the block ends (or by a later reap_stale)."""
    root = Path(tempfile.mkdtemp(prefix=f"dbmig-{kind}-{os.getpid()}-"))
    with owned(lambda: shutil.rmtree(root, ignore_errors=True)):
        yield root


_STALE_DIR = re.compile(r"dbmig-(pg|my|verify|liquibase)-(\d+)-\w+")


def reap_stale() -> None:
    """Stop the throwaway servers and delete the temp dirs of dead dbmig processes of this user
    (root's embedded PostgreSQL dirs belong to the server's own user; root may reap any).
    The servers' layouts: runners/embedded.py (PostgreSQL's data/postmaster.pid, mariadbd's pid)."""
    for root in Path(tempfile.gettempdir()).glob("dbmig-*-*-*"):
        m = _STALE_DIR.fullmatch(root.name)
        with contextlib.suppress(OSError, ValueError):
            if not m or os.geteuid() not in (0, root.stat().st_uid) or alive(int(m[2])):
                continue
            stop_server(root / "data" / "postmaster.pid", signal.SIGQUIT, "postgres", root / "data")
            stop_server(root / "pid", signal.SIGKILL, "mariadbd", root)
            shutil.rmtree(root, ignore_errors=True)


def stop_server(pid_file: Path, sig: int, binary: str, home: Path) -> None:
    """Signal the server whose PID the file holds, if that PID still runs `binary` on `home`
    (a recycled PID belongs to someone else), and wait until it is gone."""
    try:
        pid = int(pid_file.read_text().split()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, ValueError, IndexError):
        return
    if binary not in cmdline or str(home) not in cmdline:
        return
    os.kill(pid, sig)
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
