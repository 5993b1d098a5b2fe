"""`dbmig`: the CLI over the same engine as the MCP tools.

Exit codes: 0 success/pass, 1 findings or a failed verification, 2 bad input.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import re
import stat
import sys

from .errors import DbmigError, InvalidRequest

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2
LIVE_DSN_HELP = ("read-only: read schema, row counts and version from this live database, e.g. "
                 "postgresql://user@host:5432/db (password from the URL or DBMIG_DSN_PASSWORD, never shown)")


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout at the terminal's width, found without importing shutil (argparse
    builds a formatter for every option it adds: shutil was a tenth of a pre-commit hook's start)."""

    def __init__(self, prog: str, **kw):
        super().__init__(prog, **{"width": _columns() - 2, **kw})


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size finds it: $COLUMNS, the terminal, 80."""
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad flags already; keep its message to one line."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **{"formatter_class": _Formatter, **kw})

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_BAD_INPUT, f"dbmig: error: {message}\n")


# A value that names no existing file is text, unless it can only be a file name: one word with
# a directory part or a file extension (`x.json`, `dir/schema`), which is then a missing file.
_FILE_NAME = re.compile(r"[^\s\[{]\S*(?:/\S*|\.(?:json|sql|ya?ml|xml|txt|csv|ddl))", re.I)


def _read(path_or_text: str, field: str) -> str:
    """The text of the file `path_or_text` names, or the value itself when it is given inline.
    A path check that fails (ENAMETOOLONG for a 300-byte statement, a NUL byte) means inline."""
    if path_or_text == "-":
        return _stream(sys.stdin.buffer, "standard input", field)
    try:
        mode = os.stat(path_or_text).st_mode
    except OSError as e:
        if e.errno not in _NOT_THERE:
            return path_or_text
        mode = None
    except ValueError:
        return path_or_text
    if mode is None:
        if _FILE_NAME.fullmatch(path_or_text):
            raise InvalidRequest(f"file not found: {path_or_text}", field=field)
        return path_or_text
    if stat.S_ISREG(mode):
        return _text_of(path_or_text, field)
    if stat.S_ISFIFO(mode):                           # `--schema <(pg_dump -s ...)`
        with open(path_or_text, "rb") as stream:
            return _stream(stream, path_or_text, field)
    raise InvalidRequest(f"not a file: {path_or_text}", field=field)


# What pathlib's exists() takes for "no such file" rather than an error.
_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


# a pipe is read up to this, then refused: the request limits (docs/limits.md) are all below it
PIPE_LIMIT = 16 * 1024 * 1024


def _stream(stream, name: str, field: str) -> str:
    data = stream.read(PIPE_LIMIT + 1)
    if len(data) > PIPE_LIMIT:
        raise InvalidRequest(f"{name} holds more than {PIPE_LIMIT // 1024 // 1024} MiB", field=field)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest(f"{name} is not UTF-8 text", field=field) from None


def _text_of(path: str, field: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise InvalidRequest(f"file not found: {path}", field=field) from None
    except UnicodeDecodeError:
        raise InvalidRequest(f"{path} is not UTF-8 text", field=field) from None
    except OSError as e:
        raise InvalidRequest(f"cannot read {path}: {e.strerror}", field=field) from None


def _json_arg(text: str | None, field: str):
    if text is None:
        return None
    try:
        return json.loads(_read(text, field))
    except json.JSONDecodeError as e:
        raise InvalidRequest(f"not valid JSON: {e.msg} at line {e.lineno}", field=field) from None


def _request(a: argparse.Namespace) -> dict:
    req = dict(migration_description=a.description, author=a.author, confirm_data_loss=a.confirm_data_loss)
    optional = dict(migration_type=a.type, downtime_allowed=a.downtime_allowed, migration_tool=a.tool, database=a.database, liquibase_format=a.liquibase_format,
                    project_dir=a.project, replay=a.replay, replay_dsn=a.replay_dsn,
                    changes=_json_arg(a.changes, "changes"),
                    sql=_read(a.sql, "sql") if a.sql else None,
                    schema=_read(a.schema, "schema") if a.schema else None,
                    table_rows=_json_arg(a.table_rows, "table_rows"),
                    database_version=a.database_version, version=a.version,
                    revision=a.revision, down_revision=a.down_revision, dsn=a.dsn)
    return req | {k: v for k, v in optional.items() if v is not None}


def write_files(out: Path, files) -> list[Path]:
    """Write every file or none: each goes to a temp file first, then all are renamed. Created
    with mode 0666 so the umask decides, as for any file a user's tool writes (0644 under 0022)."""
    import secrets       # not at the top: `dbmig validate` (a pre-commit hook) never writes
    out.mkdir(parents=True, exist_ok=True)
    staged = []
    try:
        for f in files:
            tmp = out / f".dbmig-{secrets.token_hex(6)}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            staged.append((tmp, out / f.filename))
            with os.fdopen(fd, "w", encoding="utf-8") as h:
                h.write(f.content)
    except OSError:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return [final for _, final in staged]


