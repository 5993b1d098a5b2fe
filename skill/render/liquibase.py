"""Liquibase: one changelog per phase (XML by default, YAML or formatted SQL on request).

One changeSet per Step. A Step becomes a native change type (`addColumn`, `createIndex`, ...)
only where Liquibase turns it into the same schema as the Step's SQL; otherwise the Step's SQL
goes into `<sql dbms=...>`. What Liquibase makes of each native change was read from its own
`update-sql` output (4.28, offline URLs for postgresql, mariadb, mssql, oracle); the tests in
tests/test_liquibase.py re-check it.

Rollback policy: every changeSet with a planned reverse carries an explicit `<rollback>` with the
Step's reverse SQL (the exact statements the round-trip tests run, including data restores from
backups), never a Liquibase-derived inverse. A Step without an automatic reverse (manual steps)
is always rendered as `<sql>` and gets no `<rollback>`: Liquibase cannot invert raw SQL, so
`rollback-count` stops at that changeSet with its own "No inverse" error, and the changeSet's
comment plus the rollback review file say what to do by hand.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..dialects import DATABASES, get_dialect
from ..errors import InvalidRequest
from ..models import MigrationRequest, ScriptFile
from ..plan.model import Phase, Plan, Step
from .common import one_line, render, request_id, slug
from .sqlfile import reverse_blocks
from .types import Rendered, ToolContext

EXTENSION = {"xml": "xml", "yaml": "yaml", "sql": "sql"}
# The native types each database's dialect lets through as Liquibase column types (tests/test_liquibase.py).
NATIVE_TYPES = {database: get_dialect(database).liquibase_types for database in DATABASES}

# Defaults Liquibase copies verbatim. Function calls are rewritten (CURRENT_TIMESTAMP ->
# NOW() / GETDATE(), losing a fractional-seconds precision), so they stay in <sql>.
LITERAL_DEFAULT = re.compile(r"(-?\d+(\.\d+)?|'([^']|'')*'|TRUE|FALSE)", re.I)

ON_DELETE = {"cascade": "CASCADE", "set null": "SET NULL", "restrict": "RESTRICT", "no action": "NO ACTION"}


@dataclass
class Node:
    """One Liquibase element: a change type, a <column>, <constraints>, <sql> or <sqlCheck>."""

    tag: str
    attrs: dict[str, Any] = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)
    text: str | None = None


@dataclass
class ChangeSet:
    id: str
    comment: str
    changes: list[Node]
    rollback: list[Node] | None          # None: no automatic rollback (manual steps)
    statements: list[str]                # the forward SQL, for formatted SQL
    reverse: list[str] | None
    in_transaction: bool = True
    checks: list[Node] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)
    check_message: str = ""               # what Liquibase says when a guard stops the changeSet

    @property
    def delimiter(self) -> str:
        """Formatted SQL splits forward and rollback SQL alike: statements end with ';' unless
        one holds a ';' (a PL/SQL or T-SQL block, a literal): then each ends with a '/' line,
        which Liquibase only takes as a delimiter on a line of its own."""
        return "/" if any(";" in s for s in self.statements + (self.reverse or [])) else ";"

    def terminated(self, statements: list[str]) -> list[str]:
        end = self.delimiter
        return [f"{s}\n/" if end == "/" else f"{s};" for s in statements]


# --- when a native change reproduces the Step's SQL ---------------------------------------

class _Native:
    """The facts a native builder needs: the dialect's name and quoting, and the Step."""

    def __init__(self, tc: ToolContext, step: Step):
        self.dialect, self.step = tc.dialect, step

    def plain(self, *names: str) -> bool:
        """Liquibase quotes per its own reserved-word list: keep names neither side quotes."""
        return all(self.dialect.q(n) in (n, self.dialect.catalog_name(n)) for n in names)

    def type_ok(self, native_type: str | None) -> bool:
        """Liquibase passes the type through unchanged (`Dialect.liquibase_types`)."""
        return native_type is not None and any(
            re.fullmatch(p, native_type.upper()) for p in self.dialect.liquibase_types)

    def default_ok(self, default: str | None) -> bool:
        """A literal Liquibase copies verbatim; not where a default is a named constraint."""
        return default is None or (LITERAL_DEFAULT.fullmatch(default.strip()) is not None
                                   and not self.dialect.named_defaults)


