"""Pages of the feedback register (8.2.1): the list, an item's page, recording and
editing, one small page per step of the complaint workflow, and the figures.

Each step's page validates its form and calls its service, which refuses a move the
workflow forbids or a person who may not handle the item; the item's page offers
only the steps the reader may take now (``steps_for``).

Kept in one module past 500 lines: most of it is one thin view per workflow step,
each the same few lines around its service.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from core.access import permission_required
from core.files import private_file_url
from core.forms import VoidForm
from core.pages import acting_user, filtered_list, submit
from core.params import positive_int
from feedback.complaints import forms as step_forms
from feedback.complaints import metrics, selectors, services
from feedback.complaints.filters import FeedbackFilter, Period
from feedback.complaints.models import FeedbackItem

FEEDBACK = (gettext_lazy("Feedback"), "feedback:item_list")
Status = FeedbackItem.Status


@permission_required("feedback.view_feedbackitem")
def item_list(request: HttpRequest) -> HttpResponse:
    """List feedback items with filters (constant queries)."""
    return filtered_list(
        request,
        FeedbackFilter,
        selectors.feedback_list().order_by("-received_at", "-pk"),
        "feedback/complaints/item_list.html",
    )


# What the reader may do now -----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    primary: bool = False


def steps_for(item: FeedbackItem, user: Any) -> list[Step]:
    """Return the steps of the workflow the user may take on the item now: the same
    conditions as the services', so no button is offered that would be refused."""
    if item.is_voided or not item.handled_by(user):
        return []

    def may(step: str) -> bool:
        return not item.step_refusal(step)

    steps = []
    if may("acknowledge"):
        steps.append(Step("acknowledge", _("Record the acknowledgement"), primary=True))
    if may("assess") and item.status == Status.ACKNOWLEDGED:
        steps.append(Step("assess", _("Assess"), primary=True))
    if may("investigate"):
        label = (
            _("Investigate again") if item.status == Status.RESPONDED else _("Start investigation")
        )
        steps.append(Step("investigate", label, primary=item.status == Status.ASSESSED))
    if may("respond"):
        steps.append(Step("respond", _("Respond with the decision"), primary=True))
    if may("reply"):
        steps.append(Step("reply", _("Record the customer's reply"), primary=True))
    if may("close"):
        steps.append(Step("close", _("Close"), primary=True))
    if may("assess") and item.status != Status.ACKNOWLEDGED:
        steps.append(Step("assess", _("Revise the assessment")))
    if may("reopen"):
        steps.append(Step("reopen", _("Reopen")))
    if may("convert") and not _turned(item):
        steps.append(Step("convert", _("Turn into a complaint")))
    return steps


def _turned(item: FeedbackItem) -> FeedbackItem | None:
    return next((made for made in item.turned_into.all() if not made.is_voided), None)