def cmd_generate(a: argparse.Namespace) -> int:
    import gc
    gc.disable()     # a short-lived process: its imports and one answer leave no cycles worth collecting
    from .api import generate
    if a.write and not a.project:
        raise InvalidRequest("--write writes into a project: give --project DIR (or --out DIR)", field="write")
    if a.write:
        return _write_project(a)
    result = generate(_request(a))
    from pathlib import Path     # not at the top: a `dbmig validate` process never needs it
    written = write_files(Path(a.out), result.files) if a.out else []
    print(result.model_dump_json(indent=2, by_alias=True) if a.json else _summary(result, written))
    if not a.verify:
        return EXIT_OK
    from .project.context import verify_context
    from .verify import to_text, verify
    tool, database, schema = verify_context(a.project, result.migration_tool.value, result.database.value,
                                            _read(a.schema, "schema") if a.schema else _live_schema(a, result))
    # the dry run never touches the --dsn database's server: it was given to be read
    report = verify(tool, database, {f.filename: f.content for f in result.files}, dsn=a.verify_dsn,
                    schema_sql=schema, tests=result.validation_tests)
    print(report.model_dump_json(indent=2) if a.json else to_text(report))
    return EXIT_OK if report.verdict == "pass" else EXIT_FINDINGS


def _live_schema(a: argparse.Namespace, result) -> str | None:
    """With --dsn (and no project): the live schema of the tables the request touches, which the
    dry run starts from, as generate planned on it."""
    if not a.dsn or a.project:
        return None
    from .api import parse_request
    from .dialects import get_dialect
    from .live import with_live_facts
    # the fields as generate settled them (a description may have stated some)
    settled = {k: getattr(result, k).value if hasattr(getattr(result, k), "value") else getattr(result, k)
               for k in ("migration_tool", "database", "migration_type", "downtime_allowed")}
    data = _request(a) | settled
    if result.changes:                    # read from sql or the description: the same changes, spelled out
        data = {k: v for k, v in data.items() if k != "sql"} | {"changes": [c.model_dump() for c in result.changes]}
    request = parse_request(data)
    return with_live_facts(request, get_dialect(request.database.value), given=set())[0].schema_sql


def _write_project(a: argparse.Namespace) -> int:
    """`generate --project DIR --write`: the files in place, then the command that applies them."""
    from .project import write_migration
    result, place, written = write_migration(_request(a))
    if a.json:
        print(json.dumps({"result": result.model_dump(mode="json", by_alias=True), "written": written,
                          **place.as_dict()}, indent=2))
        return EXIT_OK
    lines = [f"dbmig {result.tier.value}: {result.migration_tool.value} / {result.database.value}"]
    lines += [f"wrote {a.project.rstrip('/')}/{p}" for p in written]
    lines += [f"not written: {f} ({why})" for f, why in place.skipped]
    lines += [f"warning: {w}" for w in result.warnings]
    lines.append(f"next: cd {a.project} && {place.command}")
    print("\n".join(lines))
    return EXIT_OK


def _summary(result, written: list[Path]) -> str:
    lines = [f"dbmig {result.tier.value}: {result.migration_tool.value} / {result.database.value}"]
    if written:
        lines += [f"wrote {p}" for p in written]
    else:
        for f in result.files:
            lines += [f"===== {f.filename}", f.content.rstrip()]
    lines.append(f"validation tests: {len(result.validation_tests)}; "
                 f"estimated duration: {result.deployment_guide.estimated_duration}")
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def _files(paths: list[str], project: str | None = None) -> list[dict]:
    """Files by name; inside --project by their path in the project (how its history names them)."""
    from .sources import base_name
    root = None
    if project:
        from pathlib import Path        # not at the top: a plain `dbmig validate` never needs it
        root = Path(project).resolve()
    out = []
    for p in paths:
        full = Path(p).resolve() if root else None      # resolving costs a syscall per part: --project only
        name = full.relative_to(root).as_posix() if full and full.is_relative_to(root) else base_name(p)
        out.append({"filename": name, "content": _text_of(p, "files")})
    return out


