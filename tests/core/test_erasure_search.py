"""The search an erasure test runs finds a person wherever they are kept: every table
(history, links, Django's own, and tables no model knows), every stored file, and the
storage the registry knows how to read."""

from importlib import import_module

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.email import email_queue
from customers.models import SuppressedEmail, email_hash
from tests.erasure import not_allowed, places_holding
from tests.factories import UserFactory, WidgetFactory, WidgetPartFactory

pytestmark = pytest.mark.django_db

NAME = "Zoë Ibáñez"


def where(found):
    return sorted({item.where.split(" (")[0] for item in found})


def test_it_finds_a_name_in_every_table_that_holds_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    widget = WidgetFactory(name=NAME)  # and its history row
    WidgetPartFactory(widget=widget, name=f"Bolt for {NAME.upper()}")
    email = email_queue(
        to="someone@example.com",
        purpose="widget_notice",
        template="widget_notice",
        context={"name": "Sam", "widget": {"name": "a widget"}, "link": "x"},
        secrets=[f"https://x/{NAME}"],  # JSON
    )
    LogEntry.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(widget),
        object_id=str(widget.pk),
        object_repr="Widget",
        action_flag=CHANGE,
        change_message='[{"changed": {"object": "Zo\\u00eb Ib\\u00e1\\u00f1ez"}}]',
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE erasure_probe (note VARCHAR(100))")
        cursor.execute("INSERT INTO erasure_probe (note) VALUES (%s)", [f"Ask {NAME}"])

    found = places_holding(NAME, "nobody@nowhere.example")

    assert where(found) == [
        "admin.LogEntry.change_message",
        "core.OutboundEmail.secrets",
        "erasure_probe.note",
        "testapp.HistoricalWidget.name",
        "testapp.Widget.name",
        "testapp.WidgetPart.name",
    ]
    assert {item.needle for item in found} == {NAME}
    assert f"core.OutboundEmail.secrets (row {email.pk})" in {item.where for item in found}


def test_it_reads_stored_files_in_any_encoding_and_sessions_decoded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "people.csv").write_text(f"name\n{NAME}\n", encoding="utf-16")
    (tmp_path / "imports" / "other.csv").write_text("name\nBob\n", encoding="utf-8")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session["note"] = f"Last seen: {NAME}"
    session.save()

    found = places_holding(NAME)

    assert where(found) == ["file imports/people.csv", f"session {session.session_key[:8]}…"]


def test_a_place_the_registry_allows_is_reported_with_why():
    SuppressedEmail.objects.create(
        email_hash=email_hash("zoe@mail.example"), reason=SuppressedEmail.Reason.ERASED
    )

    found = places_holding("zoe@mail.example", email_hash("zoe@mail.example"))

    assert where(found) == ["customers.SuppressedEmail.email_hash"]
    assert "not bring them back" in found[0].kept
    assert not_allowed(found) == []
