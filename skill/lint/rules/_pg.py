"""PostgreSQL statements as PostgreSQL's own parser reads them (pglast, i.e. libpg_query).

PostgreSQL rules match this tree, never masked text: a quoted name, a comment or a literal
cannot fool them, and `REINDEX (CONCURRENTLY false)` or `VACUUM (FULL FALSE)` read as what they
are. The JSON form (`parse_sql_json`) is the fast path: one C call and one json.loads per
statement (~10 µs), parsed once per statement and shared by every rule (`Statement.tree`).
DO blocks are read with the PL/pgSQL parser too, so the SQL they run is checked like any other.
pglast is imported on first use: linting other databases never loads it.
"""
from __future__ import annotations

import functools
import json
import sys

_FALSE = {"false", "off", "0", "no"}
_SERIAL = {"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"}


class Tree:
    """One statement's parse: `kind` is the node type (AlterTableStmt, IndexStmt...); `base` the
    byte offset of the statement in the text parsed (node locations count from there)."""
    __slots__ = ("kind", "node", "error", "error_offset", "base")

    def __init__(self, kind: str | None, node: dict | None = None, error: str | None = None,
                 error_offset: int = 0, base: int = 0):
        self.kind, self.node, self.error, self.error_offset, self.base = kind, node or {}, error, error_offset, base


def pg_parser():
    """pglast's C parser module. Its package imports pglast's Python AST classes and enums
    (~20 ms, most of a pre-commit hook's own work) although the JSON and scanner functions used
    here never touch them: those two load lazily (importlib's LazyLoader), in full on their first
    use by any other reader in the process."""
    module = sys.modules.get("pglast.parser")
    if module is None:
        if "pglast" not in sys.modules:
            _import_pglast_lean()
        from pglast import parser as module
    return module


def _import_pglast_lean() -> None:
    import importlib.util
    from importlib.machinery import PathFinder
    try:
        spec = importlib.util.find_spec("pglast")
        package = importlib.util.module_from_spec(spec)
        for name in ("enums", "ast"):       # found in the package's folder: find_spec would import it
            sub = PathFinder.find_spec(f"pglast.{name}", spec.submodule_search_locations)
            sub.loader = importlib.util.LazyLoader(sub.loader)
            module = importlib.util.module_from_spec(sub)
            sub.loader.exec_module(module)
            sys.modules[sub.name] = module
            setattr(package, name, module)
        sys.modules["pglast"] = package
        spec.loader.exec_module(package)
    except Exception:           # another pglast layout: the plain import, at its full cost
        for name in ("pglast", "pglast.enums", "pglast.ast", "pglast.error", "pglast.parser"):
            sys.modules.pop(name, None)


def parse(text: str) -> Tree:
    """The tree of the (first) statement of `text`, or its parse error."""
    stmts, error = _statements(text)
    if error is not None:
        return Tree(None, {}, error[0], char_offset(text, error[1]))
    if not stmts:
        return Tree(None)              # only comments
    kind, node, _, _ = stmts[0]
    return Tree(kind, node)


# The parse of this many distinct statement texts is kept, as sqlglot's is (dbmig.sqlparse): the
# result gate checks each statement a generate call emits, then lints the files holding the same
# statements, and the planner asks which of them must run outside a transaction. Longer texts (a
# whole file, a 5,000-row INSERT) are parsed but not kept. The nodes are shared: readers must not
# change them.
CACHE_SIZE, MAX_CACHED_CHARS = 4096, 4096


def _statements(text: str) -> tuple[tuple, tuple[str, int] | None]:
    """Every statement of `text` as (kind, node, byte location, byte length), or the parser's
    (message, byte offset)."""
    return _kept(text) if len(text) <= MAX_CACHED_CHARS else _parsed(text)


def _parsed(text: str) -> tuple[tuple, tuple[str, int] | None]:
    parser = pg_parser()
    try:
        stmts = json.loads(parser.parse_sql_json(text)).get("stmts") or []
    except parser.ParseError as err:
        where = err.args[1] if len(err.args) > 1 and isinstance(err.args[1], int) else 0
        return (), (err.args[0], where)
    return tuple((*next(iter(s["stmt"].items())), s.get("stmt_location", 0), s.get("stmt_len", 0))
                 for s in stmts), None


_kept = functools.lru_cache(maxsize=CACHE_SIZE)(_parsed)


