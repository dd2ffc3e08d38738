"""Pages of the needs, requirements and commitments registers (4.2, 8.2).

One short view per page, over ``core.pages``, in the order of the menu: needs,
requirements, commitments, changes. The module is long because the register has four
lists with their detail, form and button pages; they share breadcrumbs and forms,
so they stay together.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import permission_required
from core.pages import (
    act,
    acting_user,
    filtered_download,
    filtered_list,
    form_page,
    refuse_if_locked,
    submit,
    void_page,
)
from core.params import positive_int
from core.versions import pick_versions
from customers.models import (
    Change,
    Commitment,
    CommitmentVersion,
    Customer,
    Need,
    Requirement,
    RequirementVersion,
)
from customers.requirements import exports, selectors, services
from customers.requirements.filters import (
    ChangeFilter,
    CommitmentFilter,
    NeedFilter,
    RequirementFilter,
    ReviewFilter,
)
from customers.requirements.forms import (
    CommitmentChangeForm,
    CommitmentForm,
    CustomerChoiceForm,
    NeedForm,
    RecheckForm,
    RequirementChangeForm,
    RequirementForm,
    RequirementStatusForm,
    ReviewForm,
)

NEEDS = (gettext_lazy("Needs"), "customers:need_list")
REQUIREMENTS = (gettext_lazy("Requirements"), "customers:requirement_list")
COMMITMENTS = (gettext_lazy("Commitments"), "customers:commitment_list")
# The button that moves a requirement to each status.
MOVES = {
    Requirement.Status.UNDER_REVIEW: gettext_lazy("Submit for review"),
    Requirement.Status.ACCEPTED: gettext_lazy("Accept"),
    Requirement.Status.REJECTED: gettext_lazy("Reject"),
    Requirement.Status.DRAFT: gettext_lazy("Back to draft"),
    Requirement.Status.SUPERSEDED: gettext_lazy("Mark superseded"),
}


# Needs ------------------------------------------------------------------------------


@permission_required("customers.view_need")
def need_list(request: HttpRequest) -> HttpResponse:
    """List needs and expectations with filters (constant queries)."""
    return filtered_list(
        request,
        NeedFilter,
        selectors.need_list().order_by("-created_at"),
        "customers/requirements/need_list.html",
    )


@permission_required("customers.view_need")
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        need = selectors.need_detail(pk)
    except Need.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "customers/requirements/need_detail.html", {"need": need})


def _need_form(request: HttpRequest, need: Need) -> HttpResponse:
    creating = need.pk is None
    initial = {}
    if creating and (customer := positive_int(request.GET.get("customer"))):
        initial["customer"] = customer
    form = NeedForm(request.POST or None, instance=need, initial=initial)
    saved = submit(
        request,
        form,
        lambda data: services.need_save(
            need=form.save(commit=False),
            by=acting_user(request),
            status=data["status"],
            requirements=data["requirements"],
        ),
        success=lambda saved: _("Need “%(title)s” saved.") % {"title": saved.title},
    )
    if saved is not None:
        return redirect(saved)
    crumbs: list[Any] = [NEEDS]
    if not creating:
        crumbs.append((need.title, need.get_absolute_url()))
    return form_page(
        request,
        form,
        title=_("New need") if creating else _("Edit need"),
        crumbs=crumbs,
        submit=_("Save need"),
    )


@permission_required("customers.add_need")
def need_create(request: HttpRequest) -> HttpResponse:
    return _need_form(request, Need())


@permission_required("customers.change_need")
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(Need, pk=pk)
    if need.is_voided:  # a closed need is edited to reopen it
        return refuse_if_locked(request, need) or redirect(need)
    return _need_form(request, need)


@permission_required("customers.change_need")
def need_void(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(Need, pk=pk)
    return void_page(
        request,
        need,
        back=need.get_absolute_url(),
        crumbs=[NEEDS, (need.title, need.get_absolute_url())],
    )


# Requirements -------------------------------------------------------------------------


@permission_required("customers.view_requirement")
def requirement_list(request: HttpRequest) -> HttpResponse:
    """List requirements; the re-check flag shows those whose law is due a check."""
    return filtered_list(
        request,
        RequirementFilter,
        selectors.requirement_list().order_by("product__name", "title"),
        "customers/requirements/requirement_list.html",
    )


@permission_required("customers.view_requirement")
def requirement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a requirement, its versions side by side, its changes and its history."""
    try:
        requirement = selectors.requirement_detail(pk)
    except Requirement.DoesNotExist as exc:
        raise Http404 from exc
    versions = list(requirement.versions.all())
    old, new = pick_versions(versions, request.GET.get("a"), request.GET.get("b"))
    moves = [
        (status, MOVES[status]) for status in MOVES if status in requirement.allowed_transitions()
    ]
    if requirement.status == Requirement.Status.ACCEPTED:
        moves = [
            (
                status,
                gettext_lazy("Reopen for review")
                if status == Requirement.Status.UNDER_REVIEW
                else label,
            )
            for status, label in moves
        ]
    return render(
        request,
        "customers/requirements/requirement_detail.html",
        {
            "requirement": requirement,
            "versions": versions,
            "old": old,
            "new": new,
            "diff": Requirement.VERSIONED.diff(RequirementVersion, old, new) if new else [],
            "moves": moves,
        },
    )


