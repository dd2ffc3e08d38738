"""The public feedback pages (under /p/feedback/, no login) and the staff page that
emails a contact their own link to the form."""

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.access import permission_required
from core.pages import acting_user
from core.public import LANGUAGE_PARAM, public_page, render_public
from customers.models import Contact
from feedback.complaints.links import link_can_be_sent, link_find, link_person, link_send
from feedback.complaints.models import Attachment, FeedbackItem, FeedbackLink, reference_of
from feedback.public.forms import HONEYPOT, PublicFeedbackForm, public_kind_name
from feedback.public.services import feedback_submit_public

LIMIT = "public.feedback"
RECEIPT_SALT = "feedback.public.received"
# How long the confirmation page's address shows the reference.
RECEIPT_MAX_AGE = 24 * 60 * 60

Status = FeedbackItem.Status
# The stages a sender sees, in plain words, and the statuses each stands for.
STAGES = [
    ("received", (Status.RECEIVED,)),
    ("acknowledged", (Status.ACKNOWLEDGED,)),
    ("looking", (Status.ASSESSED, Status.INVESTIGATING)),
    ("answered", (Status.RESPONDED,)),
    ("closed", (Status.CLOSED,)),
]


def _link(request: HttpRequest, token: str, purpose: str) -> FeedbackLink | None:
    """Return the usable link the token opens, read once per request."""
    found: dict[str, FeedbackLink | None] = request.__dict__.setdefault("_feedback_links", {})
    if purpose not in found:
        link = link_find(token, purpose=purpose)
        # A link to an erased or void contact, or to a void item, opens nothing.
        subject: Any = None
        if link is not None:
            subject = link.contact if purpose == FeedbackLink.Purpose.FORM else link.item
        if subject is None or getattr(subject, "erased_at", None) or subject.is_voided:
            link = None
        found[purpose] = link
    return found[purpose]


def _contact_language(request: HttpRequest, token: str) -> str | None:
    link = _link(request, token, FeedbackLink.Purpose.FORM)
    return link.contact.language if link and link.contact else None


def _sender_language(request: HttpRequest, token: str) -> str | None:
    link = _link(request, token, FeedbackLink.Purpose.STATUS)
    return link.item.language if link and link.item else None


def _link_gone(request: HttpRequest) -> HttpResponse:
    return render_public(request, "feedback/public/link_gone.html", status=404)


def _reference_html(reference: str) -> SafeString:
    """Return the reference kept on one line (a phone would break it at its hyphen)."""
    return format_html('<span class="text-nowrap">{}</span>', reference)


def _receipt(reference: str, *, emailed: bool, more: str = "") -> str:
    """Sign what the confirmation shows; ``more``: the form the visitor came through,
    when it was their personal one (its address is in their history already)."""
    data: dict[str, Any] = {"r": reference, "e": emailed}
    if more:
        data["m"] = more
    return signing.dumps(data, salt=RECEIPT_SALT)


def _received_url(receipt: str) -> str:
    language = translation.get_language()
    return f"{reverse('feedback_public:received', args=[receipt])}?{LANGUAGE_PARAM}={language}"


# HEAD answers as GET does, without a body (mail scanners and link checkers use it).
@public_page(limit=LIMIT)
@require_http_methods(["GET", "HEAD", "POST"])
def form(request: HttpRequest) -> HttpResponse:
    """The feedback form, for anyone."""
    return _form_page(request, link=None)


@public_page(limit=LIMIT, language=_contact_language)
@require_http_methods(["GET", "HEAD", "POST"])
def form_for(request: HttpRequest, token: str) -> HttpResponse:
    """The feedback form for the contact a form link names."""
    link = _link(request, token, FeedbackLink.Purpose.FORM)
    if link is None:
        return _link_gone(request)
    return _form_page(request, link=link)