def _column(n: _Native, name: str, type_: str, nullable: bool, default: str | None,
            **constraints: Any) -> Node | None:
    if not (n.plain(name) and n.type_ok(type_) and n.default_ok(default)):
        return None
    attrs = {"name": name, "type": type_}
    if default is not None:
        attrs["defaultValueComputed"] = default
    if not nullable:
        constraints = {"nullable": False, **constraints}
    return Node("column", attrs, [Node("constraints", constraints)] if constraints else [])


def _create_table(n: _Native, f: dict) -> Node | None:
    pk = f["primary_key"]
    order = [c.name for c in f["columns"]]
    if pk and [c for c in order if c in pk] != pk:      # Liquibase orders a composite PK by column
        return None
    unique = {u.columns[0]: u.name for u in f["unique"] if len(u.columns) == 1}
    names = [f["table"], *([f["pk_name"]] if pk else []), *unique.values()]
    if len(unique) != len(f["unique"]) or not n.plain(*names):
        return None
    columns = []
    for c in f["columns"]:
        extra = {"primaryKey": True, "primaryKeyName": f["pk_name"]} if c.name in pk else {}
        if c.name in unique:
            extra.update(unique=True, uniqueConstraintName=unique[c.name])
        node = _column(n, c.name, c.type, c.nullable or c.name in pk, c.default, **extra)
        if node is None:
            return None
        columns.append(node)
    return Node("createTable", {"tableName": f["table"]}, columns)


def _add_column(n: _Native, f: dict) -> Node | None:
    col = _column(n, f["column"], f.get("type"), f.get("nullable", True), f.get("default"))
    if col is None or not n.plain(f["table"]):
        return None
    return Node("addColumn", {"tableName": f["table"]}, [col])


def _restated(n: _Native, f: dict) -> bool:
    """MariaDB MODIFY and SQL Server ALTER COLUMN as Liquibase writes them drop what they do not
    restate: only a nullable column without a default comes through unchanged."""
    return ("alter_column_type" not in n.dialect.restates_column
            or (f.get("nullable", True) and f.get("default") is None))


def _modify_type(n: _Native, f: dict) -> Node | None:
    using = any(" USING " in s.upper() for s in n.step.forward)   # no field for it on the NativeOp
    if using or not (_restated(n, f) and n.type_ok(f.get("type")) and n.plain(f["table"], f["column"])):
        return None
    return Node("modifyDataType", {"tableName": f["table"], "columnName": f["column"], "newDataType": f["type"]})


def _null_constraint(tag: str) -> Callable[[_Native, dict], Node | None]:
    def build(n: _Native, f: dict) -> Node | None:
        keeps_default = not n.dialect.restates_default or f.get("default") is None
        if not (keeps_default and n.type_ok(f.get("type")) and n.plain(f["table"], f["column"])):
            return None
        return Node(tag, {"tableName": f["table"], "columnName": f["column"], "columnDataType": f["type"]})
    return build


def _set_default(n: _Native, f: dict) -> Node | None:
    if f.get("default") is None or not (n.default_ok(f["default"]) and n.plain(f["table"], f["column"])):
        return None
    attrs = {"tableName": f["table"], "columnName": f["column"], "defaultValueComputed": f["default"]}
    if n.type_ok(f.get("type")):
        attrs["columnDataType"] = f["type"]
    return Node("addDefaultValue", attrs)


def _drop_default(n: _Native, f: dict) -> Node | None:
    if not n.plain(f["table"], f["column"]):
        return None
    return Node("dropDefaultValue", {"tableName": f["table"], "columnName": f["column"]})


def _rename_column(n: _Native, f: dict) -> Node | None:
    if not n.plain(f["table"], f["column"], f["new_name"]):
        return None
    return Node("renameColumn", {"tableName": f["table"], "oldColumnName": f["column"],
                                 "newColumnName": f["new_name"]})


def _create_index(n: _Native, f: dict) -> Node | None:
    if f.get("where") or not n.plain(f["table"], f["name"], *f["columns"]):
        return None                                      # Liquibase has no partial index
    attrs = {"tableName": f["table"], "indexName": f["name"]}
    if f.get("unique"):
        attrs["unique"] = True
    return Node("createIndex", attrs, [Node("column", {"name": c}) for c in f["columns"]])


def _add_foreign_key(n: _Native, f: dict) -> Node | None:
    on_delete = f.get("on_delete")
    if on_delete and on_delete not in n.dialect.on_delete:
        return None
    if not n.plain(f["table"], f["name"], f["ref_table"], *f["columns"], *f["ref_columns"]):
        return None
    attrs = {"baseTableName": f["table"], "baseColumnNames": ",".join(f["columns"]),
             "constraintName": f["name"], "referencedTableName": f["ref_table"],
             "referencedColumnNames": ",".join(f["ref_columns"])}
    if on_delete:
        attrs["onDelete"] = ON_DELETE[on_delete]
    return Node("addForeignKeyConstraint", attrs)


