"""PostgreSQL `schema` text read by PostgreSQL's own parser (pglast), without loading sqlglot.

sqlglot reads schema text for every database (dbmig.schema); loading it costs a server ~34 MiB
and ~75 ms, which a PostgreSQL call otherwise never pays (its SQL is read by pglast). This reader
builds the same `VirtualSchema` for the schemas agents and projects usually send: tables of the
common types with NOT NULL, defaults, keys, uniques, foreign keys and simple checks, and plain
indexes. For anything else it declines (`read` returns None) and sqlglot reads the text as before,
so an input it does not know is never read differently, and errors keep their wording.

"The same" is byte for byte: defaults and check expressions are kept as sqlglot writes them
(`now()` becomes `CURRENT_TIMESTAMP`), since they reach the generated files.
tests/test_schema_pg.py holds both readers to equal results on every form accepted here.
"""
from __future__ import annotations

import bisect
import json
import re

from .lint.rules._pg import pg_parser
from .models import IDENTIFIER_RE
from .schema import ColumnDef, IndexDef, TableDef, VirtualSchema, _add, keys_not_null, set_default
from .types import SERIAL, SqlType


class Decline(Exception):
    """A form this reader does not render exactly as sqlglot would: sqlglot reads the text."""


# A type as the user wrote it -> (PostgreSQL's name for it, the portable type). sqlglot reads the
# words written, PostgreSQL renames (`float` is a float to sqlglot, float8 to PostgreSQL; `time with
# time zone` starts with the word `time`): both must agree, or sqlglot reads the text.
TYPES = {
    "smallint": ("int2", "smallint"), "int2": ("int2", "smallint"), "integer": ("int4", "integer"),
    "int": ("int4", "integer"), "int4": ("int4", "integer"), "bigint": ("int8", "bigint"),
    "int8": ("int8", "bigint"), "boolean": ("bool", "boolean"), "bool": ("bool", "boolean"),
    "text": ("text", "text"), "varchar": ("varchar", "varchar"), "character varying": ("varchar", "varchar"),
    "char": ("bpchar", "char"), "character": ("bpchar", "char"), "numeric": ("numeric", "decimal"),
    "decimal": ("numeric", "decimal"), "real": ("float4", "float"), "float4": ("float4", "float"),
    "double precision": ("float8", "double"), "float8": ("float8", "double"), "date": ("date", "date"),
    "time": ("time", "time"), "timestamp": ("timestamp", "timestamp"),
    "timestamptz": ("timestamptz", "timestamptz"), "timestamp with time zone": ("timestamptz", "timestamptz"),
    "uuid": ("uuid", "uuid"), "json": ("json", "json"), "jsonb": ("jsonb", "json"), "bytea": ("bytea", "blob"),
}
SERIALS = {"serial": "SERIAL", "bigserial": "BIGSERIAL", "smallserial": "SMALLSERIAL"}
_TYPE_WORDS = re.compile(rb"(?i)double\s+precision|character\s+varying|timestamp\s+with\s+time\s+zone"
                         rb"|[a-z_][a-z0-9_]*")
_LENGTH_TYPES = {"varchar", "char"}     # need their one argument (sqlglot reads bare VARCHAR as text)
# Types dbmig would write otherwise (JSONB; NUMERIC(18,0)), kept as sqlglot spells them (schema.as_written).
AS_WRITTEN = {"json": "JSON", "numeric": "DECIMAL"}

# Defaults and checks: the expressions sqlglot writes back unchanged in spelling, or as named here.
FUNCTIONS = {"now": "CURRENT_TIMESTAMP", "gen_random_uuid": "GEN_RANDOM_UUID()"}
VALUE_FUNCTIONS = {"SVFOP_CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP", "SVFOP_CURRENT_DATE": "CURRENT_DATE"}
COMPARISONS = {"=", "<>", "<", ">", "<=", ">="}
NULL_TESTS = {"IS_NULL": "IS NULL", "IS_NOT_NULL": "IS NOT NULL"}
LISTS = {("AEXPR_IN", "="): False, ("AEXPR_IN", "<>"): True,          # (kind, operator) -> negated
         ("AEXPR_BETWEEN", "BETWEEN"): False, ("AEXPR_NOT_BETWEEN", "NOT BETWEEN"): True}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
