"""The plain-English grammar: each phrasing maps to exactly the change an agent would write."""
import pytest

from dbmig.errors import InvalidRequest
from dbmig.intake.description import parse_description, understood_phrasings

CASES = {
    "add column email varchar(255) not null default '' to users":
        {"op": "add_column", "table": "users",
         "column": {"name": "email", "type": "varchar(255)", "nullable": False, "default": "''"}},
    "add a nullable column bio text to users":
        {"op": "add_column", "table": "users", "column": {"name": "bio", "type": "text"}},
    "Add column users.score decimal(10, 2) default 0":
        {"op": "add_column", "table": "users",
         "column": {"name": "score", "type": "decimal(10,2)", "default": "0"}},
    "add created_at timestamptz not null default now() to orders":
        {"op": "add_column", "table": "orders",
         "column": {"name": "created_at", "type": "timestamptz", "nullable": False, "default": "now()"}},
    "drop column legacy from users": {"op": "drop_column", "table": "users", "column": "legacy"},
    "remove column users.legacy": {"op": "drop_column", "table": "users", "column": "legacy"},
    "rename column name to full_name on users":
        {"op": "rename_column", "table": "users", "column": "name", "new_name": "full_name"},
    "rename users.name to full_name":
        {"op": "rename_column", "table": "users", "column": "name", "new_name": "full_name"},
    "rename table customers to clients": {"op": "rename_table", "table": "customers", "new_name": "clients"},
    "drop table x": {"op": "drop_table", "table": "x"},
    "create index on orders(customer_id)": {"op": "add_index", "table": "orders", "columns": ["customer_id"]},
    "create unique index on users (email)":
        {"op": "add_index", "table": "users", "columns": ["email"], "unique": True},
    "create index ix_orders_open on orders (customer_id, created_at) where status = 'open'":
        {"op": "add_index", "table": "orders", "columns": ["customer_id", "created_at"],
         "name": "ix_orders_open", "where": "status = 'open'"},
    "index orders.customer_id": {"op": "add_index", "table": "orders", "columns": ["customer_id"]},
    "drop index ix_old on orders": {"op": "drop_index", "table": "orders", "name": "ix_old"},
    "add foreign key orders(customer_id) references customers(id)":
        {"op": "add_foreign_key", "table": "orders", "columns": ["customer_id"],
         "ref_table": "customers", "ref_columns": ["id"]},
    "add foreign key fk_items_order on order_items (order_id) references orders (id) on delete cascade":
        {"op": "add_foreign_key", "table": "order_items", "columns": ["order_id"], "ref_table": "orders",
         "ref_columns": ["id"], "name": "fk_items_order", "on_delete": "cascade"},
    "add unique constraint on users(email)": {"op": "add_unique", "table": "users", "columns": ["email"]},
    "add check (qty > 0) to orders": {"op": "add_check", "table": "orders", "expression": "qty > 0"},
    "drop constraint fk_x on orders": {"op": "drop_constraint", "table": "orders", "name": "fk_x"},
    "make users.email not null": {"op": "set_not_null", "table": "users", "column": "email"},
    "make email not null on users backfilling with ''":
        {"op": "set_not_null", "table": "users", "column": "email", "backfill": "''"},
    "make users.nickname nullable": {"op": "drop_not_null", "table": "users", "column": "nickname"},
    "change type of users.age to bigint":
        {"op": "alter_column_type", "table": "users", "column": "age", "type": "bigint"},
    "alter column age on users type integer using age::integer":
        {"op": "alter_column_type", "table": "users", "column": "age", "type": "integer",
         "using": "age::integer"},
    "set default 0 on orders.qty": {"op": "set_default", "table": "orders", "column": "qty", "default": "0"},
    "set the default of orders.status to 'new'":
        {"op": "set_default", "table": "orders", "column": "status", "default": "'new'"},
    "drop default on orders.qty": {"op": "drop_default", "table": "orders", "column": "qty"},
    "backfill users.status with 'active' where status is null":
        {"op": "backfill", "table": "users", "column": "status", "value": "'active'",
         "where": "status is null"},
    "update orders set status = 'archived' where created_at < '2020-01-01'":
        {"op": "update_rows", "table": "orders", "set": {"status": "'archived'"},
         "where": "created_at < '2020-01-01'"},
    "split users.name into first_name and last_name on ' '":
        {"op": "split_column", "table": "users", "column": "name",
         "into": ["first_name", "last_name"], "separator": " "},
    "create table audit_log (id bigint primary key, message text not null, amount decimal(10,2))":
        {"op": "create_table", "table": "audit_log", "columns": [
            {"name": "id", "type": "bigint", "nullable": False, "primary_key": True},
            {"name": "message", "type": "text", "nullable": False},
            {"name": "amount", "type": "decimal(10,2)"}]},
}


def dumped(text):
    return [c.model_dump(exclude_defaults=True, by_alias=True) | {"op": c.op} for c in parse_description(text)]


@pytest.mark.parametrize("text", CASES)
def test_phrasing_maps_to_change(text):
    assert dumped(text) == [CASES[text]]


def test_at_least_twenty_phrasings():
    assert len(CASES) >= 20
    assert len(understood_phrasings()) >= 20


def test_every_advertised_example_parses():
    for example in understood_phrasings():
        assert parse_description(example)


def test_several_changes_joined():
    text = ("add column email varchar(255) to users; create unique index on users (email) "
            "and then drop column legacy from users")
    assert [c.op for c in parse_description(text)] == ["add_column", "add_index", "drop_column"]


def test_separator_inside_a_literal_is_not_a_split():
    (change,) = parse_description("set default 'a; and then b' on notes.body")
    assert change.default == "'a; and then b'"


def test_quoted_identifiers_are_unquoted():
    (change,) = parse_description('drop column "legacy" from `users`')
    assert (change.table, change.column) == ("users", "legacy")


def test_deterministic():
    text = "rename users.name to full_name; index orders.customer_id"
    assert dumped(text) == dumped(text)


@pytest.mark.parametrize("text", ["please make the app faster", "", "add column to users",
                                  "drop column 1abc from users"])
def test_unparseable_is_a_helpful_error(text):
    with pytest.raises(InvalidRequest) as info:
        parse_description(text)
    body = info.value.to_dict()
    assert body["code"] == "invalid_request"
    assert body["field"] == "migration_description"
    assert "add column email varchar(255) not null default '' to users" in body["allowed"]
    assert "changes" in body["suggestion"]


def test_error_names_the_failing_clause():
    with pytest.raises(InvalidRequest) as info:
        parse_description("drop table a; frobnicate b")
    assert "'frobnicate b' (clause 2 of 2)" in info.value.message