def _add_unique(n: _Native, f: dict) -> Node | None:
    if not n.plain(f["table"], f["name"], *f["columns"]):
        return None
    return Node("addUniqueConstraint", {"tableName": f["table"], "columnNames": ",".join(f["columns"]),
                                        "constraintName": f["name"]})


def _drop_constraint(n: _Native, f: dict) -> Node | None:
    tag, table_attr = {"foreign_key": ("dropForeignKeyConstraint", "baseTableName"),
                       "unique": ("dropUniqueConstraint", "tableName")}.get(f.get("kind"), (None, None))
    if tag is None or not n.plain(f["table"], f["name"]):
        return None                                      # dropCheckConstraint is Liquibase Pro only
    return Node(tag, {table_attr: f["table"], "constraintName": f["name"]})


def _simple(tag: str, **names: str) -> Callable[[_Native, dict], Node | None]:
    """A change whose attributes are identifiers taken straight from the NativeOp."""
    def build(n: _Native, f: dict) -> Node | None:
        values = {attr: f[key] for attr, key in names.items()}
        return Node(tag, values) if n.plain(*values.values()) else None
    return build


NATIVE: dict[str, Callable[[_Native, dict], Node | None]] = {
    "create_table": _create_table,
    "drop_table": _simple("dropTable", tableName="table"),
    "rename_table": _simple("renameTable", oldTableName="table", newTableName="new_name"),
    "add_column": _add_column,
    "drop_column": _simple("dropColumn", tableName="table", columnName="column"),
    "rename_column": _rename_column,
    "modify_type": _modify_type,
    "set_not_null": _null_constraint("addNotNullConstraint"),
    "drop_not_null": _null_constraint("dropNotNullConstraint"),
    "set_default": _set_default,
    "drop_default": _drop_default,
    "create_index": _create_index,
    "drop_index": _simple("dropIndex", tableName="table", indexName="name"),
    "add_foreign_key": _add_foreign_key,
    "add_unique": _add_unique,
    "drop_constraint": _drop_constraint,
}


def native_change(step: Step, tc: ToolContext) -> Node | None:
    """The native change type saying exactly what the Step's SQL says, or None for <sql>.

    A Step of several statements (SQL Server dropping a default constraint first, MariaDB
    dropping a foreign key's index) is more than one change type can say. A Step without an
    automatic reverse stays raw SQL so Liquibase cannot derive a rollback we did not plan."""
    if step.native is None or step.reverse is None or len(step.forward) != 1:
        return None
    if step.native.kind in tc.dialect.liquibase_sql_only:     # Liquibase writes it differently here
        return None
    build = NATIVE.get(step.native.kind)
    return build(_Native(tc, step), step.native.fields) if build else None


# --- steps into changeSets -------------------------------------------------------------------

def sql_node(statement: str, dbms: str) -> Node:
    attrs: dict[str, Any] = {"dbms": dbms}
    if ";" in statement:          # a PL/SQL block or a literal with ';': send it whole
        attrs["splitStatements"] = False
    return Node("sql", attrs, text=statement)


def changeset(step: Step, cs_id: str, tc: ToolContext) -> ChangeSet:
    dbms = tc.dialect.liquibase_dbms
    native = native_change(step, tc)
    # Session settings (lock_timeout) run first, before the change and before its rollback.
    session = [sql_node(s, dbms) for s in step.session]
    changes = session + ([native] if native else [sql_node(s, dbms) for s in step.forward])
    rollback = None if step.reverse is None else session + [sql_node(s, dbms) for s in step.reverse]
    comment = one_line(step.description)
    if step.destructive:
        comment += " -- CONFIRMED DESTRUCTIVE: this step removes data (see warnings)"
    if step.reverse is None:
        comment += " -- NO AUTOMATIC ROLLBACK: " + " ".join(one_line(m) for m in step.manual_steps)
    checks = [Node("sqlCheck", {"expectedResult": "0"}, text=g.query) for g in step.guards]
    return ChangeSet(cs_id, comment, changes, rollback, step.session + step.forward,
                     None if step.reverse is None else step.session + step.reverse,
                     step.transactional, checks, step.manual_steps,
                     " ".join(one_line(g.message) for g in step.guards))