def parse_spans(text: str, spans: list[tuple[int, int]], large_run: bool = False,
                ahead: ParseAhead | None = None) -> list[Tree] | None:
    """Trees for the statements at `spans` (character offsets) of a whole file, from one parser call
    (half the cost of a call per statement); None when the file does not parse as a whole or
    PostgreSQL splits it differently, so each statement is then parsed on its own. `ahead` may
    hold the parser's output for `text` already."""
    parser = pg_parser()
    try:
        raw = ahead.output(text) if ahead else None
        stmts = _loads(raw if raw is not None else parser.parse_sql_json(text), large_run).get("stmts") or []
    except parser.ParseError:
        return None
    if len(stmts) != len(spans):
        return None
    trees, ascii_, chars, start = [], text.isascii(), 0, 0
    for (a, _), s in zip(spans, stmts):
        start += (a - chars) if ascii_ else len(text[chars:a].encode())    # bytes, counted once
        chars, loc = a, s.get("stmt_location", 0)
        if start < loc or (s.get("stmt_len") and start >= loc + s["stmt_len"]):
            return None
        kind, node = next(iter(s["stmt"].items()))
        trees.append(Tree(kind, node, base=start))
    return trees


class ParseAhead:
    """The parser's output for whole files, made on a second thread while this one splits them
    into statements: libpg_query runs without the GIL, so where a core is free the parse of a
    large migration costs no wall time (~35 ms of a 10,000-statement file's ~300)."""

    def __init__(self, texts: list[str]):
        import threading
        parser = pg_parser()       # imported here: the worker must not race the main thread's imports
        self.texts, self.index = texts, {id(t): n for n, t in enumerate(texts)}
        self.outputs: list[str | Exception | None] = [None] * len(texts)
        self.ready = [threading.Event() for _ in texts]
        threading.Thread(target=self._parse_all, args=(parser,), daemon=True).start()

    def _parse_all(self, parser) -> None:
        for n, text in enumerate(self.texts):
            try:
                self.outputs[n] = parser.parse_sql_json(text)
            except Exception as err:       # raised again where the output is asked for
                self.outputs[n] = err
            self.ready[n].set()

    def output(self, text: str) -> str | None:
        """The JSON parse of `text` (its ParseError raised), None when it was not parsed ahead."""
        n = self.index.get(id(text))
        if n is None or self.texts[n] is not text:
            return None
        self.ready[n].wait()
        if isinstance(self.outputs[n], Exception):
            raise self.outputs[n]
        return self.outputs[n]


def _loads(text: str, large_run: bool) -> dict:
    """Decoding the tree's JSON is most of the parse: orjson does it in half the time, but its import
    (~10 ms) only pays off on large runs, so small ones (a pre-commit hook's) use json."""
    if large_run:
        import orjson
        return orjson.loads(text)
    return json.loads(text)


def tree_of(stmt) -> Tree:
    """The statement's tree, parsed on first use and kept on the statement for every reader."""
    if stmt.tree is None:
        stmt.tree = parse(stmt.text)
    return stmt.tree


def char_offset(text: str, byte_offset: int) -> int:
    """libpg_query locations count UTF-8 bytes; our offsets count characters."""
    if byte_offset <= 0 or text.isascii():
        return max(byte_offset, 0)
    return len(text.encode()[:byte_offset].decode(errors="ignore"))


# --- reading nodes ---------------------------------------------------------------------------

def relname(rangevar: dict | None) -> str | None:
    """Comparable table name: unqualified, lower case (as the masked path compares names)."""
    return rangevar["relname"].lower() if rangevar and "relname" in rangevar else None


def svals(items: list | None) -> list[str]:
    return [i["String"]["sval"] for i in items or () if "String" in i]


def dropped_names(node: dict) -> list[str]:
    """The objects a DropStmt drops, by their own (last, lower-cased) name."""
    return [svals(o["List"]["items"])[-1].lower() for o in node.get("objects", ()) if "List" in o]


def qualified(items: list | None) -> str:
    return ".".join(svals(items))


def option(options: list | None, name: str) -> bool | None:
    """A `(NAME [value])` option of VACUUM/REINDEX/EXPLAIN: None when absent."""
    for item in options or ():
        d = item.get("DefElem", {})
        if d.get("defname") == name:
            return is_true(d.get("arg"))
    return None


def is_true(arg: dict | None) -> bool:
    if arg is None:
        return True                      # `FULL` alone means on
    if "String" in arg:
        return arg["String"]["sval"].lower() not in _FALSE
    if "Integer" in arg:
        return arg["Integer"].get("ival", 0) != 0
    if "Boolean" in arg:
        return bool(arg["Boolean"].get("boolval"))
    return True


def const(node: dict | None) -> object:
    """Value of an A_Const (zero and empty values are omitted from the JSON)."""
    c = (node or {}).get("A_Const")
    if c is None:
        return None
    if c.get("isnull"):
        return None
    for key, inner in (("ival", "ival"), ("sval", "sval"), ("fval", "fval"), ("boolval", "boolval")):
        if key in c:
            return c[key].get(inner, 0 if key == "ival" else "")
    return None