def _form_page(request: HttpRequest, *, link: FeedbackLink | None) -> HttpResponse:
    contact = link_person(link) if link else None
    # Through a personal link, "send more feedback" comes back to it.
    more = request.path if link else ""
    if request.method == "POST" and request.POST.get(HONEYPOT):
        # A bot: the same confirmation a person gets, and nothing stored or sent.
        fake = reference_of(secrets.randbelow(900_000) + 1)
        emailed = bool(request.POST.get("email"))
        return redirect(_received_url(_receipt(fake, emailed=emailed, more=more)))
    form = PublicFeedbackForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        identified=contact is not None,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = feedback_submit_public(
                kind=data["kind"],
                description=data["description"],
                subject=data["subject"],
                product=data["product"],
                sender_name=data.get("name", ""),
                sender_email=data.get("email", ""),
                files=data["attachments"],
                language=translation.get_language(),
                link=link,
                submission_key=data["submission_key"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            emailed = item.status == Status.ACKNOWLEDGED
            receipt = _receipt(item.reference, emailed=emailed, more=more)
            return redirect(_received_url(receipt))
    return render_public(
        request,
        "feedback/public/form.html",
        {"form": form, "contact": contact, "honeypot": HONEYPOT},
    )


def _more_url(path: str) -> str:
    """Return where "send more feedback" goes: the given form, else the anonymous one."""
    return (
        f"{path or reverse('feedback_public:form')}?{LANGUAGE_PARAM}={translation.get_language()}"
    )


@public_page(limit=LIMIT)
@require_safe
def received(request: HttpRequest, receipt: str) -> HttpResponse:
    """The confirmation: the reference, and whether an acknowledgement was emailed."""
    try:
        data = signing.loads(receipt, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        return render_public(request, "feedback/public/received_gone.html", status=404)
    return render_public(
        request,
        "feedback/public/received.html",
        {
            "reference": _reference_html(data["r"]),
            "emailed": data["e"],
            "more_url": _more_url(data.get("m", "")),
        },
    )


def stage_of(item: FeedbackItem) -> list[dict[str, Any]]:
    """Return the stages with the item's own marked: done, current or to come."""
    labels = {
        "received": _("Received"),
        "acknowledged": _("Acknowledged"),
        "looking": _("Being looked into"),
        "answered": _("Answered"),
        "closed": _("Closed"),
    }
    current = next(i for i, (_key, statuses) in enumerate(STAGES) if item.status in statuses)
    return [
        {"key": key, "label": labels[key], "done": i < current, "current": i == current}
        for i, (key, _statuses) in enumerate(STAGES)
    ]


@public_page(limit=LIMIT, language=_sender_language)
@require_safe
def status(request: HttpRequest, token: str) -> HttpResponse:
    """How the sender's feedback stands: what they sent, the stage, the decision."""
    link = _link(request, token, FeedbackLink.Purpose.STATUS)
    if link is None or link.item is None:
        return _link_gone(request)
    # The files the sender sent; not those staff attached on the staff side.
    sent = Attachment.objects.filter(uploaded_by__isnull=True)
    item = (
        FeedbackItem.objects.select_related("product")
        .prefetch_related(Prefetch("attachments", queryset=sent, to_attr="files_sent"))
        .get(pk=link.item.pk)
    )
    stages = stage_of(item)
    answered = item.status in (Status.RESPONDED, Status.CLOSED)
    return render_public(
        request,
        "feedback/public/status.html",
        {
            "item": item,
            "stages": stages,
            "stage": next(stage for stage in stages if stage["current"]),
            "decision": item.decision if answered else "",
            "kind": public_kind_name(item),
            "reference": _reference_html(item.reference),
            "more_url": _more_url(_more_path(item, token)),
        },
    )


def _more_path(item: FeedbackItem, token: str) -> str:
    """Return the form for more feedback from this item's contact (through this status
    link, which was emailed to them), or "" when the item names no contact."""
    contact = item.contact
    if contact is None or contact.erased_at or contact.is_voided:
        return ""
    return reverse("feedback_public:form_more", args=[token])


@public_page(limit=LIMIT, language=_sender_language)
@require_http_methods(["GET", "HEAD", "POST"])
def form_more(request: HttpRequest, token: str) -> HttpResponse:
    """The feedback form for the contact of the item a status link shows: the person
    who sent it through their link can send more without being asked who they are."""
    link = _link(request, token, FeedbackLink.Purpose.STATUS)
    if link is None or link.item is None or not _more_path(link.item, token):
        return _link_gone(request)
    return _form_page(request, link=link)


@permission_required("feedback.add_feedbacklink")
@require_http_methods(["GET", "POST"])
def contact_link_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then email a contact the link to the feedback form that knows them."""
    contact = get_object_or_404(Contact.objects.select_related("customer"), pk=pk)
    refusal = link_can_be_sent(contact)
    if request.method == "POST" and refusal is None:
        try:
            link_send(contact=contact, by=acting_user(request))
        except ValidationError as exc:
            refusal = exc.messages[0]
        else:
            messages.success(
                request,
                _("A link to the feedback form was emailed to %(name)s.") % {"name": contact.name},
            )
            return redirect(contact)
    return render(
        request,
        "feedback/public/contact_link_send.html",
        {"contact": contact, "refusal": refusal, "valid_days": settings.FEEDBACK_LINK_VALID_DAYS},
        status=400 if request.method == "POST" else 200,
    )