@permission_required("customers.add_requirement")
def requirement_create_view(request: HttpRequest) -> HttpResponse:
    """Record a requirement; ``?need=`` fills in the need it answers and its customer."""
    initial: dict[str, Any] = {"owner": request.user.pk}
    need = selectors.need_to_answer(request.GET.get("need", ""))
    if need is not None:
        initial["needs"] = [need.pk]
        if need.customer_id is not None:
            initial["customer"] = need.customer_id
    for name in ("customer", "product"):
        if number := positive_int(request.GET.get(name)):
            initial[name] = number
    form = RequirementForm(request.POST or None, initial=initial)
    saved = submit(
        request,
        form,
        lambda data: services.requirement_create(
            requirement=form.save(commit=False), by=acting_user(request), needs=data["needs"]
        ),
        success=lambda saved: _("%(requirement)s recorded as version 1.") % {"requirement": saved},
    )
    if saved is not None:
        return redirect(saved)
    return form_page(
        request,
        form,
        title=_("New requirement"),
        crumbs=[REQUIREMENTS],
        submit=_("Save requirement"),
    )


@permission_required("customers.change_requirement")
def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a requirement; a change to its content makes a new version (8.2.4)."""
    requirement = get_object_or_404(Requirement, pk=pk)
    refused = refuse_if_locked(request, requirement)
    if refused:
        return refused
    form = RequirementChangeForm(request.POST or None, instance=requirement)
    edit = submit(
        request,
        form,
        lambda data: services.requirement_change(
            requirement=form.save(commit=False),
            by=acting_user(request),
            reason=data["reason"],
            notify=data["notify"],
            needs=data["needs"],
        ),
        success=_requirement_saved,
    )
    if edit is not None:
        return redirect(edit.record)
    return form_page(
        request,
        form,
        title=_("Change %(requirement)s") % {"requirement": requirement},
        crumbs=[REQUIREMENTS, (requirement.reference, requirement.get_absolute_url())],
        submit=_("Save"),
    )


def _requirement_saved(edit: services.Edit) -> str:
    if edit.change is None:
        return _("Saved; the content is unchanged, so no new version.")
    return _(
        "Saved as version %(version)d (%(status)s). Reviews of the commitments that carry "
        "it are reopened and the people concerned are asked to acknowledge."
    ) % {"version": edit.record.version, "status": edit.record.get_status_display().lower()}


@permission_required("customers.change_requirement")
@require_POST
def requirement_status(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = get_object_or_404(Requirement, pk=pk)
    form = RequirementStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(requirement)
    act(
        request,
        lambda: services.requirement_set_status(
            requirement=requirement, by=acting_user(request), status=form.cleaned_data["status"]
        ),
        success=lambda saved: (
            _("%(requirement)s is now %(status)s.")
            % {"requirement": saved, "status": saved.get_status_display().lower()}
        ),
    )
    return redirect(requirement)


@permission_required("customers.change_requirement")
def requirement_recheck_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the law or standard behind a requirement was checked again."""
    requirement = get_object_or_404(Requirement, pk=pk)
    refused = refuse_if_locked(request, requirement)
    if refused:
        return refused
    form = RecheckForm(request.POST or None)
    checked = submit(
        request,
        form,
        lambda data: services.requirement_recheck(
            requirement=requirement, by=acting_user(request), **data
        ),
        success=lambda checked: _("The check is recorded."),
    )
    if checked is not None:
        return redirect(requirement)
    return form_page(
        request,
        form,
        title=_("Record a check of %(requirement)s") % {"requirement": requirement},
        crumbs=[REQUIREMENTS, (requirement.reference, requirement.get_absolute_url())],
        submit=_("Record the check"),
    )