ON_DELETE = {"a": None, "c": "cascade", "n": "set null", "r": "restrict"}

# Node keys a form may have and still mean what the sqlglot reader reads from it.
_TABLE_KEYS = {"relation", "tableElts", "oncommit"}
_RELATION_KEYS = {"relname", "inh", "relpersistence", "location"}
_COLUMN_KEYS = {"colname", "typeName", "is_local", "constraints", "location"}
_TYPE_KEYS = {"names", "typmods", "typemod", "location"}
_CONSTRAINT_KEYS = {"contype", "conname", "location", "is_enforced", "initially_valid", "raw_expr", "keys",
                    "pktable", "pk_attrs", "fk_attrs", "fk_matchtype", "fk_upd_action", "fk_del_action",
                    "generated_when"}
_INDEX_KEYS = {"idxname", "relation", "accessMethod", "indexParams", "unique", "whereClause"}


def read(text: str) -> VirtualSchema | None:
    """The schema `text` describes, or None where sqlglot must read it."""
    if '"' in text:              # quoted names keep their quotes in sqlglot's expressions
        return None
    parser = pg_parser()
    try:
        stmts = json.loads(parser.parse_sql_json(text)).get("stmts") or []
        reader = _Reader(text.encode(), parser.scan(text))
        for s in stmts:
            reader.statement(s["stmt"])
        # parentheses the tree does not show (`DEFAULT (1)`, `CHECK ((a > 0) AND b)`) sqlglot keeps
        if reader.parens != sum(t.name == "ASCII_40" for t in reader.tokens):
            return None
    except (Decline, parser.ParseError):
        return None
    return reader.schema