def changelog_name(tc: ToolContext, phase: Phase, index: int, phases: int) -> str:
    base = f"changelog-{slug(tc.request.migration_description)}"
    if phases > 1:
        base += f"-{index + 1}-{slug(phase.name)}"
    return f"{base}.{EXTENSION[tc.request.liquibase_format.value]}"


def render_phase(phase: Phase, tc: ToolContext, name: str, first_id: int) -> Rendered:
    rid = request_id(tc.request)
    sets = [changeset(s, f"{rid}-{first_id + i}", tc) for i, s in enumerate(phase.steps)]
    fmt = tc.request.liquibase_format.value
    check_read_as_written(phase.steps, tc.request, fmt)
    header = dict(description=one_line(tc.request.migration_description), author=tc.request.author,
                  tier=tc.tier, database=tc.dialect.name, notes=tc.notes, dbms=tc.dialect.liquibase_dbms)
    changelog = ScriptFile(filename=name, content=render(
        f"liquibase/changelog.{fmt}.j2", changesets=sets, logical_path=name, x=xml_escape,
        xa=xml_attribute, element=xml_element, xc=xml_comment, c=sql_comment, q=json.dumps, bool=_bool, **header))
    review = ScriptFile(filename=f"{name}.rollback.sql", content=render(
        "liquibase/rollback.sql.j2", changelog=name, count=len(sets),
        blocks=reverse_blocks(phase.steps, tc.dialect), **header))
    return Rendered([changelog, review], changelog, review, [cs.id for cs in sets])


def render_plan(plan: Plan, tc: ToolContext) -> list[Rendered]:
    out, first = [], 1
    for i, phase in enumerate(plan.phases):
        name = changelog_name(tc, phase, i, len(plan.phases))
        out.append(render_phase(phase, tc, name, first))
        first += len(phase.steps)
    return out


# --- text Liquibase would read differently from how dbmig wrote it ----------------------------
#
# Every format: Liquibase replaces `${name}` with a changelog parameter, and the parameters
# include the JVM's system properties (`${user.home}`) and liquibase.properties entries.
# Formatted SQL (Liquibase 4.28, AbstractFormattedChangeLogParser and StringUtil.processMultiLineSQL):
# - the file is read line by line (BufferedReader: a line ends at \n, \r or \r\n) and any line
#   matching `\s*--\s*rollback `, `--changeset`, `--precondition-...`, `--comment`, `--ignoreLines`,
#   `--property`, `/* liquibase rollback` (or their one-dash forms, which abort) is a directive,
#   wherever it stands, even inside what the database would read as a string literal;
# - the SQL is then tokenized by SimpleSqlGrammar, which takes `\'` as an escaped quote (right for
#   MySQL, wrong for PostgreSQL), strips what it believes are `--` and `/* */` comments, and ends a
#   statement at `;`, or at `/` or `GO` where they start a line.
# So in formatted SQL a statement must hold no `--`, `/*`, carriage return, and no line starting
# with `-`, `/` or `GO`: then no reading of its quotes can find a comment, a delimiter or a
# directive in it. dbmig's own statements never do; text from the request may, and is refused.
# YAML: a block scalar ends at a line break, and YAML also breaks lines at U+0085/U+2028/U+2029.
_LINE_START = re.compile(r"\s*(?:-|/|go\b)", re.I)
# Characters the format cannot hold at all (XML 1.0 Char; YAML 1.1 printable), even escaped.
_UNWRITABLE = {"xml": re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"),
               "yaml": re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")}


def liquibase_hazard(text: str, fmt: str, one_line: bool = False) -> str | None:
    """Why Liquibase would not read `text` (a statement or a precondition query) as written in
    a changelog of format `fmt`, or None."""
    if "${" in text:
        return "`${`, which Liquibase replaces with a changelog property (such as ${user.home})"
    if fmt in _UNWRITABLE and _UNWRITABLE[fmt].search(text):
        return f"a control character a {fmt.upper()} changelog cannot hold"
    if fmt == "yaml" and re.search("[\r\x85\u2028\u2029]", text):
        return "a line break YAML reads (carriage return, U+0085, U+2028 or U+2029)"
    if fmt != "sql":
        return None
    for token, why in (("\r", "a carriage return, which Liquibase reads as a line break"),
                       ("--", "`--`, which Liquibase's formatted-SQL reader strips as a comment (even "
                              "inside a quoted string, when a backslash precedes the quote)"),
                       ("/*", "`/*`, which Liquibase's formatted-SQL reader strips as a comment")):
        if token in text:
            return why
    if one_line and "\n" in text:
        return "a line break inside a precondition, which formatted SQL keeps on one line"
    for line in text.split("\n")[1:]:
        if _LINE_START.match(line):
            return (f"a line starting with {line.strip()[:8]!r}, which Liquibase's formatted-SQL "
                    "reader may take as a directive (--rollback, --changeset) or a statement end")
    return None


def check_read_as_written(steps: list[Step], request: MigrationRequest, fmt: str) -> None:
    """Refuse, naming the request field, text Liquibase would read differently (see above)."""
    if fmt == "sql" and ":" in request.author:
        raise InvalidRequest("author must not contain ':' in a formatted SQL changelog: Liquibase "
                             "reads `--changeset author:id` and attributes such as `runAlways:true` "
                             "from that line", field="author",
                             suggestion="drop the ':' or use liquibase_format xml or yaml")
    for step in steps:
        texts = [(s, False) for s in step.session + step.forward + (step.reverse or [])]
        for text, one in texts + [(g.query, True) for g in step.guards]:
            why = liquibase_hazard(text, fmt, one)
            if why:
                raise InvalidRequest(f"this text would not reach the database as written: it holds {why}",
                                     field=_field_holding(request, step.change, fmt, one),
                                     suggestion=_SUGGEST[fmt])
    if "${" in request.author:      # the changeSet's author attribute is expanded too
        raise InvalidRequest("`${` would be replaced by Liquibase with a changelog property",
                             field="author", suggestion=_SUGGEST[fmt])


_SUGGEST = {"sql": "write the value without it, or use liquibase_format xml (which carries any text)",
            "xml": "write the value without `${` or control characters", "yaml": "write the value without it, or use "
            "liquibase_format xml"}


def _field_holding(request: MigrationRequest, change: int | None, fmt: str, one_line: bool) -> str:
    """The request field whose text brings the hazard in: inside the planned change if it
    holds one, else `sql` or `schema` (whose text reaches the statements too)."""
    dumped = request.model_dump(by_alias=True)
    if request.changes and change is not None:
        for path, text in _texts(dumped["changes"][change], f"changes.{change}"):
            if liquibase_hazard(text, fmt, one_line):
                return path
    for key in ("sql", "schema"):
        if dumped.get(key) and liquibase_hazard(dumped[key], fmt, one_line):
            return key
    if request.changes:
        return f"changes.{change}" if change is not None else "changes"
    return "sql" if request.sql else "migration_description"


def _texts(value: Any, path: str):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}.{i}")


