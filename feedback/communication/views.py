"""Pages of the communication log and plan (7.4, 8.2.1).

The log is one list of what staff recorded and what the system emailed; a logged
email has its own page, and its HTML body is served from a URL of its own under a
sandboxing Content Security Policy. The plan page shows the plan in force, the
draft's changes against it, each version, two versions side by side and the plan in
force on any past date.
"""

import re
from types import SimpleNamespace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.access import permission_required
from core.forms import VoidForm
from core.models import OutboundEmail
from core.pages import (
    act,
    acting_user,
    form_page,
    paginate,
    refuse_if_locked,
    submit,
    wants_list_results,
)
from core.params import positive_int
from core.versions import pick_versions
from feedback.communication import selectors, services
from feedback.communication.forms import (
    ApproveForm,
    CommunicationChangeForm,
    CommunicationForm,
    InForceOnForm,
    LogFilterForm,
    PlanRowForm,
    RescheduleForm,
)
from feedback.communication.models import (
    INTERNAL_AUDIENCES,
    Communication,
    PlanRow,
    caused_by_url,
)

LOG = (gettext_lazy("Communication log"), "feedback:communication_list")
PLAN = (gettext_lazy("Communication plan"), "feedback:plan")
# The stored HTML of an email holds values people typed: it is shown only inside a
# sandbox that runs no script, loads nothing but inline images, and is framed only
# by this site's own pages. Its inline styles apply (as in a mail client: they are the
# email's only styles and run nothing), and a link opens in a new tab outside the
# sandbox, as a link in a mail client does (a survey's page refuses to be framed).
EMAIL_HTML_POLICY = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)
LINKS_OPEN_OUTSIDE = '<base target="_blank">'
HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


# The log -----------------------------------------------------------------------------


@permission_required("feedback.view_communication")
def communication_list(request: HttpRequest) -> HttpResponse:
    """List communications and emails together, newest first, filtered and paged.

    The filters are a plain form (the list is a union of two tables); an htmx request
    from them gets the table alone, with the same queries as the whole page.
    """
    form = LogFilterForm(request.GET or None, purposes=selectors.email_purposes())
    filters = form.filters()
    rows = selectors.log_rows(request.user, filters) if filters else None
    page = paginate(request, rows if rows is not None else [])
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key != "page" and (kept := [value for value in values if value.strip()]):
            query.setlist(key, kept)
    response = render(
        request,
        "feedback/communication/communication_list.html",
        {
            # core/list.html reads the filters' form as ``filter.form``.
            "filter": SimpleNamespace(form=form),
            "page": page,
            "lines": selectors.log_lines(page.object_list),
            "query": query.urlencode(),
            "filters_in_use": len([name for name in form.fields if name in query]),
            "list_layout": "core/partials/list_results.html"
            if wants_list_results(request)
            else "base.html",
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@permission_required("feedback.view_communication")
def communication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        communication = selectors.communication_detail(pk)
    except Communication.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "feedback/communication/communication_detail.html",
        {
            "communication": communication,
            "may_edit": services.may_edit(request.user, communication),  # type: ignore[arg-type]
            "caused_by": communication.caused_by,
            "caused_by_url": caused_by_url(communication.caused_by),
        },
    )


def _caused_by(request: HttpRequest) -> Any:
    """Return the record ``?about=app_label.model:pk`` names, if the person may view it
    and it has a page; None otherwise (the link is left out rather than refused)."""
    about = request.GET.get("about", "")
    label, _sep, pk = about.partition(":")
    app_label, _dot, model = label.partition(".")
    if not (app_label and model and positive_int(pk)):
        return None
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        return None
    model_class = content_type.model_class()
    if model_class is None or not request.user.has_perm(f"{app_label}.view_{model}"):
        return None
    record = model_class._default_manager.filter(pk=pk).first()
    return record if record is not None and caused_by_url(record) else None


@permission_required("feedback.add_communication")
def communication_create(request: HttpRequest) -> HttpResponse:
    """Log a call, meeting, visit...; ``?customer=``, ``?contact=``, ``?plan_row=`` and
    ``?about=app_label.model:pk`` (what caused it) fill the form in."""
    initial: dict[str, Any] = {
        "handled_by": request.user.pk,
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
    }
    for name in ("customer", "contact", "plan_row"):
        if number := positive_int(request.GET.get(name)):
            initial[name] = number
    row = (
        selectors.plan_rows_to_fulfil().filter(pk=initial["plan_row"]).first()
        if "plan_row" in initial
        else None
    )
    if row is not None and row.in_force_as is not None:
        # How the plan says it is communicated, as a start.
        initial["channel"] = row.in_force_as.channel
        if row.in_force_as.audience in INTERNAL_AUDIENCES:
            initial["audience"] = row.in_force_as.audience
    cause = _caused_by(request)
    form = CommunicationForm(request.POST or None, initial=initial, by=request.user)
    saved = submit(
        request,
        form,
        lambda data: services.communication_record(
            communication=form.save(commit=False), by=acting_user(request), caused_by=cause
        ),
        success=lambda saved: _("“%(summary)s” is in the log.") % {"summary": saved.summary},
    )
    if saved is not None:
        return redirect(saved)
    return form_page(
        request,
        form,
        title=_("Log a communication"),
        crumbs=[LOG],
        submit=_("Save to the log"),
    )


def _editable(request: HttpRequest, pk: int) -> Communication:
    communication = get_object_or_404(Communication, pk=pk)
    if not services.may_edit(acting_user(request), communication):
        raise PermissionDenied
    return communication


@permission_required("feedback.change_communication")
def communication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    communication = _editable(request, pk)
    refused = refuse_if_locked(request, communication)
    if refused:
        return refused
    form = CommunicationChangeForm(request.POST or None, instance=communication, by=request.user)
    saved = submit(
        request,
        form,
        lambda data: services.communication_change(
            communication=form.save(commit=False), by=acting_user(request), reason=data["reason"]
        ),
        success=lambda saved: _("“%(summary)s” saved.") % {"summary": saved.summary},
    )
    if saved is not None:
        return redirect(saved)
    return form_page(
        request,
        form,
        title=_("Change a logged communication"),
        crumbs=[LOG, (communication.summary, communication.get_absolute_url())],
        submit=_("Save"),
    )


@permission_required("feedback.change_communication")
def communication_void_page(request: HttpRequest, pk: int) -> HttpResponse:
    communication = _editable(request, pk)
    form = VoidForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.communication_void(
            communication=communication, by=acting_user(request), reason=data["reason"]
        ),
        success=lambda voided: _("“%(name)s” is voided.") % {"name": voided},
    )
    if done is not None:
        return redirect(communication)
    return render(
        request,
        "core/void.html",
        {
            "form": form,
            "record": communication,
            "crumbs": [LOG, (communication.summary, communication.get_absolute_url())],
            "back": communication.get_absolute_url(),
        },
    )