def cmd_validate(a: argparse.Namespace) -> int:
    import gc
    gc.disable()     # a short-lived process: collecting its acyclic parse trees at the end only costs time
    from .lint import to_sarif, validate_migration
    if a.project:
        from .live.read import server_version     # the live database's version over the project's
        from .project.lint import validate_project
        version = a.database_version or (server_version(a.dsn, a.database) if a.dsn else None)
        report = validate_project(a.project, _files(a.files, a.project) if a.files else None, a.database, a.tool,
                                  version)
    elif not a.files or not a.database:
        raise InvalidRequest("give --database and FILES (or --project DIR)", field="files" if a.database else "database")
    else:
        # `a` lives until main() ends the process: the parsed files are never freed one by one
        a.parsed = []
        report = validate_migration(_files(a.files), a.database, a.tool, a.database_version,
                                    _read(a.schema, "schema") if a.schema else None, dsn=a.dsn, keep=a.parsed)
    # Compact JSON, as squawk and ruff print it: indenting switches json to its pure-Python encoder,
    # 5x slower on the thousands of findings of a large project.
    if a.format == "json":
        print(json.dumps(report))
    elif a.format == "sarif":
        print(json.dumps(to_sarif(report)))
    else:
        for f in report["findings"]:
            print(f"{f['file']}:{f['line']}:{f.get('column') or 1}: {f['severity']} {f['rule_id']}: "
                  f"{f['message']}\n    safe alternative: {f['safe_alternative']}")
        print(f"verdict: {report['verdict']}")
    # As squawk and ruff: 1 when a finding at or above --fail-on remains, 0 otherwise (always 0
    # with --exit-zero, for a first run on an old project); 2 is kept for bad input.
    rank = {"info": 0, "warning": 1, "error": 2}
    failing = [f for f in report["findings"] if rank[f["severity"]] >= rank[a.fail_on]]
    return EXIT_FINDINGS if failing and not a.exit_zero else EXIT_OK


def cmd_explain(a: argparse.Namespace) -> int:
    from .explain import explain_migration
    from .project.context import explain_context
    sql = _read(a.sql, "sql") if a.sql is not None else None
    changes = _json_arg(a.changes, "changes")
    # with --dsn the live database's version and schema win over the project's (DESIGN.md precedence)
    database, version, schema = explain_context(a.project, a.database, a.database_version,
                                                _read(a.schema, "schema") if a.schema else None,
                                                bool(changes) and not a.dsn)
    report = explain_migration(database, sql=sql, files=_files(a.files) if a.files else None,
                               changes=changes, schema=schema, database_version=a.database_version if a.dsn else version,
                               table_rows=_json_arg(a.table_rows, "table_rows"), dsn=a.dsn)
    if a.json:
        print(json.dumps(report, indent=2))
        return EXIT_OK
    for s in report["statements"]:
        work = ", ".join(w for w, yes in (("rewrites the table", s["rewrite"]), ("scans it", s["scan"])) if yes)
        print(f"{s.get('file') or ''}:{s.get('line') or ''} {' '.join(s['sql'].split())[:100]}\n  {s['what']}\n"
              f"  lock: {s['lock']} (blocks {s['blocks']}); {work + '; ' if work else ''}{s['estimated_duration']}")
        for r in s.get("risks") or []:
            print(f"  risk: {r}")
        if s.get("safe_alternative"):
            print(f"  safe alternative: {s['safe_alternative']}")
    return EXIT_OK


def cmd_verify(a: argparse.Namespace) -> int:
    from .models import ValidationTest
    from .verify import files_by_name, to_text, verify
    tests = [ValidationTest.model_validate(t) for t in (_json_arg(a.tests, "tests") or [])]
    from .project.context import verify_context
    files = files_by_name(_files(a.files))
    tool, database, schema = verify_context(a.project, a.tool, a.database, _read(a.schema, "schema") if a.schema else None)
    report = verify(tool, database, files, dsn=a.dsn, schema_sql=schema,
                    seed_sql=_read(a.seed, "seed") if a.seed else None, tests=tests,
                    allow_nonempty=a.allow_nonempty)
    print(report.model_dump_json(indent=2) if a.json else to_text(report))
    return EXIT_OK if report.verdict == "pass" else EXIT_FINDINGS


def cmd_inspect(a: argparse.Namespace) -> int:
    from .project import inspect_project, inspect_text
    report = inspect_project(a.project or ".", a.tool, a.database, a.replay or "offline", a.replay_dsn, dsn=a.dsn)
    print(json.dumps(report, indent=2) if a.json else inspect_text(report))
    return EXIT_OK


