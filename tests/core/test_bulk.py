import pytest
from django.db import transaction

from core.bulk import insert_with_history
from core.history import system_actor
from tests.factories import WidgetFactory
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