@permission_required("feedback.view_feedbackitem")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an item: what was said, its handling step by step, attachments, where it
    came from or what it became, its history, and the steps the reader may take."""
    try:
        item = selectors.feedback_detail(pk)
    except FeedbackItem.DoesNotExist as exc:
        raise Http404 from exc
    user = acting_user(request)
    handled = item.handled_by(user) and not item.is_voided
    return render(
        request,
        "feedback/complaints/item_detail.html",
        {
            "item": item,
            "steps": steps_for(item, user),
            "handled": handled,
            "editable": handled and not item.is_locked,
            "may_assign": not item.is_locked and user.has_perm("feedback.handle_any_feedbackitem"),
            "may_void": handled and user.has_perm("feedback.handle_any_feedbackitem"),
            "turned_into": _turned(item),
            "closing_refusal": item.closing_refusal() if handled else "",
            "attachments": _attachment_links(item),
            "source_attachments": _attachment_links(item.source_item) if item.source_item else [],
        },
    )


def _attachment_links(item: FeedbackItem) -> list[tuple[Any, str]]:
    return [
        (attachment, private_file_url(attachment, "file") if attachment.file else "")
        for attachment in item.attachments.all()
    ]


@permission_required("feedback.add_feedbackitem")
def item_create(request: HttpRequest) -> HttpResponse:
    """Record feedback taken by phone, email, letter or in person."""
    user = acting_user(request)
    initial: dict[str, Any] = {"received_at": None, "channel": FeedbackItem.Channel.PHONE}
    for name in ("customer", "contact"):
        if number := positive_int(request.GET.get(name)):
            initial[name] = number
    form = step_forms.RecordForm(
        request.POST or None, request.FILES or None, initial=initial, user=user
    )
    form.fields["received_at"].required = False
    form.fields["received_at"].help_text = _("Empty: now.")
    saved = submit(
        request,
        form,
        lambda data: services.feedback_record(by=user, **_record_fields(data)),
        success=_recorded,
    )
    if saved is not None:
        return redirect(saved)
    return _page(
        request, form, title=_("Record feedback"), crumbs=[FEEDBACK], submit_label=_("Record")
    )


def _record_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {name: data.get(name) for name in ("customer", "contact", "product", "owner")}
    fields.update(
        {
            name: data.get(name) or ""
            for name in ("sender_name", "sender_email", "subject", "description", "language")
        }
    )
    fields.update(
        kind=data["kind"],
        channel=data["channel"],
        received_at=data.get("received_at"),
        files=data.get("attachments") or [],
    )
    return fields


def _recorded(item: FeedbackItem) -> str:
    if item.status == Status.ACKNOWLEDGED:
        return _("%(item)s recorded; the acknowledgement is emailed to the sender.") % {
            "item": item.reference
        }
    return _("%(item)s recorded. No address is known: record how the sender was acknowledged.") % {
        "item": item.reference
    }


def _page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    crumbs: list[Any],
    submit_label: str,
    item: FeedbackItem | None = None,
    note: str = "",
) -> HttpResponse:
    return render(
        request,
        "feedback/complaints/step_form.html",
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "submit": submit_label,
            "item": item,
            "note": note,
        },
    )


def _item_crumbs(item: FeedbackItem) -> list[Any]:
    return [FEEDBACK, (item.reference, item.get_absolute_url())]


def _refuse_unless_handled(
    request: HttpRequest, item: FeedbackItem, *, editing: bool = False
) -> HttpResponse | None:
    """Send the reader back to the item, saying why, when they may not take the step."""
    user = acting_user(request)
    if item.is_voided:
        messages.error(request, _("This feedback item is voided."))
    elif not item.handled_by(user):
        messages.error(
            request,
            _("%(item)s belongs to %(owner)s: only its owner or a quality manager may handle it.")
            % {"item": item.reference, "owner": item.owner or _("nobody yet")},
        )
    elif editing and item.is_locked:
        messages.error(
            request, _("This feedback item is closed and locked against edits: reopen it first.")
        )
    else:
        return None
    return redirect(item)


@permission_required("feedback.change_feedbackitem")
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit what an open item says and who sent it."""
    item = get_object_or_404(FeedbackItem, pk=pk)
    if refused := _refuse_unless_handled(request, item, editing=True):
        return refused
    form = step_forms.EditForm(request.POST or None, instance=item)
    saved = submit(
        request,
        form,
        lambda data: services.feedback_edit(item=form.instance, by=acting_user(request)),
        success=lambda saved: _("%(item)s saved.") % {"item": saved.reference},
    )
    if saved is not None:
        return redirect(saved)
    return _page(
        request,
        form,
        title=_("Edit %(item)s") % {"item": item.reference},
        crumbs=_item_crumbs(item),
        submit_label=_("Save"),
        item=item,
    )