def _project_flags(p: argparse.ArgumentParser, replay: bool = True) -> None:
    p.add_argument("--project", metavar="DIR", help="the migration project (Flyway, Liquibase or Alembic) to "
                   "read tool, database, history and current schema from (default: this folder when it holds "
                   "flyway.conf/flyway.toml, liquibase.properties or alembic.ini)")
    p.add_argument("--no-project", action="store_true", help="ignore the project in this folder")
    if replay:
        p.add_argument("--replay", choices=["offline", "database"],
                       help="with --project: model the history offline (default) or apply it to a throwaway database")
        p.add_argument("--replay-dsn", help="with --replay database: a server for the throwaway database")


def cmd_serve(a: argparse.Namespace) -> int:
    from .collector import loading
    with loading():         # the SDK and the server: ~600 modules (see dbmig.collector)
        from dbmig.server.app import serve
    serve(http=a.http, host=a.host, port=a.port)
    return EXIT_OK


def _generate_args(g: argparse.ArgumentParser) -> None:
    g.add_argument("--tool", help="flyway, liquibase or alembic (with --project: the project's tool)")
    g.add_argument("--database", help="postgresql, mysql, sqlserver or oracle (with --project: from its config)")
    g.add_argument("--type", help="schema, data or hybrid (default: read from the changes)")
    g.add_argument("--downtime-allowed", dest="downtime_allowed", action=argparse.BooleanOptionalAction,
                   help="required unless the description says (\"no downtime\", \"downtime is ok\")")
    g.add_argument("--description", required=True)
    g.add_argument("--changes", help="JSON file (or text) with the list of changes")
    g.add_argument("--sql", help="SQL file (or text) with the change")
    g.add_argument("--schema", help="SQL file with the current CREATE TABLE statements")
    g.add_argument("--table-rows", help='JSON such as {"orders": 50000000}')
    g.add_argument("--database-version")
    g.add_argument("--version", help="Flyway version")
    g.add_argument("--revision")
    g.add_argument("--down-revision")
    g.add_argument("--author", default="dbmig")
    g.add_argument("--liquibase-format", help="xml (default), yaml or sql; with --project: the project's format")
    g.add_argument("--confirm-data-loss", action="store_true")
    g.add_argument("--out", help="directory to write the files into")
    g.add_argument("--json", action="store_true")
    g.add_argument("--verify", action="store_true", help="dry-run the result (see `dbmig verify`)")
    g.add_argument("--dsn", help=LIVE_DSN_HELP + "; with --verify the dry run starts from its schema")
    g.add_argument("--verify-dsn", help="with --verify: the server the dry run creates (and drops) its scratch "
                   "database on (default: a throwaway embedded PostgreSQL, or a local MariaDB); never --dsn's")
    _project_flags(g)
    g.add_argument("--write", action="store_true", help="with --project: write the files into the project "
                   "(never overwriting one) and print the command that applies them")


def _verify_args(r: argparse.ArgumentParser) -> None:
    r.add_argument("--tool")
    r.add_argument("--database")
    r.add_argument("--dsn", help="postgresql://user@host:5432/db or mysql://user@host:3306/db")
    r.add_argument("--schema", help="SQL file with the starting schema")
    r.add_argument("--seed", help="SQL file with rows to load")
    r.add_argument("--tests", help="JSON file with validation tests (as generate returns them)")
    r.add_argument("--allow-nonempty", action="store_true")
    r.add_argument("--json", action="store_true")
    r.add_argument("files", nargs="+")
    _project_flags(r, replay=False)


def _validate_args(v: argparse.ArgumentParser) -> None:
    v.add_argument("--tool")
    v.add_argument("--database")
    v.add_argument("--database-version")
    v.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    v.add_argument("--fail-on", choices=["info", "warning", "error"], default="error",
                   help="lowest severity that makes the exit code 1 (default: error)")
    v.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (report only)")
    v.add_argument("--schema", help="SQL file with the current CREATE TABLE statements (current column types)")
    v.add_argument("--dsn", help=LIVE_DSN_HELP)
    v.add_argument("files", nargs="*", help="the files to lint; with --project they are the pending ones "
                   "(none: every migration of the project, each with the history before it as context)")
    _project_flags(v, replay=False)


