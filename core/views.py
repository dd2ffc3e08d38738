from typing import cast

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import run_checks
from core.models import Heartbeat, User
from core.services import user_roles


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database and the broker answer: 200 when both do, else 503."""
    checks = run_checks()
    healthy = all(state == "ok" for state in checks.values())
    body: dict[str, object] = {"status": "ok" if healthy else "down", "checks": checks}
    if checks["database"] == "ok":
        # Informational: a stale heartbeat means beat or the worker has stopped.
        body["heartbeats"] = {
            beat.name: beat.last_seen.isoformat() for beat in Heartbeat.objects.all()
        }
    return JsonResponse(body, status=200 if healthy else 503)


def home(request: HttpRequest) -> HttpResponse:
    """Show the signed-in person their roles and what the product holds for them."""
    # LoginRequiredMiddleware lets only signed-in people this far.
    user = cast(User, request.user)
    return render(request, "core/home.html", {"roles": user_roles(user)})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, its email rendered from our templates with SITE_URL links."""

    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Links are built from SITE_URL, never from the request's Host header.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)
