"""Template tags every app's pages use: history, record actions, breadcrumbs, dates."""

import datetime
from typing import Any

from django import template
from django.core.paginator import Page
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from core.registries import actions_for

register = template.Library()

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _display(field: models.Field, value: Any, names: dict[Any, str]) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), str(value))
    return str(value)


def _foreign_names(model: Any, deltas: list[Any]) -> dict[Any, str]:
    """Return the name of every record a changed foreign key pointed to: one query per
    related model for the whole history, not one per history row."""
    wanted: dict[Any, set[Any]] = {}
    for delta in deltas:
        for change in delta.changes:
            field = model._meta.get_field(change.field)
            if isinstance(field, models.ForeignKey):
                ids = wanted.setdefault(field.related_model, set())
                ids.update(v for v in (change.old, change.new) if v not in (None, ""))
    names = {}
    for related, ids in wanted.items():
        for pk, record in related._default_manager.in_bulk(ids).items():
            names[(related, pk)] = str(record)
    return names


def history_entries(record: models.Model, limit: int = 200) -> list[dict[str, Any]]:
    """Return the record's history, newest first, each with what it changed."""
    history: Any = getattr(record, "history")  # noqa: B009 - simple-history adds it
    rows = list(
        history.select_related("history_user").order_by("-history_date", "-pk")[: limit + 1]
    )
    m2m = _m2m_links(rows)
    pairs = list(zip(rows, [*rows[1:], None], strict=False))
    # Links are compared from one query per field, not two per history row.
    deltas = {
        newer.pk: newer.diff_against(
            older, foreign_keys_are_objs=False, excluded_fields=[f.name for f in m2m]
        )
        for newer, older in pairs
        if older is not None and newer.history_type == "~"
    }
    foreign = _foreign_names(rows[0].instance_type, list(deltas.values())) if rows else {}
    entries = []
    for newer, older in pairs:
        changes = []
        delta = deltas.get(newer.pk)
        if delta is not None:
            for field, (links, linked) in m2m.items():
                old, new = links.get(older.pk, []), links.get(newer.pk, [])
                if old != new:
                    changes.append(
                        {
                            "field": field.verbose_name,
                            "old": ", ".join(linked[pk] for pk in old) or "—",
                            "new": ", ".join(linked[pk] for pk in new) or "—",
                        }
                    )
            for change in delta.changes:
                field = newer.instance_type._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, change.old, foreign),
                        "new": _display(field, change.new, foreign),
                    }
                )
        entries.append(
            {
                "when": newer.history_date,
                "kind": HISTORY_TYPES.get(newer.history_type, newer.history_type),
                "actor": newer.actor_label,
                "reason": newer.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries[:limit]


def _m2m_links(rows: list[Any]) -> dict[Any, tuple[dict[int, list[int]], dict[int, str]]]:
    """Return, per tracked many-to-many field, each history row's links and their names."""
    if not rows:
        return {}
    found: dict[Any, tuple[dict[int, list[int]], dict[int, str]]] = {}
    for tracked in getattr(rows[0], "_history_m2m_fields", []):
        field = rows[0].instance_type._meta.get_field(tracked.name)
        snapshot = getattr(rows[0], field.name).model
        target = f"{field.m2m_reverse_field_name()}_id"
        links: dict[int, list[int]] = {}
        pairs = snapshot.objects.filter(history_id__in=[row.pk for row in rows]).values_list(
            "history_id", target
        )
        for history_id, target_id in pairs.order_by(target):
            links.setdefault(history_id, []).append(target_id)
        every = {pk for linked in links.values() for pk in linked}
        records = field.related_model._default_manager.in_bulk(every)
        names = {pk: str(records[pk]) if pk in records else f"#{pk}" for pk in every}
        found[field] = (links, names)
    return found


@register.inclusion_tag("core/partials/history.html")
def record_history(record: models.Model) -> dict[str, Any]:
    """Show the record's history: who changed what, when, and why."""
    return {"entries": history_entries(record), "record": record}


@register.inclusion_tag("core/partials/record_actions.html", takes_context=True)
def record_actions(context: dict[str, Any], record: models.Model) -> dict[str, Any]:
    """Offer the actions higher apps registered for this kind of record."""
    return {"actions": actions_for(record, context["request"].user)}


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
