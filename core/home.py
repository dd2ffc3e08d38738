"""Core's own home-page panels; higher apps add theirs to the same registry."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboundEmail
from core.registries import HomePanel, home_panels, nav_items_for


def _sections(request: HttpRequest) -> dict[str, Any]:
    return {"sections": [item for item in nav_items_for(request.user) if item.description]}


def _email_delivery(request: HttpRequest) -> dict[str, Any]:
    since = timezone.now() - timedelta(days=7)
    State = OutboundEmail.State
    return OutboundEmail.objects.aggregate(
        waiting=Count("pk", filter=Q(state__in=[State.QUEUED, State.SENDING])),
        sent=Count("pk", filter=Q(state=State.SENT, sent_at__gte=since)),
        failed=Count(
            "pk", filter=Q(state__in=[State.FAILED, State.BOUNCED], created_at__gte=since)
        ),
    )


def register() -> None:
    home_panels.register(
        HomePanel(
            key="core.sections",
            title=_("What you can open"),
            template="core/panels/sections.html",
            order=10,
            context=_sections,
        )
    )
    home_panels.register(
        HomePanel(
            key="core.email_delivery",
            title=_("Email delivery, last 7 days"),
            template="core/panels/email_delivery.html",
            permission="core.view_outboundemail",
            order=90,
            context=_email_delivery,
        )
    )
    home_panels.register(
        HomePanel(
            key="core.account",
            title=_("Your account"),
            template="core/panels/account.html",
            order=100,
        )
    )