# Logged emails ---------------------------------------------------------------------------


def _email(request: HttpRequest, pk: int) -> OutboundEmail:
    """Return the email, or 404 unless the person reads it (``selectors.emails_for``)."""
    email = selectors.emails_for(request.user).select_related("created_by").filter(pk=pk).first()
    if email is None:
        raise Http404
    return email


@permission_required("feedback.view_communication")
def communication_email(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a logged email: to whom, why, its state and dates, and, for those who may
    read it, its text (links clickable) and its HTML as sent."""
    email = _email(request, pk)
    response = render(
        request,
        "feedback/communication/email_detail.html",
        {
            "email": email,
            "contact": selectors.email_contact(email),
            "purpose": selectors.purpose_label(email.purpose),
            "language": selectors.language_label(email.language),
            "queued_by": selectors.queued_by(email),
            "caused_by": email.related,
            "caused_by_url": caused_by_url(email.related),
        },
    )
    # Bodies may hold one-time links: no cache keeps them.
    add_never_cache_headers(response)
    return response


@xframe_options_sameorigin
@permission_required("feedback.view_communication")
def communication_email_html(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a logged email's HTML body as sent, sandboxed (no script, nothing loaded)."""
    email = _email(request, pk)
    if not email.body_html:
        raise Http404
    body = email.body_html
    head = HEAD.search(body)
    if head is not None:
        body = body[: head.end()] + LINKS_OPEN_OUTSIDE + body[head.end() :]
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = EMAIL_HTML_POLICY
    add_never_cache_headers(response)
    return response


# The plan ----------------------------------------------------------------------------------


@permission_required("feedback.view_planrow")
def plan(request: HttpRequest) -> HttpResponse:
    """Show the plan in force, the draft's changes, the versions and two side by side,
    one version (``?version=``) and the plan in force on a date (``?on=``)."""
    versions = selectors.plan_versions()
    old, new = pick_versions(versions, request.GET.get("a"), request.GET.get("b"))
    on_form = InForceOnForm(request.GET if "on" in request.GET else None)
    on_date = on_form.cleaned_data["on"] if on_form.is_bound and on_form.is_valid() else None
    on_version = selectors.version_in_force(on_date) if on_date else None
    shown = next(
        (v for v in versions if v.number == positive_int(request.GET.get("version"))), None
    )
    in_force = list(selectors.plan_rows_in_force())
    return render(
        request,
        "feedback/communication/plan.html",
        {
            "versions": versions,
            "current": versions[0] if versions else None,
            "in_force": in_force,
            "overdue_count": sum(1 for row in in_force if row.is_overdue),
            "changes": selectors.draft_changes(),
            "old": old,
            "new": new,
            "comparison": selectors.compare_versions(old, new) if new and old != new else [],
            "on_form": on_form,
            "on_date": on_date,
            "on_version": on_version,
            "on_rows": selectors.version_rows_on(on_version, on_date) if on_date else [],
            "shown": shown,
            "shown_rows": selectors.version_rows(shown),
        },
    )


@permission_required("feedback.view_planrow")
def plan_row_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.plan_row_detail(pk)
    except PlanRow.DoesNotExist as exc:
        raise Http404 from exc
    fulfilled = paginate(request, selectors.fulfilments(row))
    changes = selectors.draft_changes([row])
    return render(
        request,
        "feedback/communication/plan_row_detail.html",
        {
            "row": row,
            # The title and the fields show one version: the one in force, else the draft.
            "shown": row.in_force_as or row,
            "fulfilled": fulfilled,
            "changes": changes,
        },
    )


def _row_form(request: HttpRequest, row: PlanRow) -> HttpResponse:
    creating = row.pk is None
    form = PlanRowForm(request.POST or None, instance=row)
    saved = submit(
        request,
        form,
        lambda data: services.plan_row_save(row=form.save(commit=False), by=acting_user(request)),
        success=lambda saved: (
            _("“%(row)s” saved in the draft: it is in force once a version is approved.")
            % {"row": saved}
        ),
    )
    if saved is not None:
        return redirect(saved)
    crumbs: list[Any] = [PLAN]
    if not creating:
        crumbs.append((row.subject, row.get_absolute_url()))
    return form_page(
        request,
        form,
        title=_("New planned communication") if creating else _("Change a planned communication"),
        crumbs=crumbs,
        submit=_("Save in the draft"),
    )


@permission_required("feedback.add_planrow")
def plan_row_create(request: HttpRequest) -> HttpResponse:
    return _row_form(request, PlanRow())


@permission_required("feedback.change_planrow")
def plan_row_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(PlanRow, pk=pk)
    return refuse_if_locked(request, row) or _row_form(request, row)


@permission_required("feedback.change_planrow")
def plan_row_reschedule_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a row's next due date by hand, with the reason (no approval: it is the
    schedule, not the plan's text)."""
    row = get_object_or_404(PlanRow.objects.select_related("in_force_as"), pk=pk)
    refused = refuse_if_locked(request, row)
    if refused:
        return refused
    form = RescheduleForm(request.POST or None, initial={"next_due": row.next_due})
    saved = submit(
        request,
        form,
        lambda data: services.plan_row_reschedule(
            row=row, by=acting_user(request), next_due=data["next_due"], reason=data["reason"]
        ),
        success=lambda saved: (
            _("“%(row)s” is next due on %(date)s.")
            % {"row": saved.in_force_as or saved, "date": saved.next_due.isoformat()}
        ),
    )
    if saved is not None:
        return redirect(saved)
    subject = row.in_force_as.subject if row.in_force_as else row.subject
    return form_page(
        request,
        form,
        title=_("Reschedule “%(row)s”") % {"row": subject},
        crumbs=[PLAN, (subject, row.get_absolute_url())],
        submit=_("Reschedule"),
    )


@permission_required("feedback.change_planrow")
@require_POST
def plan_row_withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a row in the draft (``withdraw=1``) or keep it after all (``withdraw=0``)."""
    row = get_object_or_404(PlanRow, pk=pk)
    withdraw = request.POST.get("withdraw") != "0"
    done = act(
        request,
        lambda: services.plan_row_withdraw(row=row, by=acting_user(request), withdrawn=withdraw),
        success=lambda saved: (
            _("“%(row)s” is removed in the draft.") % {"row": saved}
            if withdraw
            else _("“%(row)s” stays in the draft.") % {"row": saved}
        ),
    )
    if done is not None and done.is_voided:
        return redirect("feedback:plan")
    return redirect(row)


@permission_required("feedback.approve_planversion")
def plan_approve_page(request: HttpRequest) -> HttpResponse:
    """Show the draft's changes and approve them as a new version."""
    form = ApproveForm(request.POST or None)
    version = submit(
        request,
        form,
        lambda data: services.plan_approve(
            by=acting_user(request), change_summary=data["change_summary"]
        ),
        success=lambda version: (
            _("Version %(number)s of the plan is approved and in force.")
            % {"number": version.number}
        ),
    )
    if version is not None:
        return redirect(reverse("feedback:plan"))
    return render(
        request,
        "feedback/communication/plan_approve.html",
        {"form": form, "changes": selectors.draft_changes(), "crumbs": [PLAN]},
    )


# Home panel -------------------------------------------------------------------------------


def home_panel(request: HttpRequest) -> dict[str, Any]:
    """Return the overdue rows of the plan for the home page, in one query: every one
    for those who manage the plan (it has tens of rows), else the person's own."""
    if request.user.has_perm("feedback.change_planrow"):
        return {"overdue": selectors.overdue_rows(), "own": False}
    return {"overdue": selectors.overdue_rows(responsible=request.user.pk), "own": True}
