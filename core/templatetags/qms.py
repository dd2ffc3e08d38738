"""Template tags every app's pages use: history, record actions, breadcrumbs, dates."""

import datetime
from typing import Any

from django import template
from django.core.paginator import Page
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.history import history_entries
from core.registries import actions_for, sections_for

register = template.Library()


@register.inclusion_tag("core/partials/history.html")
def record_history(record: models.Model) -> dict[str, Any]:
    """Show the record's history: who changed what, when, and why."""
    return {"entries": history_entries(record), "record": record}


@register.inclusion_tag("core/partials/record_actions.html", takes_context=True)
def record_actions(context: dict[str, Any], record: models.Model) -> dict[str, Any]:
    """Offer the actions higher apps registered for this kind of record."""
    return {"actions": actions_for(record, context["request"].user)}


@register.simple_tag(takes_context=True)
def record_sections(context: dict[str, Any], record: models.Model) -> SafeString:
    """Show the sections higher apps registered for this kind of record, in order."""
    request = context["request"]
    parts = [
        render_to_string(template, {"record": record, **extra}, request=request)
        for template, extra in sections_for(record, request.user)
    ]
    # Each part is a rendered template (safe, escaped by its own autoescaping).
    return format_html_join("", "{}", ((part,) for part in parts))


@register.simple_tag
def breadcrumb(label: Any, url_name: str = "", *args: Any) -> str:
    """Render one breadcrumb: a link (a URL name or a path), or the current page."""
    if url_name:
        url = url_name if url_name.startswith("/") else reverse(url_name, args=args)
        return format_html('<li class="breadcrumb-item"><a href="{}">{}</a></li>', url, label)
    return format_html('<li class="breadcrumb-item active" aria-current="page">{}</li>', label)


@register.simple_tag
def page_url(query: str, number: int) -> str:
    """Return the query string of a list page with its filters and this page number."""
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.simple_tag
def page_numbers(page: Page, each_side: int = 2) -> range:
    """Return the numbers of the pages around the one shown, ``each_side`` on each side."""
    first = max(1, page.number - each_side)
    last = min(page.paginator.num_pages, page.number + each_side)
    return range(first, last + 1)


@register.filter(expects_localtime=True)
def isotime(value: Any) -> str:
    """Return a date or datetime as a valid HTML ``<time datetime>`` value.

    A datetime keeps whole seconds and its offset (``2025-03-01T09:05:07+01:00``);
    Django's ``date:'c'`` adds microseconds, which HTML does not allow. A date gives
    ``2025-03-01``; anything else gives an empty string.
    """
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