def _explain_args(e: argparse.ArgumentParser) -> None:
    e.add_argument("--database")
    e.add_argument("--sql", help="SQL file (or text) to explain")
    e.add_argument("--changes", help="JSON file (or text) with the list of changes, as `generate --changes`")
    e.add_argument("--schema", help="with --changes: SQL file with the current CREATE TABLE statements")
    e.add_argument("--database-version")
    e.add_argument("--table-rows")
    e.add_argument("--dsn", help=LIVE_DSN_HELP)
    e.add_argument("--json", action="store_true")
    e.add_argument("files", nargs="*")
    _project_flags(e, replay=False)


def _inspect_args(i: argparse.ArgumentParser) -> None:
    i.add_argument("--project", metavar="DIR", help="the project (default: this folder)")
    i.add_argument("--tool")
    i.add_argument("--database", help="replay in this dialect (default: the project's database)")
    i.add_argument("--replay", choices=["offline", "database"])
    i.add_argument("--replay-dsn")
    i.add_argument("--dsn", help="read-only: which migrations this live database has applied (the tool's record)")
    i.add_argument("--json", action="store_true")


def _serve_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("--http", action="store_true")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)


# Each command: its help line, the function adding its arguments, the function running it.
COMMANDS = {
    "generate": ("write a migration, its rollback, tests and guide", _generate_args, cmd_generate),
    "verify": ("dry run: up, validation tests, down, diff, up again", _verify_args, cmd_verify),
    "validate": ("lint existing migration files", _validate_args, cmd_validate),
    "explain": ("what a migration does to a live database", _explain_args, cmd_explain),
    "inspect": ("what dbmig reads from a migration project (read-only)", _inspect_args, cmd_inspect),
    "serve": ("run the MCP server (stdio by default)", _serve_args, cmd_serve),
}


def _parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `argv` naming a command, only that command's arguments
    are built (argparse makes a help formatter per option: all commands' options were a tenth
    of a pre-commit hook's start)."""
    p = _Parser(prog="dbmig", description="Database migrations an engineer would ship.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    named = argv[0] if argv and argv[0] in COMMANDS else None
    for name, (help_, add_args, run) in COMMANDS.items():
        if named in (None, name):
            command = sub.add_parser(name, help=help_)
            add_args(command)
            command.set_defaults(func=run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser(sys.argv[1:] if argv is None else argv).parse_args(argv)
    _project_here(args)
    if args.command == "verify" or getattr(args, "verify", False):
        from .runners.lifecycle import handle_termination
        handle_termination()      # SIGTERM cleans up a dry run as Ctrl-C does (`serve` does its own)
    try:
        code = _run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_gone()
    if argv is None and args.command == "validate":
        _end_process(code)
    return code


def _project_here(args: argparse.Namespace) -> None:
    """Flyway, Liquibase and Alembic read their config from the folder they run in; so does dbmig
    when no --project is given and this folder holds one tool's config (the given --tool's, if
    any): its tool, database, history and schema then inform the command, as with --project .
    Said on stderr, so a JSON report on stdout stays one document."""
    if not hasattr(args, "project") or args.project or getattr(args, "no_project", False):
        return
    from .project.markers import configs_in
    found = configs_in(".")
    tool = getattr(args, "tool", None)
    if tool:
        config = found.get(tool)
    else:                               # two tools' configs: which one is meant is not for us to guess
        config = next(iter(found.values())) if len(found) == 1 else None
    if config:
        args.project = "."
        print(f"dbmig: reading the project in this folder ({config}); --no-project to ignore it", file=sys.stderr)


def _end_process(code: int) -> None:
    """End a `dbmig validate` process (the console script, a pre-commit hook) without the
    interpreter's teardown, which frees every loaded module one by one: ~15% of a small run's
    time. Nothing needs closing: the report is flushed, no file was written, a live database
    connection (--dsn) is closed by then."""
    sys.stderr.flush()
    os._exit(code)


def _run(args: argparse.Namespace) -> int:
    try:
        return args.func(args)
    except DbmigError as e:
        if getattr(args, "json", False) or getattr(args, "format", "text") != "text":
            print(json.dumps({"error": e.to_dict()}, indent=2))
        print(f"dbmig: error: {e.field + ': ' if e.field else ''}{e.message}"
              + (f" (allowed: {', '.join(e.allowed)})" if e.allowed else ""), file=sys.stderr)
        return EXIT_BAD_INPUT if e.code != "internal_gate_failure" else EXIT_FINDINGS


def _reader_gone() -> int:
    """`dbmig validate ... | head`: the reader left; stop quietly as `cat` would (exit 128+SIGPIPE).
    stdout now points at /dev/null so the interpreter's last flush does not fail again."""
    import signal
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 128 + signal.SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
