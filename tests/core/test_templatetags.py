import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone

from core.templatetags.qms import isotime

UTC = datetime.UTC


def render_isotime(value):
    return Template("{% load qms %}{{ value|isotime }}").render(Context({"value": value}))


def test_isotime_gives_an_aware_datetime_in_whole_seconds_with_its_offset():
    when = datetime.datetime(2025, 3, 1, 9, 5, 7, 123456, tzinfo=UTC)

    assert isotime(when) == "2025-03-01T09:05:07+00:00"


def test_isotime_in_a_template_shows_the_current_time_zone_like_the_date_filter():
    when = datetime.datetime(2025, 3, 1, 9, 5, 7, 999999, tzinfo=UTC)

    with timezone.override(ZoneInfo("Europe/Berlin")):
        assert render_isotime(when) == "2025-03-01T10:05:07+01:00"
    with timezone.override(ZoneInfo("America/St_Johns")):
        assert render_isotime(when) == "2025-03-01T05:35:07-03:30"


def test_isotime_gives_a_date_as_year_month_day():
    assert render_isotime(datetime.date(2025, 3, 1)) == "2025-03-01"


def test_isotime_gives_nothing_for_a_missing_or_unknown_value():
    assert render_isotime(None) == ""
    assert render_isotime("") == ""
    assert render_isotime("2025-03-01") == ""
