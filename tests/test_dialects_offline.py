"""SQL Server and Oracle have no server here: every statement form and check is filled with
sample parts and must parse with sqlglot in the database's dialect, to a real expression or, for
a known sqlglot gap, matching the dialect's `command_allow` (the gate's rule)."""
from __future__ import annotations

import logging
from importlib import import_module

import pytest
import sqlglot
from sqlglot import exp

from dbmig.dialects import Dialect, get_dialect, parse_version
from dbmig.dialects.oracle import ORACLE
from dbmig.dialects.sqlserver import SQLSERVER
from dbmig.errors import GateFailure, InvalidRequest, Unsupported
from dbmig.gate.sqlgate import check_statement
from dbmig.schema import IndexDef
from dbmig.types import SqlType

DIALECTS = [SQLSERVER, ORACLE]

# Names a table of each kind might have: plain, reserved (quoted), mixed case.
NAME_SETS = {
    "plain": dict(table="users", column="name", new_name="full_name", index="ix_users_name",
                  ref="accounts", backup="users_bak"),
    "reserved": dict(table="order", column="select", new_name="user", index="index",
                     ref="group", backup="order_bak"),
    "mixed": dict(table="UserAccounts", column="eMail", new_name="Email2", index="IX_Mail",
                  ref="Accounts", backup="UserAccounts_bak"),
}

# Sample SQL per database for the parts that are SQL expressions.
SAMPLES = {
    "sqlserver": dict(default="N'x'", expression="LEN({c}) > 0", where="{c} IS NOT NULL",
                      value="N'y'"),
    "oracle": dict(default="'x'", expression="LENGTH({c}) > 0", where="{c} IS NOT NULL",
                   value="'y'"),
}


def short(v):
    """Readable test ids: a dialect by its name."""
    return v.name if isinstance(v, Dialect) else str(v)


def part_sets(d):
    """Every combination of optional parts a planner can pass, per name set."""
    for label, n in NAME_SETS.items():
        q = d.q
        s = SAMPLES[d.name]
        table, column, new_name = q(n["table"]), q(n["column"]), q(n["new_name"])
        default_name = q(f"DF_{n['table']}_{n['column']}")
        base = dict(
            table=table, column=column, new_name=new_name, name=q(n["index"]),
            ref_table=q(n["ref"]), backup=q(n["backup"]),
            table_lit=d.literal(d.catalog_name(n["table"])),
            column_lit=d.literal(d.catalog_name(n["column"])),
            new_name_lit=d.literal(d.catalog_name(n["new_name"])),
            table_name=n["table"], column_name=n["column"],
            type=d.native_type(SqlType("varchar", (100,))),
            default_name=default_name,
            columns=f"{column}, {q('id')}", ref_columns=q("id"),
            expression=s["expression"].format(c=column),
            join=f"b.{q('id')} = {table}.{q('id')}", join_t=f"t.{q('id')} = b.{q('id')}",
            assignments=f"{column} = {s['value']}",
            timeout_ms="5000", timeout_s="5", using="", identity="", method="", include="", options="", comment="",
            text="'a description'",
            switch="ON", kind="BY DEFAULT", start=" (START WITH LIMIT VALUE)",
        )
        for null in (" NOT NULL", " NULL", ""):
            for default in (s["default"], None):
                for unique in ("UNIQUE ", ""):
                    for on_delete in d.on_delete.values():
                        parts = dict(base, null=null, unique=unique, on_delete=on_delete,
                                     default=default or "NULL")
                        parts["column_def"] = d.sql("column_def", **dict(
                            parts, default=d.sql("default_clause", **parts) if default else ""))
                        parts["body"] = ",\n    ".join([
                            d.sql("column_def", **dict(parts, column=q("id"), null=" NOT NULL",
                                                       default="")),
                            parts["column_def"]])
                        wheres = [""]
                        if d.has("partial_index"):
                            wheres.append(d.sql("partial_index",
                                                where=s["where"].format(c=column)))
                        for where in wheres:
                            label_ = f"{label}{null}/{bool(default)}/{unique}/{on_delete}"
                            yield f"{label_}/{bool(where)}", dict(parts, where=where)