class _Reader:
    def __init__(self, raw: bytes, tokens: list):
        self.raw, self.tokens, self.schema, self.parens = raw, tokens, VirtualSchema(known=True), 0
        self.starts = [t.start for t in tokens]

    def statement(self, stmt: dict) -> None:
        (kind, node), = stmt.items()
        if kind == "CreateStmt" and _only(node, _TABLE_KEYS) and node.get("oncommit", "ONCOMMIT_NOOP") == "ONCOMMIT_NOOP":
            self.schema.put(self.table(node))
        elif kind == "IndexStmt" and _only(node, _INDEX_KEYS):
            self.index(node)
        else:
            raise Decline

    def table(self, node: dict) -> TableDef:
        table, self.parens = TableDef(_name(_relation(node["relation"]))), self.parens + 1
        for item in node.get("tableElts", ()):
            (kind, elt), = item.items()
            if kind == "ColumnDef" and _only(elt, _COLUMN_KEYS):
                self.column(table, elt)
            elif kind == "Constraint" and _only(elt, _CONSTRAINT_KEYS):
                self.table_constraint(table, elt)
            else:
                raise Decline
        return keys_not_null(table)

    def column(self, table: TableDef, elt: dict) -> None:
        name = _name(elt["colname"])
        type_, identity = self.type(elt["typeName"])
        col = ColumnDef(name, type_, identity is None, identity=identity)
        for item in elt.get("constraints", ()):
            c = item["Constraint"]
            if not _only(c, _CONSTRAINT_KEYS) or "conname" in c:
                raise Decline
            self.column_constraint(table, col, c)
        table.columns[name.lower()] = col

    def column_constraint(self, table: TableDef, col: ColumnDef, c: dict) -> None:
        kind = c["contype"]
        if kind == "CONSTR_NOTNULL":
            col.nullable = False
        elif kind == "CONSTR_NULL":
            col.nullable = True
        elif kind == "CONSTR_DEFAULT":
            set_default(table.name, col, self.expression(c["raw_expr"]))
        elif kind == "CONSTR_IDENTITY" and c.get("generated_when") in ("a", "d") and "raw_expr" not in c:
            col.identity, col.nullable = ("always" if c["generated_when"] == "a" else "by_default"), False
        elif kind == "CONSTR_PRIMARY":
            col.nullable = False
            _add(table, "primary_key", None, [col.name])
        elif kind == "CONSTR_UNIQUE":
            _add(table, "unique", None, [col.name])
        elif kind == "CONSTR_CHECK":
            self.parens += 1
            _add(table, "check", None, [], expression=self.expression(c["raw_expr"]))
        elif kind == "CONSTR_FOREIGN":
            self.foreign_key(table, None, [col.name], c)
        else:
            raise Decline

    def table_constraint(self, table: TableDef, c: dict) -> None:
        kind, name = c["contype"], c.get("conname")
        name = name and _name(name)
        if kind in ("CONSTR_PRIMARY", "CONSTR_UNIQUE"):
            self.parens += 1
            _add(table, "primary_key" if kind == "CONSTR_PRIMARY" else "unique", name, self.names(c.get("keys")))
        elif kind == "CONSTR_CHECK":
            self.parens += 1
            _add(table, "check", name, [], expression=self.expression(c["raw_expr"]))
        elif kind == "CONSTR_FOREIGN":
            self.parens += 1
            self.foreign_key(table, name, self.names(c.get("fk_attrs")), c)
        else:
            raise Decline

    def foreign_key(self, table: TableDef, name: str | None, columns: list[str], c: dict) -> None:
        action = c.get("fk_del_action", "a")
        if action not in ON_DELETE or (action == "a" and self.says_on_delete(c["location"])):
            raise Decline           # NO ACTION written out, which sqlglot keeps, or SET DEFAULT
        refs = c.get("pk_attrs")
        self.parens += 1 if refs else 0
        _add(table, "foreign_key", name, columns, ref_table=_name(_relation(c["pktable"])),
             ref_columns=self.names(refs), on_delete=ON_DELETE[action])

    def says_on_delete(self, start: int) -> bool:
        """Whether the constraint written from byte `start` to its end has ON DELETE."""
        depth, previous = 0, None
        for n in range(bisect.bisect_left(self.starts, start), len(self.tokens)):
            token = self.tokens[n]
            depth += {"ASCII_40": 1, "ASCII_41": -1}.get(token.name, 0)
            if depth < 0 or (depth == 0 and token.name == "ASCII_44"):
                return False
            if (previous, token.name) == ("ON", "DELETE_P"):
                return True
            previous = token.name
        return False

    def index(self, node: dict) -> None:
        table = self.schema.table(_name(_relation(node["relation"])))
        if table is None or "idxname" not in node or node.get("accessMethod") != "btree" \
                or node.get("indexIncludingParams") or node.get("options") or node.get("tableSpace"):
            raise Decline           # sqlglot's reader words the error for a table not in the schema
        self.parens += 1
        columns = []
        for p in node["indexParams"]:
            elem = p["IndexElem"]
            if set(elem) != {"name", "ordering", "nulls_ordering"} or elem["ordering"] != "SORTBY_DEFAULT" \
                    or elem["nulls_ordering"] != "SORTBY_NULLS_DEFAULT":
                raise Decline
            columns.append(_name(elem["name"]))
        where = node.get("whereClause")
        table.indexes[node["idxname"].lower()] = IndexDef(
            _name(node["idxname"]), columns, bool(node.get("unique")), self.expression(where) if where else None)

    def type(self, node: dict) -> tuple[SqlType, str | None]:
        if not _only(node, _TYPE_KEYS) or node.get("typemod", -1) != -1:
            raise Decline
        written = _TYPE_WORDS.match(self.raw, node["location"])
        spelled = b" ".join(written[0].lower().split()).decode() if written else ""
        args = [self.integer(m) for m in node.get("typmods", ())]
        if spelled in SERIALS and not args:
            return SqlType(SERIAL[SERIALS[spelled]]), "serial"
        internal, name = TYPES.get(spelled, (None, None))
        if internal != node["names"][-1]["String"]["sval"] or (name in _LENGTH_TYPES and len(args) != 1) \
                or (args and name not in _LENGTH_TYPES and name != "decimal") or len(args) > 2:
            raise Decline
        self.parens += 1 if args else 0
        return SqlType(name, tuple(args), AS_WRITTEN.get(internal) if not args else None), None

    def integer(self, node: dict) -> int:
        value = node.get("A_Const", {}).get("ival")
        if value is None or node["A_Const"]["location"] < 0:
            raise Decline           # not written: PostgreSQL's char(1) for a bare char
        return value.get("ival", 0)

    def names(self, nodes: list | None) -> list[str]:
        return [_name(n["String"]["sval"]) for n in nodes or ()]

    def expression(self, node: dict) -> str:
        """The expression as sqlglot writes it back in PostgreSQL, for the forms listed here."""
        (kind, e), = node.items()
        if kind == "A_Const":
            return self.constant(e)
        if kind == "SQLValueFunction" and e.get("typmod", -1) == -1 and e["op"] in VALUE_FUNCTIONS:
            return VALUE_FUNCTIONS[e["op"]]
        if kind == "FuncCall" and set(e) == {"funcname", "funcformat", "location"} \
                and e["funcformat"] == "COERCE_EXPLICIT_CALL" and len(e["funcname"]) == 1:
            self.parens += 1
            rendered = FUNCTIONS.get(e["funcname"][0]["String"]["sval"])
            if rendered is not None:
                return rendered
        if kind == "ColumnRef" and len(e["fields"]) == 1 and "String" in e["fields"][0]:
            return _name(e["fields"][0]["String"]["sval"])
        if kind == "A_Expr" and e["kind"] == "AEXPR_OP" and len(e["name"]) == 1 and "lexpr" in e \
                and e["name"][0]["String"]["sval"] in COMPARISONS:
            return f"{self.operand(e['lexpr'])} {e['name'][0]['String']['sval']} {self.operand(e['rexpr'])}"
        if kind == "NullTest" and set(e) == {"arg", "nulltesttype", "location"}:
            return f"{self.operand(e['arg'])} {NULL_TESTS[e['nulltesttype']]}"
        if kind == "A_Expr" and (e["kind"], e["name"][0]["String"]["sval"]) in LISTS:
            return self.in_or_between(e)
        if kind == "BoolExpr" and e["boolop"] in ("AND_EXPR", "OR_EXPR") \
                and not any("BoolExpr" in a for a in e["args"]):
            joint = " AND " if e["boolop"] == "AND_EXPR" else " OR "
            return joint.join(self.expression(a) for a in e["args"])
        raise Decline

    def in_or_between(self, e: dict) -> str:
        items = [self.operand(i) for i in e["rexpr"]["List"]["items"]]
        negated = LISTS[e["kind"], e["name"][0]["String"]["sval"]]
        if e["kind"] == "AEXPR_IN":
            self.parens += 1
            written = f"{self.operand(e['lexpr'])} IN ({', '.join(items)})"
        else:
            written = f"{self.operand(e['lexpr'])} BETWEEN {items[0]} AND {items[1]}"
        return f"NOT {written}" if negated else written

    def operand(self, node: dict) -> str:
        if not {"ColumnRef", "A_Const"} & set(node):
            raise Decline
        return self.expression(node)

    def constant(self, e: dict) -> str:
        if e.get("isnull"):
            return "NULL"
        if "boolval" in e:
            return "TRUE" if e["boolval"].get("boolval") else "FALSE"
        if "ival" in e:
            return str(e["ival"].get("ival", 0))
        if "fval" in e and _NUMBER.fullmatch(e["fval"]["fval"]):
            return e["fval"]["fval"]
        text = e.get("sval", {}).get("sval", "")
        if "sval" in e and self.raw[e["location"]:e["location"] + 1] == b"'" and "\\" not in text:
            return "'" + text.replace("'", "''") + "'"      # a plain '...' string, not E'...' or $$...$$
        raise Decline


def _relation(node: dict) -> str:
    if not _only(node, _RELATION_KEYS) or node.get("relpersistence", "p") != "p":
        raise Decline               # a schema-qualified, temporary or unlogged table
    return node["relname"]


def _name(name: str) -> str:
    if not IDENTIFIER_RE.fullmatch(name):
        raise Decline               # sqlglot's reader words the error
    return name


def _only(node: dict, keys: set[str]) -> bool:
    return node.keys() <= keys
