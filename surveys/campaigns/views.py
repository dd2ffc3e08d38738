"""Pages of the campaigns register: the invitations list, an invitation's page,
sending one invitation to a contact by hand, and withdrawing one."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.access import permission_required
from core.pages import acting_user, filtered_list, form_page, submit
from customers.models import Contact
from surveys.campaigns import selectors, services
from surveys.campaigns.filters import InvitationFilter
from surveys.campaigns.forms import SENDABLE_SHOWN, SendForm, WithdrawForm, sendable_versions
from surveys.campaigns.models import Invitation, InvitationToken, Progress

INVITATIONS = (gettext_lazy("Survey invitations"), "surveys:invitation_list")


@permission_required("surveys.view_invitation")
def invitation_list(request: HttpRequest) -> HttpResponse:
    """List invitations with filters (constant queries)."""
    return filtered_list(
        request,
        InvitationFilter,
        selectors.invitation_list(),
        "surveys/campaigns/invitation_list.html",
    )


@permission_required("surveys.view_invitation")
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an invitation: whom it went to, what was recorded of them then, each email
    and its link's dates (never the link), the response, and the opt-outs it caused."""
    try:
        # Annotated with its progress (``InvitationQuerySet.with_progress``).
        invitation: Any = selectors.invitation_detail(pk)
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc
    user = acting_user(request)
    return render(
        request,
        "surveys/campaigns/invitation_detail.html",
        {
            "invitation": invitation,
            "response": services.links.response_of(invitation),
            "progress": Progress(invitation.progress),
            "may_withdraw": user.has_perm("surveys.withdraw_invitation")
            and invitation.progress not in (Progress.WITHDRAWN, Progress.ANSWERED),
            "crumbs": [INVITATIONS],
        },
    )


@permission_required("surveys.withdraw_invitation")
@require_http_methods(["GET", "POST"])
def invitation_withdraw_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask why, then withdraw the invitation: its links stop working at once."""
    invitation = get_object_or_404(Invitation, pk=pk)
    form = WithdrawForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.invitation_withdraw(
            invitation=invitation, by=acting_user(request), reason=data["reason"]
        ),
        success=lambda saved: (
            _("%(invitation)s is withdrawn: its links no longer work.") % {"invitation": saved}
        ),
    )
    if done is not None:
        return redirect(done)
    return form_page(
        request,
        form,
        title=_("Withdraw %(invitation)s") % {"invitation": invitation},
        crumbs=[INVITATIONS, (str(invitation), invitation.get_absolute_url())],
        submit=_("Withdraw the invitation"),
    )


def _offer(contact: Contact) -> tuple[str, list[Any], list[tuple[Any, str]]]:
    """Return why nothing can be sent to the contact (or ""), the versions that can be
    sent, and those that cannot with why: the same rules the service applies."""
    refusal = contact.survey_refusal()
    offered: list[Any] = []
    refused: list[tuple[Any, str]] = []
    if refusal:
        return refusal, offered, refused
    for version in sendable_versions()[:SENDABLE_SHOWN]:
        why = services.invitation_refusal(version=version, contact=contact)
        if why:
            refused.append((version, why))
        else:
            offered.append(version)
    if not offered and not refused:
        refusal = _("No questionnaire version is approved yet: approve one, then send it.")
    elif not offered:
        refusal = _(
            "None of the approved versions can be sent to this contact now (see why below)."
        )
    return refusal, offered, refused


def _sent_message(invitation: Invitation) -> str:
    email_id = (
        InvitationToken.objects.filter(invitation=invitation)
        .order_by("created_at", "pk")
        .values_list("email_id", flat=True)
        .first()
    )
    said = _("The survey invitation to %(name)s is queued for sending.") % {
        "name": invitation.contact.name
    }
    if email_id is None:
        return said
    return format_html(
        '{} <a class="alert-link" href="{}">{}</a>',
        said,
        reverse("feedback:communication_email", args=[email_id]),
        _("See the email in the communication log."),
    )


@permission_required("surveys.add_invitation")
@require_http_methods(["GET", "POST"])
def invitation_send_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose an approved version and email the contact an invitation to answer it;
    why it cannot be sent shows before anything is submitted."""
    contact = get_object_or_404(Contact.objects.select_related("customer"), pk=pk)
    refusal, offered, refused = _offer(contact)
    form = SendForm(request.POST or None, offered=offered)
    if not refusal:
        sent = submit(
            request,
            form,
            lambda data: services.invitation_send(
                version=data["version"], contact=contact, by=acting_user(request)
            ),
        )
        if sent is not None:
            messages.success(request, _sent_message(sent))
            return redirect(sent)
    return render(
        request,
        "surveys/campaigns/invitation_send.html",
        {"contact": contact, "form": form, "refusal": refusal, "refused": refused},
        status=400 if request.method == "POST" else 200,
    )
