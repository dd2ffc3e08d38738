"""Figures of complaint handling (9.1.3 reads them; ISO 10002 asks for them): counts by
month, product, severity and status, the median times to acknowledge and to close,
how many are overdue, and the share acknowledged within target.

Every figure is computed in the database over the complaints a filter selects (the
same filter as the register's list), so each count agrees with the list it links to.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.expressions import Median
from feedback.complaints.models import FeedbackItem, overdue_condition


@dataclass(frozen=True)
class Figures:
    total: int
    by_month: list[dict[str, Any]]
    by_product: list[dict[str, Any]]
    by_severity: list[dict[str, Any]]
    by_status: list[dict[str, Any]]
    median_to_acknowledge: timedelta | None
    median_to_close: timedelta | None
    overdue: int
    acknowledged_in_time: int
    acknowledgement_due: int

    @property
    def to_acknowledge(self) -> str:
        return say_duration(self.median_to_acknowledge)

    @property
    def to_close(self) -> str:
        return say_duration(self.median_to_close)

    @property
    def acknowledged_share(self) -> int | None:
        """Return the percentage acknowledged within target, of those whose
        acknowledgement was due (acknowledged, or past the target); None if none."""
        if not self.acknowledgement_due:
            return None
        return round(100 * self.acknowledged_in_time / self.acknowledgement_due)


def say_duration(duration: timedelta | None) -> str:
    """Return a duration as people read it: "3 days 4 hours", "5 hours", "40 minutes"."""
    if duration is None:
        return "—"
    minutes = int(duration.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        said = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
        if hours:
            said += " " + ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
        return said
    if hours:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def _groups(complaints: QuerySet, field: str, labels: dict[Any, Any]) -> list[dict[str, Any]]:
    """Return the count of each value of ``field``, in the order of ``labels``."""
    rows = complaints.order_by().values(field).annotate(count=Count("pk"))
    order = list(labels)
    groups = [
        {"value": row[field], "label": labels.get(row[field], row[field]), "count": row["count"]}
        for row in rows
    ]
    return sorted(groups, key=lambda g: order.index(g["value"]) if g["value"] in order else 99)


def months_of(
    counts: dict[date, int], start: date | None, end: date | None
) -> list[dict[str, Any]]:
    """Return every month from ``start`` (else the first month counted) to ``end``
    (else this month), each with its count (0 when none) and its first and last day
    within the period, so that a month's count links to the same complaints."""
    first = start or min(counts, default=None)
    if first is None:
        return []
    last = end or max([timezone.localdate(), *counts])
    months = []
    month = first.replace(day=1)
    while month <= last:
        days = calendar.monthrange(month.year, month.month)[1]
        months.append(
            {
                "month": month,
                "count": counts.get(month, 0),
                "date_from": max(month, start) if start else month,
                "date_to": min(month.replace(day=days), end) if end else month.replace(day=days),
            }
        )
        month = (month + timedelta(days=days)).replace(day=1)
    return months


def complaint_figures(
    complaints: QuerySet[FeedbackItem], *, start: date | None = None, end: date | None = None
) -> Figures:
    """Return the figures of the given complaints (already filtered by the period
    from ``start`` to ``end``, either open)."""
    now = timezone.now()
    complaints = complaints.order_by()
    totals = complaints.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_condition(now)),
        acknowledged_in_time=Count(
            "pk",
            filter=Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("acknowledge_due_at")),
        ),
        acknowledgement_due=Count(
            "pk",
            filter=Q(acknowledged_at__isnull=False) | Q(acknowledge_due_at__lt=now),
        ),
        median_to_acknowledge=Median(
            F("acknowledged_at") - F("received_at"), filter=Q(acknowledged_at__isnull=False)
        ),
        median_to_close=Median(
            F("closed_at") - F("received_at"),
            filter=Q(status=FeedbackItem.Status.CLOSED, closed_at__isnull=False),
        ),
    )
    months = (
        complaints.annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )
    products = (
        complaints.values("product_id", "product__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "product__name")
    )
    return Figures(
        total=totals["total"],
        by_month=months_of(
            {timezone.localdate(row["month"]): row["count"] for row in months}, start, end
        ),
        by_product=[
            {"value": row["product_id"] or "", "label": row["product__name"], "count": row["count"]}
            for row in products
        ],
        by_severity=_groups(
            complaints,
            "severity",
            {**dict(FeedbackItem.Severity.choices), "": _("Not assessed yet")},
        ),
        by_status=_groups(complaints, "status", dict(FeedbackItem.Status.choices)),
        median_to_acknowledge=totals["median_to_acknowledge"],
        median_to_close=totals["median_to_close"],
        overdue=totals["overdue"],
        acknowledged_in_time=totals["acknowledged_in_time"],
        acknowledgement_due=totals["acknowledgement_due"],
    )