# --- formatting helpers the templates call ----------------------------------------------------

def xml_escape(value: Any) -> str:
    """Element text: XML parsers turn a carriage return into a line feed unless it is a reference."""
    text = _bool(value) if isinstance(value, bool) else str(value)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\r", "&#13;"))


def xml_element(node: Node, indent: int) -> str:
    """One element and its children as XML lines, `indent` spaces in (formatted here rather than
    by a recursive template macro: Jinja's macro calls were a sixth of a Liquibase call)."""
    pad = " " * indent
    attrs = "".join(f' {k}="{xml_attribute(v)}"' for k, v in node.attrs.items())
    if node.text is not None:
        return f"{pad}<{node.tag}{attrs}>{xml_escape(node.text)}</{node.tag}>\n"
    if node.children:
        inner = "".join(xml_element(c, indent + 4) for c in node.children)
        return f"{pad}<{node.tag}{attrs}>\n{inner}{pad}</{node.tag}>\n"
    return f"{pad}<{node.tag}{attrs}/>\n"


def xml_attribute(value: Any) -> str:
    """Attribute values: XML parsers also turn tabs and line feeds into spaces there."""
    return xml_escape(value).replace("\n", "&#10;").replace("\t", "&#9;")


def xml_comment(text: str) -> str:
    """Text inside <!-- -->, which may hold no `--` and may not end with `-`."""
    text = re.sub(r"-(?=-)", "- ", text)
    return text + " " if text.endswith("-") else text


_DIRECTIVE_WORD = re.compile(r"[-\s]*(?:liquibase|property|changeset|rollback|comments?|preconditions?|"
                             r"validchecksum|ignorelines|ignore)", re.I)


def sql_comment(text: str) -> str:
    """Free text after `-- ` in formatted SQL: a line that reads `-- changeset a:b`, `-- rollback x`,
    `-- ignoreLines:start` or `-- property ...` would be a Liquibase directive, so such text gets
    a leading '> '."""
    return "> " + text if _DIRECTIVE_WORD.match(text) else text


def _bool(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
