"""The registers' indexes (migration 0010): the lists' orders and the home page's count
on both databases; the trigram indexes of the searches on PostgreSQL only, and used
there by the queries the searches make."""

from types import SimpleNamespace

import pytest
from django.db import connection

from core.postgres import trigram_index
from customers.models import Contact, Customer
from customers.register import selectors

pytestmark = pytest.mark.django_db

# Every trigram index the project has, of every app: name -> (table, column).
TRIGRAM = {
    "customers_customer_name_trgm": ("customers_customer", "name"),
    "customers_contact_name_trgm": ("customers_contact", "name"),
    "customers_contact_email_trgm": ("customers_contact", "email"),
    "core_outboundemail_subject_trgm": ("core_outboundemail", "subject"),
    "core_outboundemail_recipient_trgm": ("core_outboundemail", "recipient"),
    "feedback_feedbackitem_subject_trgm": ("feedback_feedbackitem", "subject"),
    "feedback_feedbackitem_description_trgm": ("feedback_feedbackitem", "description"),
    "feedback_feedbackitem_sender_name_trgm": ("feedback_feedbackitem", "sender_name"),
    "feedback_feedbackitem_sender_email_trgm": ("feedback_feedbackitem", "sender_email"),
    "feedback_communication_summary_trgm": ("feedback_communication", "summary"),
    "feedback_communication_details_trgm": ("feedback_communication", "details"),
    "surveys_answer_text_trgm": ("surveys_answer", "text"),
}


def indexes(table):
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


class Recorder:
    """A schema editor that records what it is told to run, on a given database."""

    def __init__(self, vendor):
        self.connection = SimpleNamespace(vendor=vendor, alias="default", ops=connection.ops)
        self.statements = []

    def execute(self, sql, params=None):
        self.statements.append(sql)


def test_the_lists_indexes_are_on_both_databases():
    contact, customer = indexes("customers_contact"), indexes("customers_customer")

    assert contact["customers_contact_live_name"]["columns"] == ["name", "id"]
    assert contact["customers_contact_live_cust"]["columns"] == ["customer_id"]
    assert contact["customers_contact_surveyable"]["columns"] == ["customer_id"]
    assert customer["customers_customer_name_id"]["columns"] == ["name", "id"]


def test_the_surveyable_index_holds_exactly_the_contacts_a_survey_may_go_to():
    index = next(i for i in Contact._meta.indexes if i.name == "customers_contact_surveyable")

    assert index.condition == Contact.can_be_surveyed_q()


@pytest.mark.parametrize(("vendor", "runs"), [("sqlite", False), ("postgresql", True)])
def test_a_trigram_index_is_made_and_dropped_on_postgresql_only(vendor, runs):
    operation = trigram_index("customers_contact", "name")
    forwards, backwards = Recorder(vendor), Recorder(vendor)

    operation.database_forwards("customers", forwards, None, None)
    operation.database_backwards("customers", backwards, None, None)

    if not runs:
        assert (forwards.statements, backwards.statements) == ([], [])
        return
    assert forwards.statements == [
        (
            'CREATE INDEX "customers_contact_name_trgm" ON "customers_contact" '
            'USING gin (UPPER("name") gin_trgm_ops)'
        )
    ]
    assert backwards.statements == ['DROP INDEX IF EXISTS "customers_contact_name_trgm"']


def test_sqlite_has_no_trigram_index():
    if connection.vendor != "sqlite":
        pytest.skip("this run is on PostgreSQL")

    names = set(indexes("customers_contact")) | set(indexes("customers_customer"))

    assert not [name for name in names if name.endswith("_trgm")]
    # The searches run the same queries without them.
    assert list(selectors.customer_search("acme")) == []
    assert list(selectors.contact_search("acme")) == []


@pytest.mark.postgres
def test_postgresql_has_the_trigram_indexes_of_upper_case_text():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE indexname LIKE %s",
            ["%\\_trgm"],
        )
        found = {name: (table, definition) for name, table, definition in cursor.fetchall()}

    assert {name: table for name, (table, _) in found.items()} == {
        name: table for name, (table, _) in TRIGRAM.items()
    }
    for name, (_, definition) in found.items():
        column = TRIGRAM[name][1]
        # A text column needs no cast; a varchar one is indexed as Django casts it.
        assert (
            f"USING gin (upper(({column})::text) gin_trgm_ops)" in definition
            or f"USING gin (upper({column}) gin_trgm_ops)" in definition
        )


def plan(queryset):
    """Return PostgreSQL's plan of the queryset with the scans that read a whole table
    or index ruled out: on a few rows reading the table is cheaper, and the plan would
    not show whether an index can answer the condition."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("model", "field"), [(Customer, "name"), (Contact, "name"), (Contact, "email")]
)
def test_the_searches_conditions_are_answered_by_the_trigram_indexes(model, field):
    """Django writes ``icontains`` as ``UPPER(col::text) LIKE UPPER(%s)``: the indexes
    are on that expression, so PostgreSQL answers the condition from the index.
    (On 50,000 customers and 1,000,000 contacts it picks them unforced.)"""
    found = plan(model.objects.filter(**{f"{field}__icontains": "lotus"}))

    assert f"Bitmap Index Scan on {model._meta.db_table}_{field}_trgm" in found
    assert "Index Cond: (upper((" in found


@pytest.mark.postgres
def test_each_condition_of_the_contacts_search_can_be_read_from_an_index():
    """The customer's name is matched among the ids of the customers named (an array
    the index of the contacts' customer answers), so no condition is left to test on
    each contact: on a large register the search reads only the matching rows."""
    found = plan(selectors.contacts_matching("lotus", Contact.objects.all()))

    assert "BitmapOr" in found
    assert "Index Cond: (customer_id = ANY ($0))" in found
    assert "Filter:" not in found.split("InitPlan")[0]


@pytest.mark.postgres
def test_the_migration_operations_drop_and_make_the_index_on_postgresql():
    operation = trigram_index("customers_contact", "email")

    with connection.schema_editor() as editor:
        operation.database_backwards("customers", editor, None, None)
    dropped = "customers_contact_email_trgm" not in indexes("customers_contact")
    with connection.schema_editor() as editor:
        operation.database_forwards("customers", editor, None, None)

    assert dropped
    assert indexes("customers_contact")["customers_contact_email_trgm"]["type"] == "gin"