@permission_required("customers.change_requirement")
def requirement_void(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = get_object_or_404(Requirement, pk=pk)
    return void_page(
        request,
        requirement,
        back=requirement.get_absolute_url(),
        crumbs=[REQUIREMENTS, (requirement.reference, requirement.get_absolute_url())],
    )


# Commitments --------------------------------------------------------------------------


# The order of a list before the reader sorts it; the export keeps the same order.
COMMITMENT_ORDER = ("-committed_on", "reference", "pk")
REVIEW_ORDER = ("-reviewed_on", "-created_at", "-pk")


@permission_required("customers.view_commitment")
def commitment_list(request: HttpRequest) -> HttpResponse:
    """List commitments with their latest review; flags show reopened reviews and
    those not reviewed yet."""
    return filtered_list(
        request,
        CommitmentFilter,
        selectors.commitment_list().order_by(*COMMITMENT_ORDER),
        "customers/requirements/commitment_list.html",
    )


@permission_required("customers.view_commitment")
def commitment_export(request: HttpRequest) -> HttpResponseBase:
    """Download the commitments the list's filters select, as CSV."""
    return filtered_download(
        request,
        CommitmentFilter,
        selectors.commitment_export().order_by(*COMMITMENT_ORDER),
        name="commitments",
        header=exports.COMMITMENT_HEADER,
        rows=exports.commitment_rows,
        back="customers:commitment_list",
    )


@permission_required("customers.view_commitmentreview", "customers.view_commitment")
def review_list(request: HttpRequest) -> HttpResponse:
    """List every review of a commitment (8.2.3), for an auditor to sample."""
    return filtered_list(
        request,
        ReviewFilter,
        selectors.review_list().order_by(*REVIEW_ORDER),
        "customers/requirements/review_list.html",
    )


@permission_required("customers.view_commitmentreview", "customers.view_commitment")
def review_export(request: HttpRequest) -> HttpResponseBase:
    """Download the reviews the list's filters select, as CSV."""
    return filtered_download(
        request,
        ReviewFilter,
        selectors.review_list().order_by(*REVIEW_ORDER),
        name="commitment-reviews",
        header=exports.REVIEW_HEADER,
        rows=exports.review_rows,
        back="customers:review_list",
    )


@permission_required("customers.view_commitment")
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a commitment, its review and what blocks making it, versions and history."""
    try:
        commitment = selectors.commitment_detail(pk)
    except Commitment.DoesNotExist as exc:
        raise Http404 from exc
    versions = list(commitment.versions.all())
    old, new = pick_versions(versions, request.GET.get("a"), request.GET.get("b"))
    review = commitment.current_review
    findings = {}
    if review is not None:
        findings = {
            item.requirement_id: item
            for item in next(r for r in commitment.reviews.all() if r.pk == review.pk).items.all()
        }
    return render(
        request,
        "customers/requirements/commitment_detail.html",
        {
            "commitment": commitment,
            "carried": [(r, findings.get(r.pk)) for r in commitment.requirements.all()],
            "blockers": selectors.commitment_blockers(commitment),
            "versions": versions,
            "old": old,
            "new": new,
            "diff": Commitment.VERSIONED.diff(CommitmentVersion, old, new) if new else [],
        },
    )


@permission_required("customers.add_commitment")
def commitment_create_view(request: HttpRequest) -> HttpResponse:
    """Record a commitment to a customer; a customer is chosen first."""
    customer_id = positive_int(request.GET.get("customer"))
    if customer_id is None:
        chooser = CustomerChoiceForm(request.GET or None)
        if chooser.is_valid():
            return redirect(
                f"{reverse('customers:commitment_create')}?customer={chooser.cleaned_data['customer'].pk}"
            )
        return render(
            request,
            "customers/requirements/commitment_choose_customer.html",
            {"form": chooser, "crumbs": [COMMITMENTS]},
        )
    customer = get_object_or_404(Customer.objects.active(), pk=customer_id)
    form = CommitmentForm(request.POST or None, customer=customer)
    saved = submit(
        request,
        form,
        lambda data: services.commitment_create(
            commitment=form.save(commit=False),
            requirements=data["requirements"],
            by=acting_user(request),
        ),
        success=lambda saved: (
            _("%(commitment)s recorded; review it before it is made.") % {"commitment": saved}
        ),
    )
    if saved is not None:
        return redirect(saved)
    return form_page(
        request,
        form,
        title=_("New commitment to %(customer)s") % {"customer": customer.name},
        crumbs=[COMMITMENTS, (customer.name, customer.get_absolute_url())],
        submit=_("Save commitment"),
    )


@permission_required("customers.change_commitment")
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a commitment: a new version; a made one stays made, its review reopens."""
    commitment = get_object_or_404(Commitment.objects.select_related("customer"), pk=pk)
    refused = refuse_if_locked(request, commitment)
    if refused:
        return refused
    form = CommitmentChangeForm(
        request.POST or None, instance=commitment, customer=commitment.customer
    )
    edit = submit(
        request,
        form,
        lambda data: services.commitment_change(
            commitment=form.save(commit=False),
            requirements=data["requirements"],
            by=acting_user(request),
            reason=data["reason"],
            notify=data["notify"],
        ),
        success=lambda edit: _("Saved as version %(version)d.") % {"version": edit.record.version},
    )
    if edit is not None:
        return redirect(edit.record)
    return form_page(
        request,
        form,
        title=_("Change %(commitment)s") % {"commitment": commitment},
        crumbs=[COMMITMENTS, (str(commitment), commitment.get_absolute_url())],
        submit=_("Save as a new version"),
    )


@permission_required("customers.review_commitment", "customers.add_commitmentreview")
def commitment_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Review a commitment before it is made (8.2.3): each requirement, then the outcome."""
    commitment = get_object_or_404(Commitment.objects.select_related("customer"), pk=pk)
    refused = refuse_if_locked(request, commitment)
    if refused:
        return refused
    form = ReviewForm(
        request.POST or None,
        requirements=selectors.requirements_to_review(commitment),
        dates=selectors.review_dates(commitment),
    )
    reviewed = submit(
        request,
        form,
        lambda data: services.commitment_review(
            commitment=commitment,
            by=acting_user(request),
            reviewed_on=data["reviewed_on"],
            outcome=data["outcome"],
            conditions=data["conditions"],
            differences=data["differences"],
            verbal_requirements=data["verbal_requirements"],
            findings=form.findings(),
        ),
        success=lambda review: _("The review is recorded."),
    )
    if reviewed is not None:
        return redirect(commitment)
    return render(
        request,
        "customers/requirements/commitment_review.html",
        {
            "form": form,
            "commitment": commitment,
            "crumbs": [COMMITMENTS, (str(commitment), commitment.get_absolute_url())],
        },
    )


@permission_required("customers.review_commitment", "customers.change_commitment")
@require_POST
def commitment_make_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a commitment made, if its review allows it."""
    commitment = get_object_or_404(Commitment, pk=pk)
    act(
        request,
        lambda: services.commitment_make(commitment=commitment, by=acting_user(request)),
        success=lambda made: _("%(commitment)s is made.") % {"commitment": made},
    )
    return redirect(commitment)


@permission_required("customers.change_commitment")
@require_POST
def commitment_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(Commitment, pk=pk)
    reopen = request.POST.get("reopen") == "1"
    act(
        request,
        lambda: services.commitment_withdraw(
            commitment=commitment, by=acting_user(request), reopen=reopen
        ),
        success=lambda _commitment: (
            _("The commitment is back to not yet made.")
            if reopen
            else _("The commitment is withdrawn.")
        ),
    )
    return redirect(commitment)


@permission_required("customers.change_commitment")
def commitment_void(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_object_or_404(Commitment, pk=pk)
    return void_page(
        request,
        commitment,
        back=commitment.get_absolute_url(),
        crumbs=[COMMITMENTS, (str(commitment), commitment.get_absolute_url())],
    )


# Changes and acknowledgements ---------------------------------------------------------


@permission_required("customers.view_change")
def change_list(request: HttpRequest) -> HttpResponse:
    """List changes with how many of the people concerned acknowledged each."""
    return filtered_list(
        request,
        ChangeFilter,
        selectors.change_list().order_by("-changed_at", "-pk"),
        "customers/requirements/change_list.html",
    )


@permission_required("customers.view_change")
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a change: both versions side by side and who has and has not acknowledged."""
    try:
        detail = selectors.change_detail(pk)
    except Change.DoesNotExist as exc:
        raise Http404 from exc
    subject = detail.change.subject
    model = Requirement if detail.change.requirement_id else Commitment
    return render(
        request,
        "customers/requirements/change_detail.html",
        {
            "change": detail.change,
            "subject": subject,
            "diff": model.VERSIONED.diff(subject.versions.model, detail.old, detail.new),
            "acknowledgements": detail.acknowledgements,
            "mine": next(
                (a for a in detail.acknowledgements if a.person_id == request.user.pk), None
            ),
            "reopened": detail.reopened,
        },
    )


@permission_required("customers.acknowledge_change")
@require_POST
def change_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge a change that concerns the signed-in person."""
    change = get_object_or_404(Change, pk=pk)
    act(
        request,
        lambda: services.change_acknowledge(change=change, by=acting_user(request)),
        success=lambda acknowledgement: _("You acknowledged the change."),
    )
    return redirect(change)


def home_panel(request: HttpRequest) -> dict[str, Any]:
    """Return what this register's panel on the home page shows the signed-in person."""
    return selectors.requirements_summary(user_id=request.user.pk)