def walk(node: object):
    """Every dict in the tree, depth first, in source order."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            yield n
            stack.extend(reversed(n.values()))
        elif isinstance(n, list):
            stack.extend(reversed(n))


def calls(node: object) -> list[str]:
    """Functions a tree calls, lower case, last name part (pg_catalog.now -> now)."""
    out = []
    for n in walk(node):
        if "FuncCall" in n:
            out.append(svals(n["FuncCall"]["funcname"])[-1].lower())
        elif "SQLValueFunction" in n:     # CURRENT_TIMESTAMP, LOCALTIME...: all stable
            out.append(n["SQLValueFunction"]["op"].removeprefix("SVFOP_").lower())
    return out


def type_spec(type_name: dict | None) -> tuple[str, list[int]]:
    """(type name, integer modifiers): `pg_catalog.varchar(20)` -> ("varchar", [20])."""
    if not type_name:
        return "", []
    name = svals(type_name.get("names"))[-1].lower()
    mods = [m for m in (const(t) for t in type_name.get("typmods") or ()) if isinstance(m, int)]
    if type_name.get("arrayBounds"):
        name += "[]"
    return name, mods


def alter_cmds(tree: Tree) -> list[dict]:
    if tree.kind != "AlterTableStmt":
        return []
    return [c["AlterTableCmd"] for c in tree.node.get("cmds", ()) if "AlterTableCmd" in c]


def constraint(cmd: dict) -> dict:
    return cmd.get("def", {}).get("Constraint", {}) if cmd.get("subtype") == "AT_AddConstraint" else {}


def column_def(cmd: dict) -> dict:
    return cmd.get("def", {}).get("ColumnDef", {})


def column_constraints(coldef: dict) -> list[dict]:
    return [c["Constraint"] for c in coldef.get("constraints") or () if "Constraint" in c]


class NewColumn:
    """A column an ALTER TABLE ... ADD COLUMN adds, as the rules ask about it."""
    __slots__ = ("offset", "name", "coldef", "constraints", "kinds")

    def __init__(self, offset: int, coldef: dict):
        self.offset, self.coldef, self.name = offset, coldef, coldef["colname"].lower()
        self.constraints = column_constraints(coldef)
        self.kinds = {c.get("contype") for c in self.constraints}

    @property
    def type(self) -> tuple[str, list[int]]:
        return type_spec(self.coldef.get("typeName"))

    @property
    def default(self) -> dict | None:
        return next((c.get("raw_expr") for c in self.constraints if c.get("contype") == "CONSTR_DEFAULT"), None)

    def volatile(self, is_volatile_function) -> str | None:
        """What fills every existing row with a value of its own (a sequence, an identity, a
        call `is_volatile_function` names), else None: catalog-only on PostgreSQL 11+."""
        if self.type[0] in _SERIAL or "CONSTR_IDENTITY" in self.kinds:
            return "a sequence/identity"
        default = self.default
        found = [f"{n}()" for n in calls(default) if is_volatile_function(n)] if default else []
        return ", ".join(found) or None


def clause_offsets(text: str, tree: Tree) -> list[int]:
    """Character offset of each ALTER TABLE action (split at top-level commas after the table
    name), read with PostgreSQL's own scanner so quoted names and literals cannot mislead it."""
    parser = pg_parser()
    rel = tree.node.get("relation", {}).get("location", -1) - tree.base
    tokens = [t for t in parser.scan(text) if t.start >= rel]
    i = 1
    while i + 1 < len(tokens) and tokens[i].name == "ASCII_46":    # schema.table
        i += 2
    starts, depth = [tokens[i].start] if i < len(tokens) else [0], 0
    for j in range(i, len(tokens)):
        name = tokens[j].name
        depth += (name == "ASCII_40") - (name == "ASCII_41")
        if name == "ASCII_44" and depth == 0 and j + 1 < len(tokens):
            starts.append(tokens[j + 1].start)
    return [char_offset(text, s) for s in starts]


# Statements PostgreSQL refuses inside a transaction block ("cannot run inside a transaction
# block"), whatever their options.
NEVER_IN_TX = {"CreatedbStmt": "CREATE DATABASE", "DropdbStmt": "DROP DATABASE", "AlterSystemStmt": "ALTER SYSTEM",
                "CreateTableSpaceStmt": "CREATE TABLESPACE", "DropTableSpaceStmt": "DROP TABLESPACE"}