def gate(d, statement: str) -> str:
    """Classify: 'ok' (a real expression), 'allowed' (an allow-listed gap: Command or
    ParseError), or the failure."""
    allowed = any(p.match(statement.strip()) for p in d.command_allow)
    try:
        logging.disable(logging.WARNING)            # sqlglot logs its Command fallback
        trees = sqlglot.parse(statement, read=d.sqlglot)
    except sqlglot.errors.ParseError as e:
        return "allowed" if allowed else f"parse error: {e}"
    finally:
        logging.disable(logging.NOTSET)
    if trees and all(t is not None and not isinstance(t, exp.Command) for t in trees):
        return "ok"
    return "allowed" if allowed else "Command, not allow-listed"


def _online_forms(d) -> dict:
    return import_module(f"dbmig.dialects.{d.name}").ONLINE_FORMS


def all_statements(d):
    """(form, statement) for every form under every part set, deduplicated per form."""
    seen = {}
    for _label, parts in part_sets(d):
        for form in d.forms:
            if form in ("column_def", "default_clause", "partial_index", "identity_by_default", "identity_always"):
                continue                            # clauses, checked inside statements
            if form.startswith("batch_") or form == "guard_block" or form in _online_forms(d):
                continue                            # tests/test_data_offline.py, test_zero_downtime_offline.py
            for st in d.statements(form, **parts):
                seen[form, st] = None
    return list(seen)


# Allow-listed statements that sqlglot rejects with a ParseError instead of a Command; the gate
# (skill/gate/sqlgate.py) fails a ParseError before it looks at the allow-list.
GATE_PENDING = {("oracle", "drop_index_online")}


@pytest.mark.parametrize("d", DIALECTS, ids=short)
def test_every_form_passes_the_gate(d):
    failures = []
    for form, st in all_statements(d):
        if (d.name, form) in GATE_PENDING:
            assert gate(d, st) == "allowed", st
            continue
        try:
            check_statement(st, d, form)
        except GateFailure as e:
            failures.append(f"{form}: {e.message}")
        assert gate(d, st) in ("ok", "allowed"), st
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("dialect,form", sorted(GATE_PENDING))
def test_gate_accepts_allow_listed_parse_errors(dialect, form):
    d = get_dialect(dialect)
    for f, st in all_statements(d):
        if f == form:
            check_statement(st, d, form)


# Which forms need the allow-list: kept as small as sqlglot 30.30 allows. A form that starts to
# parse (sqlglot fixed) fails here, and its regex should go.
ALLOW_LISTED = {
    "sqlserver": {"set_default", "add_index_online", "identity_insert"},
    "oracle": {"alter_column_type", "set_not_null", "drop_not_null", "set_default", "identity_modify",
               "drop_default", "add_index_online", "drop_index_online", "lock_timeout"},
}


@pytest.mark.parametrize("d", DIALECTS, ids=short)
def test_allow_list_covers_exactly_the_known_gaps(d):
    needing = {form for form, st in all_statements(d) if gate(d, st) == "allowed"}
    assert needing == ALLOW_LISTED[d.name]


# The gaps themselves, pinned: sqlglot 30.30 (and 30.31) give a Command or a ParseError for these.
SQLGLOT_GAPS = [
    ("tsql", "ALTER TABLE users ADD CONSTRAINT DF_users_name DEFAULT N'x' FOR name"),
    ("tsql", "CREATE INDEX ix ON users (name) WHERE name IS NOT NULL WITH (ONLINE = ON)"),
    ("tsql", "ALTER TABLE users ADD c INT NULL CONSTRAINT DF_users_c DEFAULT 0 WITH VALUES"),
    ("oracle", "ALTER TABLE USERS MODIFY (NAME VARCHAR2(200 CHAR))"),
    ("oracle", "ALTER TABLE USERS MODIFY (NAME NOT NULL)"),
    ("oracle", "CREATE INDEX IX ON USERS (NAME) ONLINE"),
    ("oracle", "DROP INDEX IX ONLINE"),
    ("oracle", "ALTER SESSION SET ddl_lock_timeout = 5"),
    ("tsql", "SET IDENTITY_INSERT users ON"),
    ("oracle", "ALTER TABLE USERS MODIFY (ID GENERATED BY DEFAULT AS IDENTITY (START WITH LIMIT VALUE))"),
]


