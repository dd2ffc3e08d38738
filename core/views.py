from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import run_checks
from core.models import Heartbeat


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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the signed-in person what the product holds for them."""
    return render(request, "core/home.html")