def outside_transaction(tree: Tree, version: tuple[int, ...] | None) -> str | None:
    """What in this statement PostgreSQL runs only outside a transaction block, or None: read by
    lint (PG002) and by the planner, which gives such raw SQL a step of its own without one. An
    unknown version counts as a current one."""
    kind, node = tree.kind, tree.node
    if kind in NEVER_IN_TX:
        return NEVER_IN_TX[kind]
    if kind in ("IndexStmt", "DropStmt") and node.get("concurrent"):
        return f"{'CREATE' if kind == 'IndexStmt' else 'DROP'} INDEX CONCURRENTLY"
    if kind == "ReindexStmt" and option(node.get("params"), "concurrently"):
        return "REINDEX CONCURRENTLY"
    if kind == "VacuumStmt" and node.get("is_vacuumcmd"):
        return "VACUUM"
    if any(c.get("subtype") == "AT_DetachPartition" and c["def"]["PartitionCmd"].get("concurrent")
           for c in alter_cmds(tree)):
        return "DETACH PARTITION CONCURRENTLY"
    if kind == "AlterEnumStmt" and node.get("newVal") and not node.get("oldVal") and version and version < (12,):
        return "ALTER TYPE ... ADD VALUE before PostgreSQL 12"
    return None


def keyword_offset(text: str, keyword: str) -> int:
    """Character offset of the first token `keyword` (scanner token name, e.g. CONCURRENTLY), else 0."""
    parser = pg_parser()
    return next((char_offset(text, t.start) for t in parser.scan(text) if t.name == keyword), 0)


def location(node: dict, default: int, text: str, tree: Tree) -> int:
    """Character offset in `text` of a node's location (default when it has none)."""
    loc = node.get("location", -1)
    return char_offset(text, loc - tree.base) if isinstance(loc, int) and loc >= tree.base else default


# --- PL/pgSQL --------------------------------------------------------------------------------

def do_body(tree: Tree) -> str | None:
    """The code of a DO block in PL/pgSQL (the default language), else None."""
    if tree.kind != "DoStmt":
        return None
    args = {a["DefElem"]["defname"]: a["DefElem"].get("arg", {}) for a in tree.node.get("args", ())}
    lang = args.get("language", {}).get("String", {}).get("sval", "plpgsql").lower()
    body = args.get("as", {}).get("String", {}).get("sval")
    return body if lang == "plpgsql" else None


def as_function(body: str) -> str:
    """A DO body as the function the PL/pgSQL parser reads."""
    return f"CREATE FUNCTION dbmig_do() RETURNS void LANGUAGE plpgsql AS $dbmig_do${body}$dbmig_do$"


def plpgsql_tree(function_sql: str) -> tuple[object, str | None]:
    """The PL/pgSQL parser's tree of a function (CREATE FUNCTION ... LANGUAGE plpgsql), or its error."""
    parser = pg_parser()
    try:
        return json.loads(parser.parse_plpgsql_json(function_sql)), None
    except parser.ParseError as err:
        return None, err.args[0]


def plpgsql_statements(function_sql: str) -> tuple[list[str], str | None]:
    """SQL statements a PL/pgSQL function runs (static ones; EXECUTE strings are opaque), or the
    PL/pgSQL parser's error."""
    queries, error = _plpgsql_statements(function_sql)
    return list(queries), error


@functools.lru_cache(maxsize=256)
def _plpgsql_statements(function_sql: str) -> tuple[tuple[str, ...], str | None]:
    """Kept per body: SQL001, the gate and the DO-block walk all read a body, and a result's
    forward and rollback files repeat its trigger function."""
    fn, error = plpgsql_tree(function_sql)
    return (tuple(plpgsql_queries(fn)), None) if error is None else ((), error)


def plpgsql_queries(fn: object) -> list[str]:
    """The static SQL statements in a PL/pgSQL parser's tree."""
    return [n["PLpgSQL_stmt_execsql"]["sqlstmt"]["PLpgSQL_expr"]["query"]
            for n in walk(fn) if "PLpgSQL_stmt_execsql" in n]


def is_plpgsql_function(tree: Tree) -> bool:
    """CREATE FUNCTION/PROCEDURE ... LANGUAGE plpgsql (its body is checked for syntax, not run now)."""
    if tree.kind != "CreateFunctionStmt":
        return False
    opts = {o["DefElem"]["defname"]: o["DefElem"].get("arg") for o in tree.node.get("options", ())}
    return (opts.get("language") or {}).get("String", {}).get("sval", "").lower() == "plpgsql"


def syntax_error(text: str) -> str | None:
    """Why PostgreSQL's parser refuses `text`, or None: every statement, and the body of each
    PL/pgSQL function and DO block as the PL/pgSQL parser reads it (with the SQL inside)."""
    stmts, error = _statements(text)
    if error is not None:
        return error[0]
    if not stmts:
        return "no SQL statement"
    raw = text.encode()
    for kind, node, start, length in stmts:
        tree = Tree(kind, node)
        body = do_body(tree)
        if is_plpgsql_function(tree):
            function = raw[start:start + length] if length else raw[start:]
            error = plpgsql_statements(function.decode())[1]
        else:
            error = plpgsql_statements(as_function(body))[1] if body is not None else None
        if error:
            return f"PL/pgSQL: {error}"
    return None