@permission_required("feedback.add_attachment", "feedback.change_feedbackitem")
def item_attach(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(FeedbackItem, pk=pk)
    if refused := _refuse_unless_handled(request, item, editing=True):
        return refused
    form = step_forms.AttachForm(request.POST or None, request.FILES or None)
    saved = submit(
        request,
        form,
        lambda data: services.feedback_attach(
            item=item, by=acting_user(request), files=data["attachments"]
        ),
        success=lambda saved: _("The files are attached."),
    )
    if saved is not None:
        return redirect(item)
    return _page(
        request,
        form,
        title=_("Attach files to %(item)s") % {"item": item.reference},
        crumbs=_item_crumbs(item),
        submit_label=_("Attach"),
        item=item,
    )


@permission_required("feedback.handle_any_feedbackitem")
def item_void(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(FeedbackItem, pk=pk)
    if refused := _refuse_unless_handled(request, item):
        return refused
    form = VoidForm(request.POST or None)
    saved = submit(
        request,
        form,
        lambda data: services.feedback_void(
            item=item, by=acting_user(request), reason=data["reason"]
        ),
        success=lambda saved: _("%(item)s is voided.") % {"item": item.reference},
    )
    if saved is not None:
        return redirect(item)
    return render(
        request,
        "core/void.html",
        {
            "form": form,
            "record": item,
            "crumbs": _item_crumbs(item),
            "back": item.get_absolute_url(),
        },
    )


# The steps of the workflow --------------------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    title: Any
    submit: Any
    form: Callable[..., forms.Form]
    call: Callable[[FeedbackItem, Any, dict[str, Any]], FeedbackItem]
    done: Any
    initial: Callable[[FeedbackItem], dict[str, Any]] = lambda item: {}
    note: Callable[[FeedbackItem], str] = lambda item: ""


def _assess_initial(item: FeedbackItem) -> dict[str, Any]:
    return {
        "severity": item.severity,
        "remedy_sought": item.remedy_sought,
        "justified": item.justified,
        "reveals_nonconformity": item.reveals_nonconformity,
        "assessment": item.assessment,
    }


def _no_address(item: FeedbackItem) -> str:
    if item.address:
        return str(
            _("Emailed to the sender, %(address)s, in %(language)s.")
            % {
                "address": item.address,
                "language": get_language_info(item.language)["name_translated"],
            }
        )
    return str(
        _(
            "No email address is known: tell the sender the decision another way, then "
            "record it here."
        )
    )


STEPS = {
    "acknowledge": StepPage(
        title=gettext_lazy("Record the acknowledgement of %(item)s"),
        submit=gettext_lazy("Record"),
        form=lambda item, *args: step_forms.AcknowledgeForm(*args),
        call=lambda item, by, data: services.feedback_acknowledge(
            item=item, by=by, how=data["how"], at=data["at"]
        ),
        done=gettext_lazy("%(item)s is acknowledged."),
    ),
    "assess": StepPage(
        title=gettext_lazy("Assess %(item)s"),
        submit=gettext_lazy("Save the assessment"),
        form=lambda item, *args: step_forms.AssessForm(*args, initial=_assess_initial(item)),
        call=lambda item, by, data: services.feedback_assess(item=item, by=by, **data),
        done=gettext_lazy("%(item)s is assessed; its close-by date follows its severity."),
    ),
    "investigate": StepPage(
        title=gettext_lazy("Investigate %(item)s"),
        submit=gettext_lazy("Start the investigation"),
        form=lambda item, *args: step_forms.InvestigateForm(
            *args, initial={"notes": item.investigation}
        ),
        call=lambda item, by, data: services.feedback_investigate(
            item=item, by=by, notes=data["notes"]
        ),
        done=gettext_lazy("%(item)s is under investigation."),
    ),
    "respond": StepPage(
        title=gettext_lazy("Respond to %(item)s"),
        submit=gettext_lazy("Record and send the decision"),
        form=lambda item, *args: step_forms.RespondForm(*args, initial={"decision": item.decision}),
        call=lambda item, by, data: services.feedback_respond(
            item=item, by=by, decision=data["decision"], at=data["at"]
        ),
        done=gettext_lazy("The decision on %(item)s is recorded."),
        note=_no_address,
    ),
    "reply": StepPage(
        title=gettext_lazy("The customer's reply to the decision on %(item)s"),
        submit=gettext_lazy("Record the reply"),
        form=lambda item, *args: step_forms.ReplyForm(
            *args,
            initial={
                "accepted": {"accepted": "true", "not_accepted": "false"}.get(item.acceptance),
                "recourse": item.recourse,
                "recourse_outcome": item.recourse_outcome,
            },
        ),
        call=lambda item, by, data: services.feedback_record_reply(item=item, by=by, **data),
        done=gettext_lazy("The customer's reply to %(item)s is recorded."),
    ),
    "close": StepPage(
        title=gettext_lazy("Close %(item)s"),
        submit=gettext_lazy("Close"),
        form=lambda item, *args: step_forms.CloseForm(*args, complaint=item.is_complaint),
        call=lambda item, by, data: services.feedback_close(
            item=item, by=by, resolution=data["resolution"], at=data["at"]
        ),
        done=gettext_lazy("%(item)s is closed."),
    ),
    "reopen": StepPage(
        title=gettext_lazy("Reopen %(item)s"),
        submit=gettext_lazy("Reopen"),
        form=lambda item, *args: step_forms.ReasonForm(*args),
        call=lambda item, by, data: services.feedback_reopen(
            item=item, by=by, reason=data["reason"]
        ),
        done=gettext_lazy("%(item)s is reopened."),
    ),
    "convert": StepPage(
        title=gettext_lazy("Turn %(item)s into a complaint"),
        submit=gettext_lazy("Turn into a complaint"),
        form=lambda item, *args: step_forms.ConvertForm(*args),
        call=lambda item, by, data: services.feedback_convert(
            item=item, by=by, reason=data["reason"]
        ),
        done=gettext_lazy(
            "Complaint %(item)s is made from it; the feedback it came from is closed."
        ),
        note=lambda item: str(
            _(
                "A new complaint is made with the same sender and text, linked to %(item)s, "
                "which closes."
            )
            % {"item": item.reference}
        ),
    ),
}


@permission_required("feedback.change_feedbackitem")
def item_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Take one step of an item's workflow through its form."""
    page = STEPS.get(step)
    if page is None:
        raise Http404
    item = get_object_or_404(
        FeedbackItem.objects.select_related("contact", "customer", "owner"), pk=pk
    )
    if refused := _refuse_unless_handled(request, item):
        return refused
    if refusal := item.step_refusal(step):
        messages.error(request, refusal)
        return redirect(item)
    form = page.form(item, request.POST or None)
    saved = submit(
        request,
        form,
        lambda data: page.call(item, acting_user(request), data),
        success=lambda saved: str(page.done) % {"item": saved.reference},
    )
    if saved is not None:
        return redirect(saved)
    return _page(
        request,
        form,
        title=str(page.title) % {"item": item.reference},
        crumbs=_item_crumbs(item),
        submit_label=str(page.submit),
        item=item,
        note=page.note(item),
    )


@permission_required("feedback.handle_any_feedbackitem")
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give an item to someone who handles feedback (quality managers)."""
    item = get_object_or_404(FeedbackItem, pk=pk)
    form = step_forms.AssignForm(request.POST or None, initial={"owner": item.owner_id})
    saved = submit(
        request,
        form,
        lambda data: services.feedback_assign(
            item=item, by=acting_user(request), owner=data["owner"]
        ),
        success=lambda saved: (
            _("%(item)s is assigned to %(owner)s.")
            % {"item": saved.reference, "owner": saved.owner}
        ),
    )
    if saved is not None:
        return redirect(saved)
    return _page(
        request,
        form,
        title=_("Assign %(item)s") % {"item": item.reference},
        crumbs=_item_crumbs(item),
        submit_label=_("Assign"),
        item=item,
    )


# Figures ------------------------------------------------------------------------------


@permission_required("feedback.view_feedbackitem")
def figures(request: HttpRequest) -> HttpResponse:
    """Complaint figures for a period: counts by month, product, severity and status,
    median times, overdue, acknowledged within target. Each count links to the list
    filtered the same way."""
    period = Period(request.GET, queryset=FeedbackItem.objects.complaints(), request=request)
    shown = period.qs
    chosen = period.form.cleaned_data if period.form.is_valid() else {}
    query = {
        key: str(value) for key, value in request.GET.items() if key in period.form.fields and value
    }
    list_url = reverse("feedback:item_list")

    def link(**more: Any) -> str:
        # The period's own filters, with a figure's narrower ones in their place.
        return f"{list_url}?{urlencode({'kind': 'complaint', **query, **more})}"

    figures = metrics.complaint_figures(
        shown, start=chosen.get("date_from"), end=chosen.get("date_to")
    )
    for row in figures.by_month:
        row["url"] = link(date_from=row["date_from"], date_to=row["date_to"])
    for row in figures.by_product:
        row["url"] = link(product=row["value"]) if row["value"] else ""
    for row in figures.by_severity:
        row["url"] = link(severity=row["value"] or FeedbackFilter.NOT_ASSESSED)
    for row in figures.by_status:
        row["url"] = link(status=row["value"])
    return render(
        request,
        "feedback/complaints/figures.html",
        {
            "filter": period,
            "figures": figures,
            "list_query": urlencode({"kind": "complaint", **query}),
            "list_url": list_url,
        },
    )


def home_panel(request: HttpRequest) -> dict[str, Any]:
    """Return what the home page's feedback panel shows the signed-in person."""
    user = acting_user(request)
    mine, total = selectors.mine_to_handle(user)
    context: dict[str, Any] = {"mine": mine, "mine_total": total}
    if user.has_perm("feedback.handle_any_feedbackitem"):
        context["counts"] = selectors.complaint_counts()
    return context
