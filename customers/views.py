from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import permission_required
from core.models import User
from core.records import RecordLockedError
from core.registries import timeline_for
from core.services import record_void
from customers import exports, import_jobs, selectors
from customers.filters import ContactFilter, CustomerFilter
from customers.forms import (
    ContactForm,
    CustomerForm,
    EraseForm,
    ImportForm,
    ProductServiceForm,
    SegmentForm,
    VoidForm,
)
from customers.models import Contact, Customer, ImportJob, ProductService, Segment
from customers.services import contact_erase, contact_save, customer_save

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_page(
    request: HttpRequest, form: Any, *, title: str, crumbs: list[Any], submit: str
) -> HttpResponse:
    return render(
        request,
        "customers/form.html",
        {"form": form, "title": title, "crumbs": crumbs, "submit": submit},
    )


# Customers ----------------------------------------------------------------------


def _filtered_list(
    request: HttpRequest, filter_class: Any, queryset: Any, template: str
) -> HttpResponse:
    filters = filter_class(request.GET, queryset=queryset, request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {"filter": filters, "page": _page(request, filters.qs), "query": query.urlencode()},
    )


@permission_required("customers.view_customer")
def customer_list(request: HttpRequest) -> HttpResponse:
    """List customers with search, filters, sorting and pages (constant queries)."""
    return _filtered_list(
        request,
        CustomerFilter,
        selectors.customer_list().order_by("name"),
        "customers/customer_list.html",
    )


