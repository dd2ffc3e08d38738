import re
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied
from django.forms import Form
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import throttle
from core.auth import (
    PASSWORD_RESET_PAUSED_FOR_CLIENT,
    RESET_REQUESTS_PER_ADDRESS,
    RESET_REQUESTS_PER_CLIENT,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    client_key,
)
from core.broker import ring
from core.choosers import chosen_text, suggestions
from core.files import PrivateFileField
from core.forms import SearchForm
from core.health import run_checks
from core.models import Heartbeat, User
from core.registries import choosers, home_panels_for, search_for, search_providers_for
from core.roles import ROLE_DESCRIPTIONS
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
    """Show the signed-in person their roles and the panels open to them."""
    # LoginRequiredMiddleware lets only signed-in people this far.
    user = cast(User, request.user)
    panels = [
        {
            "key": panel.key,
            "title": panel.title,
            "html": render_to_string(panel.template, panel.context(request), request=request),
        }
        for panel in home_panels_for(user)
    ]
    roles = [(role, ROLE_DESCRIPTIONS[role]) for role in user_roles(user)]
    return render(request, "core/home.html", {"roles": roles, "panels": panels})


def search(request: HttpRequest) -> HttpResponse:
    """Find records of every kind the person may view, grouped by kind (the header search).

    Any signed-in person may search; each kind's results need that kind's view
    permission, so a person sees only what they could open.
    """
    form = SearchForm(request.GET)
    groups = search_for(request.user, form.cleaned_data["q"]) if form.is_valid() else []
    return render(
        request,
        "core/search.html",
        {
            "form": form,
            "text": request.GET.get("q", "").strip(),
            "found": [group for group in groups if group.total],
            "not_found": [group for group in groups if not group.total],
            "total": sum(group.total for group in groups),
            "kinds": [provider.label for provider in search_providers_for(request.user)],
        },
    )


@require_GET
def choose(request: HttpRequest, key: str) -> HttpResponse:
    """Suggest the records of one kind that the text typed in a chooser finds.

    Each kind needs its own view permission; the field that asks is named in
    ``field`` (htmx sends the text under the field's name), the suggestion list's id
    in ``list`` (the options' ids start with it).
    """
    if key not in choosers:
        raise Http404
    source = choosers[key]
    if source.permission and not request.user.has_perm(source.permission):
        raise PermissionDenied
    text = request.GET.get(request.GET.get("field") or "q", "").strip()[:200]
    list_id = request.GET.get("list", "")
    if not LIST_ID.fullmatch(list_id):
        list_id = "chooser-options"
    options = [
        {
            "id": f"{list_id}-{n}",
            "pk": record.pk,
            "value": chosen_text(source, record),
            "title": source.title(record),
            "summary": source.summary(record),
        }
        for n, record in enumerate(suggestions(source, text))
    ]
    context = {"options": options, "text": text, "source": source, "list_id": list_id}
    return render(request, "core/partials/chooser_options.html", context)


LIST_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,99}", re.ASCII)


class ThrottledStatus:
    """Answer 429 Too Many Requests when a form is refused for a rate limit."""

    throttled_field: str = NON_FIELD_ERRORS

    def form_invalid(self, form: Form) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        if form.has_error(self.throttled_field, code="throttled"):
            response.status_code = 429
        return response


class LoginView(ThrottledStatus, auth_views.LoginView):
    """Django's login page, refusing a client past its limit of failures (core.auth)."""

    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(ThrottledStatus, auth_views.PasswordChangeView):
    """Django's password change page; wrong old passwords count as failed logins."""

    form_class = PasswordChangeForm
    throttled_field = "old_password"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, doing the same work whatever the address.

    It checks the form and rings a task with the address; the worker looks the
    address up and sends the email, so the time the page takes does not tell whether
    the address has an account. Requests are limited per client address (past it the
    page says when to try again, which tells nothing about any account) and per email
    address (past it the page answers as on success and sends nothing: the answer
    never reveals an account, and nobody can flood one person's mailbox).
    """

    form_class = PasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        verdict = throttle.hit(RESET_REQUESTS_PER_CLIENT, client_key(request))
        if not verdict.allowed:
            form = self.get_form()
            form.add_error(None, PASSWORD_RESET_PAUSED_FOR_CLIENT % {"minutes": verdict.minutes})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Form) -> HttpResponse:
        address = form.cleaned_data["email"]
        if throttle.hit(RESET_REQUESTS_PER_ADDRESS, address.lower()).allowed:
            ring("core.tasks.send_password_reset", address, translation.get_language())
        return HttpResponseRedirect(self.get_success_url())


def private_file(
    request: HttpRequest, app_label: str, model_name: str, pk: int, field_name: str
) -> FileResponse:
    """Send a private file as a download to a reader allowed to view its record."""
    try:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist) as exc:
        raise Http404 from exc
    if not isinstance(field, PrivateFileField):
        raise Http404
    if not request.user.has_perm(f"{app_label}.view_{model_name}"):
        raise PermissionDenied
    record = get_object_or_404(model._base_manager, pk=pk)
    stored = getattr(record, field_name)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name, content_type = Path(stored.name).name, None
    # A record may say what the file is called and what it holds (an attachment keeps
    # the sender's file name and the type its content was checked to be).
    download = getattr(record, "download", None)
    if callable(download):
        name, content_type = download(field_name)
    response = FileResponse(handle, as_attachment=True, filename=safe_filename(name))
    if content_type and CONTENT_TYPE.fullmatch(content_type):
        response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# A plain media type ("image/png"): nothing a header could be smuggled in with.
CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*", re.ASCII)


def safe_filename(name: str) -> str:
    """Return a download name without a path, control characters or quotes; Django
    writes it as RFC 6266 asks (``filename*`` for a name that is not ASCII)."""
    name = Path(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"\\')
    return name.strip(" .")[:200] or "download"