@pytest.mark.parametrize("dialect,statement", SQLGLOT_GAPS)
def test_sqlglot_gaps_are_still_gaps(dialect, statement):
    logging.disable(logging.WARNING)
    try:
        trees = sqlglot.parse(statement, read=dialect)
    except sqlglot.errors.ParseError:
        return
    finally:
        logging.disable(logging.NOTSET)
    assert any(isinstance(t, exp.Command) for t in trees), f"sqlglot now parses: {statement}"


def test_sqlglot_version_is_the_one_the_gaps_were_pinned_on():
    """pyproject pins the minor release (the gate's verdicts depend on the parser): a new one
    means re-checking the gaps above, then moving the pin."""
    assert sqlglot.__version__.startswith("30.30."), sqlglot.__version__


@pytest.mark.parametrize("d,statement", [
    (SQLSERVER, "ALTER TABLE users ADD CONSTRAINT df DEFAULT 1 FOR c; DROP TABLE users"),
    (SQLSERVER, "ALTER TABLE users ADD CONSTRAINT df DEFAULT 1"),
    (SQLSERVER, "CREATE INDEX ix ON users (a) WITH (ONLINE = OFF)"),
    (ORACLE, "ALTER TABLE USERS MODIFY (A NULL); DROP TABLE USERS"),
    (ORACLE, "ALTER TABLE USERS MODIFY PARTITION P1 COMPRESS"),
    (ORACLE, "DROP INDEX IX ONLINE; DROP TABLE T"),
    (ORACLE, "ALTER SESSION SET CURRENT_SCHEMA = X"),
    (ORACLE, "CREATE INDEX IX ON USERS (A) ONLINE PARALLEL 8"),
], ids=short)
def test_allow_list_is_tight(d, statement):
    assert not any(p.match(statement) for p in d.command_allow)


@pytest.mark.parametrize("d", DIALECTS, ids=short)
def test_every_check_parses(d):
    lit = lambda n: d.literal(d.catalog_name(n))            # noqa: E731
    schema = d.checks["schema"]
    filters = "".join(d.check(f, types=", ".join(map(d.literal, d.catalog_types["varchar"])),
                              n=100)
                      for f in ("type_in", "length", "not_null", "null", "has_default",
                                "no_default"))
    parts = dict(schema=schema, table=lit("order"), column=lit("select"), name=lit("ix"),
                 filters=filters)
    queries = [d.check(k, **parts) for k in ("column", "table", "index", "constraint")]
    queries += [d.check(k, table=d.q("order"), column=d.q("select"))
                for k in ("row_count", "null_count")]
    queries.append(f"SELECT {schema}")
    for query in queries:
        assert gate(d, query) == "ok", query
        assert query.startswith("SELECT COUNT(*)") or query == f"SELECT {schema}"


def test_sqlserver_drop_column_drops_the_default_constraint_first():
    parts = dict(table="[order]", column="[select]", table_lit="'order'", column_lit="'select'")
    batch, drop = SQLSERVER.statements("drop_column", **parts)
    trees = sqlglot.parse(batch, read="tsql")
    assert [type(t) for t in trees] == [exp.Declare, exp.Select, exp.ExecuteSql]
    assert "sys.default_constraints" in batch and "OBJECT_ID(QUOTENAME('order'))" in batch
    assert drop == "ALTER TABLE [order] DROP COLUMN [select]"
    assert SQLSERVER.statements("drop_default", **parts) == [batch]
    assert SQLSERVER.statements("set_default", default_name="DF_order_select", default="0",
                                **parts) == [batch, "ALTER TABLE [order] ADD CONSTRAINT "
                                             "DF_order_select DEFAULT 0 FOR [select]"]


def test_sqlserver_renames_use_sp_rename_with_a_bare_new_name():
    parts = dict(table="[order]", column="[select]", new_name="[user]", new_name_lit="'user'")
    assert SQLSERVER.sql("rename_table", **parts) == "EXEC sp_rename '[order]', 'user'"
    assert SQLSERVER.sql("rename_column", **parts) == \
        "EXEC sp_rename '[order].[select]', 'user', 'COLUMN'"