@permission_required("customers.view_customer")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a customer with its contacts, products, timeline and history."""
    try:
        customer = selectors.customer_detail(pk)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "customers/customer_detail.html",
        {"customer": customer, "timeline": timeline_for(customer, request.user)},
    )


def _customer_form(request: HttpRequest, customer: Customer) -> HttpResponse:
    creating = customer.pk is None
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            saved = customer_save(
                customer=form.save(commit=False),
                by=_user(request),
                status=form.cleaned_data["status"],
                segments=form.cleaned_data["segments"],
                products=form.cleaned_data["products"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Customer “%(name)s” saved.") % {"name": saved.name})
            return redirect(saved)
    crumbs = [(_("Customers"), "customers:customer_list")]
    if not creating:
        crumbs.append((customer.name, customer.get_absolute_url()))
    return _form_page(
        request,
        form,
        title=_("New customer") if creating else _("Edit %(name)s") % {"name": customer.name},
        crumbs=crumbs,
        submit=_("Save customer"),
    )


@permission_required("customers.add_customer")
def customer_create(request: HttpRequest) -> HttpResponse:
    return _customer_form(request, Customer())


@permission_required("customers.change_customer")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    if customer.is_voided:
        messages.error(request, _("This customer is voided and can no longer be changed."))
        return redirect(customer)
    return _customer_form(request, customer)


def _void(request: HttpRequest, record: Any, *, back: str, crumbs: list[Any]) -> HttpResponse:
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_void(record=record, by=_user(request), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(request, _("“%(name)s” is voided.") % {"name": record})
            return redirect(back)
    return render(
        request,
        "customers/void.html",
        {"form": form, "record": record, "crumbs": crumbs, "back": back},
    )


@permission_required("customers.change_customer")
def customer_void(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return _void(
        request,
        customer,
        back=customer.get_absolute_url(),
        crumbs=[
            (_("Customers"), "customers:customer_list"),
            (customer.name, customer.get_absolute_url()),
        ],
    )


# Contacts -----------------------------------------------------------------------


@permission_required("customers.view_contact")
def contact_list(request: HttpRequest) -> HttpResponse:
    return _filtered_list(
        request,
        ContactFilter,
        selectors.contact_list().order_by("name"),
        "customers/contact_list.html",
    )


@permission_required("customers.view_contact")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.select_related("customer", "voided_by"), pk=pk)
    return render(
        request,
        "customers/contact_detail.html",
        {"contact": contact, "erasures": contact.erasures.select_related("performed_by")},
    )


def _contact_form(request: HttpRequest, customer: Customer, contact: Contact) -> HttpResponse:
    creating = contact.pk is None
    form = ContactForm(request.POST or None, instance=contact, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            saved = contact_save(contact=form.save(commit=False), by=_user(request))
        except (ValidationError, RecordLockedError) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Contact “%(name)s” saved.") % {"name": saved.name})
            return redirect(customer if creating else saved)
    crumbs = [
        (_("Customers"), "customers:customer_list"),
        (customer.name, customer.get_absolute_url()),
    ]
    if not creating:
        crumbs.append((contact.name, contact.get_absolute_url()))
    return _form_page(
        request,
        form,
        title=_("New contact at %(customer)s") % {"customer": customer.name}
        if creating
        else _("Edit %(name)s") % {"name": contact.name},
        crumbs=crumbs,
        submit=_("Save contact"),
    )


@permission_required("customers.add_contact")
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.active(), pk=pk)
    return _contact_form(request, customer, Contact())


@permission_required("customers.change_contact")
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.select_related("customer"), pk=pk)
    if contact.is_voided or contact.is_erased:
        messages.error(request, _("This contact is voided or erased and can no longer be changed."))
        return redirect(contact)
    return _contact_form(request, contact.customer, contact)


@permission_required("customers.change_contact")
def contact_void(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.select_related("customer"), pk=pk)
    return _void(
        request,
        contact,
        back=contact.get_absolute_url(),
        crumbs=[
            (_("Customers"), "customers:customer_list"),
            (contact.customer.name, contact.customer.get_absolute_url()),
            (contact.name, contact.get_absolute_url()),
        ],
    )


@permission_required("customers.erase_contact")
def contact_erase_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase a contact's personal data on request, after an explicit confirmation."""
    contact = get_object_or_404(Contact.objects.select_related("customer"), pk=pk)
    form = EraseForm(request.POST or None, initial={"requested_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            contact_erase(
                contact=contact,
                by=_user(request),
                requested_by=form.cleaned_data["requested_by"],
                requested_on=form.cleaned_data["requested_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The contact's personal data is erased."))
            return redirect(contact)
    return render(request, "customers/erase.html", {"form": form, "contact": contact})


# Segments and the catalogue ------------------------------------------------------


def _catalogue_list(request: HttpRequest, model: type[models.Model], template: str) -> HttpResponse:
    records = model.objects.order_by("voided_at", "name").annotate(  # type: ignore[attr-defined]
        customer_count=models.Count("customers", filter=models.Q(customers__voided_at__isnull=True))
    )
    return render(request, template, {"page": _page(request, records)})


def _catalogue_form(
    request: HttpRequest, form_class: type[ModelForm], record: Any, *, list_url: str, noun: str
) -> HttpResponse:
    form = form_class(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved._history_user = request.user
        try:
            saved.save()
        except RecordLockedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": saved})
            return redirect(list_url)
    title = (
        _("New %(noun)s") % {"noun": noun}
        if record.pk is None
        else _("Edit %(name)s") % {"name": record}
    )
    return _form_page(
        request, form, title=title, crumbs=[(noun.capitalize(), list_url)], submit=_("Save")
    )


@permission_required("customers.view_segment")
def segment_list(request: HttpRequest) -> HttpResponse:
    return _catalogue_list(request, Segment, "customers/segment_list.html")


@permission_required("customers.add_segment")
def segment_create(request: HttpRequest) -> HttpResponse:
    return _catalogue_form(
        request, SegmentForm, Segment(), list_url="customers:segment_list", noun=_("segment")
    )


@permission_required("customers.change_segment")
def segment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment.objects.active(), pk=pk)
    return _catalogue_form(
        request, SegmentForm, segment, list_url="customers:segment_list", noun=_("segment")
    )


@permission_required("customers.change_segment")
def segment_void(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(Segment, pk=pk)
    return _void(
        request,
        segment,
        back="customers:segment_list",
        crumbs=[(_("Segments"), "customers:segment_list")],
    )


@permission_required("customers.view_productservice")
def product_list(request: HttpRequest) -> HttpResponse:
    return _catalogue_list(request, ProductService, "customers/product_list.html")


@permission_required("customers.add_productservice")
def product_create(request: HttpRequest) -> HttpResponse:
    return _catalogue_form(
        request,
        ProductServiceForm,
        ProductService(),
        list_url="customers:product_list",
        noun=_("catalogue entry"),
    )


@permission_required("customers.change_productservice")
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(ProductService.objects.active(), pk=pk)
    return _catalogue_form(
        request,
        ProductServiceForm,
        product,
        list_url="customers:product_list",
        noun=_("catalogue entry"),
    )


@permission_required("customers.change_productservice")
def product_void(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(ProductService, pk=pk)
    return _void(
        request,
        product,
        back="customers:product_list",
        crumbs=[(_("Catalogue"), "customers:product_list")],
    )


# Import and export --------------------------------------------------------------


@permission_required("customers.add_importjob", "customers.add_contact", "customers.add_customer")
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file; it is checked (a dry run) before anything is imported."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.import_start(
                kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=_user(request)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(job)
    recent = ImportJob.objects.select_related("created_by")[:10]
    return render(request, "customers/import_form.html", {"form": form, "recent": recent})


@permission_required("customers.view_importjob")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the check's preview, the progress of a running import, or its outcome."""
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
    # htmx polls for the status part alone while a large file is checked or imported.
    partial = getattr(request, "htmx", False)
    template = (
        "customers/partials/import_status.html" if partial else "customers/import_detail.html"
    )
    return render(request, template, {"job": job})


@permission_required("customers.add_importjob", "customers.add_contact", "customers.add_customer")
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        job = import_jobs.import_confirm(job=job, by=_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        job.refresh_from_db()
        if job.state == ImportJob.State.DONE:
            messages.success(request, _("The file is imported."))
        elif job.state == ImportJob.State.CHECKED:
            messages.error(
                request,
                _(
                    "The register changed since the check and the file now has errors: "
                    "nothing was imported."
                ),
            )
    return redirect(job)


def _download(name: str, lines: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


@permission_required("customers.export_customer", "customers.view_customer")
def export_customers(request: HttpRequest) -> StreamingHttpResponse:
    filters = CustomerFilter(request.GET, queryset=Customer.objects.order_by("name"))
    return _download(
        "customers", exports.csv_lines(exports.CUSTOMER_HEADER, exports.customer_rows(filters.qs))
    )


@permission_required("customers.export_customer", "customers.view_contact")
def export_contacts(request: HttpRequest) -> StreamingHttpResponse:
    filters = ContactFilter(
        request.GET, queryset=selectors.contact_list().order_by("customer__name", "name")
    )
    return _download(
        "contacts", exports.csv_lines(exports.CONTACT_HEADER, exports.contact_rows(filters.qs))
    )
