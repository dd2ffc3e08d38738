"""The figures: the Median aggregate on both databases, and counts that agree with the
list filtered the same way."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import F, Q
from django.urls import reverse

from core.expressions import Median
from feedback.complaints.metrics import complaint_figures, say_duration
from feedback.models import FeedbackItem
from tests.factories import ProductServiceFactory
from tests.feedback.factories import FeedbackItemFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
Status = FeedbackItem.Status


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def complaint(received_days_ago, *, acknowledged_hours=None, closed_days=None, **fields):
    received = NOW - timedelta(days=received_days_ago)
    return FeedbackItemFactory(
        received_at=received,
        acknowledge_due_at=received + timedelta(hours=48),
        acknowledged_at=received + timedelta(hours=acknowledged_hours)
        if acknowledged_hours is not None
        else None,
        closed_at=received + timedelta(days=closed_days) if closed_days is not None else None,
        status=Status.CLOSED
        if closed_days is not None
        else fields.pop("status", Status.ACKNOWLEDGED),
        **fields,
    )


def test_median_of_an_odd_and_an_even_number_of_values_and_of_none():
    for hours in (1, 5, 3):
        complaint(10, acknowledged_hours=hours)
    items = FeedbackItem.objects.all()
    assert items.aggregate(m=Median("escalation_level"))["m"] == 0
    assert items.aggregate(m=Median(F("acknowledged_at") - F("received_at")))["m"] == timedelta(
        hours=3
    )
    complaint(10, acknowledged_hours=8)
    assert items.aggregate(m=Median(F("acknowledged_at") - F("received_at")))["m"] == timedelta(
        hours=4
    )
    assert (
        FeedbackItem.objects.filter(pk=0).aggregate(
            m=Median(F("acknowledged_at") - F("received_at"))
        )["m"]
        is None
    )


def test_median_skips_empty_values_and_honours_its_filter():
    complaint(10, acknowledged_hours=2)
    complaint(10, acknowledged_hours=10, kind="compliment")
    complaint(10)  # not acknowledged: no duration
    result = FeedbackItem.objects.aggregate(
        every=Median(F("acknowledged_at") - F("received_at")),
        complaints=Median(F("acknowledged_at") - F("received_at"), filter=Q(kind="complaint")),
    )
    assert result == {"every": timedelta(hours=6), "complaints": timedelta(hours=2)}


def test_median_of_numbers_is_a_float():
    for level in (1, 2):
        FeedbackItemFactory(escalation_level=level)
    assert FeedbackItem.objects.aggregate(m=Median("escalation_level"))["m"] == 1.5


def test_the_figures_of_a_period():
    pump = ProductServiceFactory(name="Pump")
    complaint(40, acknowledged_hours=1, closed_days=10, product=pump, severity="high")
    complaint(35, acknowledged_hours=72, closed_days=20, product=pump, severity="low")
    complaint(5, acknowledged_hours=3, due_at=NOW - timedelta(days=1))
    complaint(1, status=Status.RECEIVED)  # its acknowledgement is not due yet
    complaint(200, acknowledged_hours=1)  # before the period
    FeedbackItemFactory(kind="compliment", received_at=NOW - timedelta(days=1))
    period = FeedbackItem.objects.complaints().filter(received_at__gte=NOW - timedelta(days=60))
    figures = complaint_figures(period)
    assert figures.total == 4
    assert figures.overdue == 1
    assert (figures.acknowledged_in_time, figures.acknowledgement_due) == (2, 3)
    assert figures.acknowledged_share == 67
    assert figures.median_to_acknowledge == timedelta(hours=3)
    assert figures.median_to_close == timedelta(days=15)
    assert say_duration(figures.median_to_close) == "15 days"
    assert {row["value"]: row["count"] for row in figures.by_status} == {
        "acknowledged": 1,
        "received": 1,
        "closed": 2,
    }
    assert {row["label"]: row["count"] for row in figures.by_product} == {"Pump": 2, None: 2}
    assert sum(row["count"] for row in figures.by_month) == 4


def test_every_count_on_the_figures_page_is_the_count_of_the_list_it_links_to(
    client, quality_manager
):
    pump = ProductServiceFactory(name="Pump")
    for days, severity, status in [
        (40, "high", Status.ASSESSED),
        (35, "low", Status.CLOSED),
        (5, "", Status.RECEIVED),
    ]:
        complaint(
            days, product=pump, severity=severity, status=status, due_at=NOW - timedelta(days=1)
        )
    complaint(300)
    FeedbackItemFactory(kind="suggestion", received_at=NOW - timedelta(days=2))
    client.force_login(quality_manager)
    query = {"date_from": "2026-09-01", "date_to": "2026-12-01"}
    response = client.get(reverse("feedback:figures"), query)
    figures = response.context["figures"]
    assert figures.total == 3

    def listed(**more):
        page = client.get(
            reverse("feedback:item_list"), {"kind": "complaint", **query, **more}
        ).context["page"]
        return page.paginator.count

    assert listed() == figures.total
    assert listed(flag="overdue") == figures.overdue
    for row in figures.by_status:
        assert listed(status=row["value"]) == row["count"]
    for row in figures.by_severity:
        if row["value"]:
            assert listed(severity=row["value"]) == row["count"]
    for row in figures.by_product:
        assert listed(product=row["value"]) == row["count"]
    html = response.content.decode()
    assert (
        'href="/feedback/?kind=complaint&amp;date_from=2026-09-01&amp;date_to=2026-12-01&amp;status=closed"'
        in html
    )


def test_every_month_of_the_period_shows_and_each_count_links_once(client, quality_manager):
    product = ProductServiceFactory()
    complaint(100, product=product)  # August
    complaint(10, product=product, severity="")  # November
    client.force_login(quality_manager)
    page = client.get(
        reverse("feedback:figures"), {"date_from": "2026-08-01", "date_to": "2026-11-30"}
    ).content.decode()
    for month in ("August 2026", "September 2026", "October 2026", "November 2026"):
        assert month in page
    assert "date_from=2026-09-01&amp;date_to=2026-09-30" in page
    assert f"product={product.pk}&amp;product" not in page
    assert page.count(f"product={product.pk}") == 1
    assert "severity=none" in page
    listed = client.get(reverse("feedback:item_list"), {"kind": "complaint", "severity": "none"})
    assert (
        listed.context["page"].paginator.count == FeedbackItem.objects.filter(severity="").count()
    )


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
def test_a_day_in_the_period_runs_from_midnight_to_midnight_in_the_sites_time_zone(
    client, manager, settings, zone
):
    settings.TIME_ZONE = zone
    tz = ZoneInfo(zone)
    last_minute = FeedbackItemFactory(
        subject="Last minute", received_at=datetime(2026, 11, 30, 23, 59, tzinfo=tz)
    )
    FeedbackItemFactory(subject="Next day", received_at=datetime(2026, 12, 1, 0, 0, tzinfo=tz))
    FeedbackItemFactory(subject="Day before", received_at=datetime(2026, 11, 29, 23, 59, tzinfo=tz))
    client.force_login(manager)

    response = client.get(
        reverse("feedback:item_list"), {"date_from": "2026-11-30", "date_to": "2026-11-30"}
    )

    assert [item.pk for item in response.context["page"].object_list] == [last_minute.pk]