def test_sqlserver_alter_column_restates_type_and_nullability():
    assert {"alter_column_type", "set_not_null", "drop_not_null"} <= SQLSERVER.restates_column
    parts = dict(table="t", column="c", type="NVARCHAR(10)", null=" NOT NULL")
    alter = "ALTER TABLE t ALTER COLUMN c NVARCHAR(10)"
    assert SQLSERVER.sql("set_not_null", **parts) == f"{alter} NOT NULL"
    assert SQLSERVER.sql("drop_not_null", **parts) == f"{alter} NULL"
    assert SQLSERVER.sql("alter_column_type", **parts) == \
        "ALTER TABLE t ALTER COLUMN c NVARCHAR(10) NOT NULL"
    assert not ORACLE.restates_column
    assert ORACLE.sql("set_not_null", table="T", column="C") == "ALTER TABLE T MODIFY (C NOT NULL)"


def test_column_def_with_named_default():
    default = SQLSERVER.sql("default_clause", default_name="DF_t_c", default="0")
    assert SQLSERVER.sql("column_def", column="c", type="INT", identity="", default=default, null=" NOT NULL",
                         comment="") == "c INT NOT NULL CONSTRAINT DF_t_c DEFAULT 0"
    default = ORACLE.sql("default_clause", default="0")
    assert ORACLE.sql("column_def", column="C", type="NUMBER(10)", identity="", default=default,
                      null=" NOT NULL", comment="") == "C NUMBER(10) DEFAULT 0 NOT NULL"


def test_online_and_partial_index_forms():
    filtered = IndexDef("ix", ["a"], where="a > 0", include=["b"])
    assert SQLSERVER.create_index("add_index_online", "t", filtered) == \
        "CREATE INDEX ix ON t (a) INCLUDE (b) WHERE a > 0 WITH (ONLINE = ON)"
    assert ORACLE.create_index("add_index_online", "t", IndexDef("ix", ["a"])) == "CREATE INDEX IX ON T (A) ONLINE"
    assert SQLSERVER.has("partial_index") and not ORACLE.has("partial_index")
    assert "{where}" not in ORACLE.forms["add_index"]


def test_an_index_is_written_with_its_method_keys_and_include_columns():
    pg = get_dialect("postgresql")
    gin = IndexDef("ix", ["doc", "a"], using="gin", keys=["doc jsonb_path_ops", "a DESC"], include=["b"])
    assert pg.create_index("add_index_online", "t", gin) == \
        "CREATE INDEX CONCURRENTLY ix ON t USING gin (doc jsonb_path_ops, a DESC) INCLUDE (b)"
    assert pg.create_index("add_index", "t", IndexDef("ix", ["Mixed"], unique=True)) == 'CREATE UNIQUE INDEX ix ON t ("Mixed")'


# --- identifiers -------------------------------------------------------------------------

@pytest.mark.parametrize("d,name,quoted,catalog", [
    (SQLSERVER, "users", "users", "users"),
    (SQLSERVER, "Users", "Users", "Users"),
    (SQLSERVER, "order", "[order]", "order"),
    (SQLSERVER, "a$b", "[a$b]", "a$b"),
    (ORACLE, "users", "USERS", "USERS"),
    (ORACLE, "Users", "USERS", "USERS"),
    (ORACLE, "order", '"ORDER"', "ORDER"),
    (ORACLE, "size", '"SIZE"', "SIZE"),
    (ORACLE, "a$b", '"A$B"', "A$B"),
], ids=short)
def test_q_and_catalog_name(d, name, quoted, catalog):
    assert d.q(name) == quoted
    assert d.catalog_name(name) == catalog


@pytest.mark.parametrize("version,limit", [
    ((), 128), ((11, 2), 30), ((12,), 30), ((12, 1), 30), ((12, 2), 128), ((19,), 128),
    ((23, 4), 128),
])
def test_oracle_identifier_limit_by_version(version, limit):
    ORACLE.check_identifier("x" * limit, "changes.0.table", version)
    with pytest.raises(InvalidRequest) as e:
        ORACLE.check_identifier("x" * (limit + 1), "changes.0.table", version)
    assert e.value.field == "changes.0.table" and str(limit) in e.value.message


def test_oracle_identifier_limit_from_version_text():
    assert ORACLE.identifier_limit(parse_version("11.2.0.4")) == 30
    assert ORACLE.identifier_limit(parse_version("19.3")) == 128


