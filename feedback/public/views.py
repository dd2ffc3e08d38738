"""The public feedback pages (to be built by the public-pages work)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse


@login_not_required
def form(request: HttpRequest, token: str = "") -> HttpResponse:
    raise Http404


@login_not_required
def status(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
