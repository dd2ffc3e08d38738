import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.bulk import insert_with_history, update_with_history
from core.history import bulk_create_with_history, history_entries, system_actor
from customers.models import Customer
from tests.factories import CustomerFactory, SegmentFactory, WidgetFactory
from tests.testapp.models import Widget

pytestmark = pytest.mark.django_db


def test_fast_inserts_write_history_and_never_reuse_a_key():
    gone = WidgetFactory(name="Deleted")
    Widget.objects.filter(pk=gone.pk).delete()

    with transaction.atomic(), system_actor("import widgets.csv"):
        ids = insert_with_history(Widget, [{"name": "A"}, {"name": "B"}], reason="Import")

    assert min(ids) > gone.pk
    rows = Widget.history.filter(id__in=ids).order_by("id")
    assert [(r.name, r.history_type, r.history_actor, r.history_change_reason) for r in rows] == [
        ("A", "+", "import widgets.csv", "Import"),
        ("B", "+", "import widgets.csv", "Import"),
    ]
    assert list(Widget.objects.filter(pk__in=ids).values_list("status", flat=True)) == [
        "open",
        "open",
    ]


def test_fast_inserts_take_defaults_for_fields_the_rows_leave_out():
    with transaction.atomic():
        (pk,) = insert_with_history(Widget, [{"name": "Valve"}])

    widget = Widget.objects.get(pk=pk)
    assert (widget.name, widget.status) == ("Valve", "open")
    assert Widget.history.get(id=pk).status == "open"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"name": "A"}, {"name": "B", "status": "open"}], "same keys"),
        ([{"name": "A", "colour": "red"}], "not fields of testapp.Widget: colour"),
    ],
)
def test_fast_inserts_refuse_rows_they_cannot_write_and_write_nothing(rows, message):
    with pytest.raises(ValueError, match=message), transaction.atomic():
        insert_with_history(Widget, rows)

    assert not Widget.objects.exists()
    assert not Widget.history.exists()


def test_update_with_history_sets_the_values_and_writes_one_history_row_per_row(
    quality_manager,
):
    open_ones = [WidgetFactory(name=f"Open {n}") for n in range(3)]
    WidgetFactory(name="Left alone", status="closed")

    with transaction.atomic():
        count, written = update_with_history(
            Widget.objects.filter(status="open"),
            {"status": "closed"},
            by=quality_manager,
            reason="Bulk change",
        )

    assert count == 3
    assert sorted(written.values_list("id", flat=True)) == [w.pk for w in open_ones]
    assert set(Widget.objects.values_list("status", flat=True)) == {"closed"}
    rows = Widget.history.filter(history_type="~")
    assert [(r.name, r.status, r.history_user, r.history_change_reason) for r in rows] == [
        (w.name, "closed", quality_manager, "Bulk change") for w in reversed(open_ones)
    ]


def test_update_with_history_names_the_system_actor_without_a_person():
    WidgetFactory()

    with transaction.atomic(), system_actor("command close_widgets"):
        update_with_history(Widget.objects.all(), {"name": "Renamed"})

    row = Widget.history.filter(history_type="~").get()
    assert (row.name, row.history_user) == ("Renamed", None)
    assert row.history_actor == "command close_widgets"


def test_update_with_history_adds_links_and_keeps_them_in_the_history_snapshot(quality_manager):
    healthcare, retail = SegmentFactory(name="Healthcare"), SegmentFactory(name="Retail")
    inside, outside = CustomerFactory(), CustomerFactory()
    inside.segments.add(healthcare, retail)
    before = Customer.history.count()

    with transaction.atomic():
        count, _written = update_with_history(
            Customer.objects.all(), {}, by=quality_manager, add_links={"segments": healthcare}
        )

    assert count == 2
    assert set(outside.segments.all()) == {healthcare}
    assert set(inside.segments.all()) == {healthcare, retail}
    assert Customer.history.count() == before + 2
    latest = Customer.history.filter(id=outside.pk).first()
    assert [link.segment for link in latest.segments.all()] == [healthcare]
    assert latest.updated_at > outside.updated_at
    entries = history_entries(outside)
    assert entries[0]["changes"] == [{"field": "segments", "old": "—", "new": "Healthcare"}]


def test_update_with_history_makes_as_many_queries_for_2000_rows_as_for_20(quality_manager):
    counts = []
    for size in (20, 2000):
        Widget.objects.all().delete()
        bulk_create_with_history([Widget(name=f"W{n}") for n in range(size)], Widget)
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            count, _written = update_with_history(
                Widget.objects.filter(status="open"), {"status": "closed"}, by=quality_manager
            )
        assert count == size
        counts.append(len(queries))

    # The highest history key, the history rows, the update.
    assert counts[0] == counts[1] == 3