def test_sqlserver_identifier_limit_is_128():
    SQLSERVER.check_identifier("x" * 128, "changes.0.column.name", (15,))
    with pytest.raises(InvalidRequest):
        SQLSERVER.check_identifier("x" * 129, "changes.0.column.name", (15,))


# --- types -------------------------------------------------------------------------------

@pytest.mark.parametrize("d,t,native", [
    (SQLSERVER, SqlType("varchar", (100,)), "NVARCHAR(100)"),
    (SQLSERVER, SqlType("text"), "NVARCHAR(MAX)"),
    (SQLSERVER, SqlType("boolean"), "BIT"),
    (SQLSERVER, SqlType("timestamptz"), "DATETIMEOFFSET"),
    (SQLSERVER, SqlType("decimal"), "DECIMAL(18,0)"),
    (SQLSERVER, SqlType("decimal", (10, 2)), "DECIMAL(10,2)"),
    (SQLSERVER, SqlType("uuid"), "UNIQUEIDENTIFIER"),
    (SQLSERVER, SqlType("double"), "FLOAT"),
    (ORACLE, SqlType("varchar", (100,)), "VARCHAR2(100 CHAR)"),
    (ORACLE, SqlType("integer"), "NUMBER(10)"),
    (ORACLE, SqlType("boolean"), "NUMBER(1)"),
    (ORACLE, SqlType("decimal", (10,)), "NUMBER(10,0)"),
    (ORACLE, SqlType("timestamptz"), "TIMESTAMP WITH TIME ZONE"),
    (ORACLE, SqlType("uuid"), "VARCHAR2(36)"),
    (ORACLE, SqlType("float"), "BINARY_FLOAT"),
], ids=short)
def test_native_type(d, t, native):
    assert d.native_type(t) == native


def test_oracle_has_no_time_type():
    with pytest.raises(Unsupported):
        ORACLE.native_type(SqlType("time"))


@pytest.mark.parametrize("d", DIALECTS, ids=short)
def test_every_native_type_parses_in_a_create_table(d):
    args = {"varchar": (10,), "char": (3,), "decimal": (10, 2)}
    cols = ", ".join(f"c{i} {d.native_type(SqlType(n, args.get(n, ())))}"
                     for i, n in enumerate(d.types))
    assert gate(d, f"CREATE TABLE t ({cols})") == "ok"
    assert set(d.catalog_types) == set(d.types)


# --- the rest of the data ----------------------------------------------------------------

def test_registry_and_flags():
    assert get_dialect("sqlserver") is SQLSERVER and get_dialect("oracle") is ORACLE
    assert SQLSERVER.transactional_ddl and not ORACLE.transactional_ddl
    assert (SQLSERVER.fold, ORACLE.fold) == ("none", "upper")
    assert SQLSERVER.batch_separator == "GO" and SQLSERVER.batch_separator_after is None
    assert ORACLE.batch_separator == "/"
    assert ORACLE.batch_separator_after.search("BEGIN\n  NULL;\nEND;")
    assert not any(ORACLE.batch_separator_after.search(st) for _, st in all_statements(ORACLE))
    assert ORACLE.on_delete["restrict"] == ORACLE.on_delete["no action"] == ""
    assert SQLSERVER.sql("lock_timeout", timeout_ms=5000) == "SET LOCK_TIMEOUT 5000"
    assert ORACLE.sql("lock_timeout", timeout_s=5) == "ALTER SESSION SET ddl_lock_timeout = 5"


OPS = ("create_table", "drop_table", "rename_table", "add_column", "drop_column", "rename_column",
       "alter_column_type", "set_not_null", "drop_not_null", "set_default", "drop_default",
       "add_index", "drop_index", "add_foreign_key", "add_unique", "add_check",
       "drop_constraint", "update")


@pytest.mark.parametrize("d", DIALECTS, ids=short)
def test_locks_and_forms_cover_every_op(d):
    assert set(OPS) <= set(d.locks)
    needed = set(OPS) - {"update"} | {"add_primary_key", "copy_table", "insert_from",
                                      "update_from_backup", "update", "column_def",
                                      "default_clause", "lock_timeout", "add_index_online",
                                      "drop_index_online"}
    assert needed <= set(d.forms)
    assert d.version_notes
