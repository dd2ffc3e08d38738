"""Pages of the customer register: customers, contacts, segments, the catalogue,
imports, exports, erasure and bulk changes. One short view per page over
``core.pages``, in the order of the register's menu. The module is long because the
register has that many pages; each is a few lines, they share the register's
breadcrumbs and forms, and a split by file name prefix is what the layout rules out.
"""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import ModelForm
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import permission_required
from core.pages import (
    acting_user,
    bulk_page,
    bulk_selection,
    csv_download,
    filtered_list,
    form_page,
    message_refusal,
    paginate,
    refuse_if_locked,
    show_refusal,
    submit,
    void_page,
)
from core.params import positive_int
from core.registries import timeline_for
from customers.models import Contact, Customer, ImportJob, ProductService, Segment
from customers.register import bulk, exports, selectors, services
from customers.register.filters import ContactFilter, CustomerFilter
from customers.register.forms import (
    ContactBulkForm,
    ContactForm,
    CustomerBulkForm,
    CustomerForm,
    EraseForm,
    ImportForm,
    ProductServiceForm,
    SegmentForm,
    SuppressionLiftForm,
)
from customers.register.imports import guide, jobs

CUSTOMERS = (gettext_lazy("Customers"), "customers:customer_list")


@permission_required("customers.view_customer")
def customer_list(request: HttpRequest) -> HttpResponse:
    """List customers with search, filters, sorting and pages (constant queries)."""
    bulk = request.user.has_perm("customers.change_customer")
    return filtered_list(
        request,
        CustomerFilter,
        selectors.customer_list().order_by("name", "pk"),
        "customers/register/customer_list.html",
        {
            "bulk_form": CustomerBulkForm() if bulk else None,
            "bulk_noun": _("customers"),
        },
    )


@permission_required("customers.view_customer", "customers.change_customer")
def customer_bulk(request: HttpRequest) -> HttpResponse:
    """Confirm a change to the customers ticked (or all that match), then make it."""
    form = CustomerBulkForm(request.POST or None)

    def apply(records: Any, leave_out: bool) -> Any:
        data = form.cleaned_data
        return services.customers_bulk_update(
            customers=records,
            by=acting_user(request),
            segment=data["segment"],
            account_owner=data["account_owner"],
            status=data["status"] or None,
            lost_on=data["lost_on"],
            lost_reason=data["lost_reason"],
            reason=data["reason"],
            expected=data["expected"] or None,
            leave_out_refused=leave_out,
        )

    return bulk_page(
        request,
        form,
        select=lambda data: bulk_selection(
            request, data, filter_class=CustomerFilter, listed=Customer.objects.all()
        ),
        check=lambda records: bulk.customer_bulk_outcome(records, form.change),
        apply=apply,
        title=_("Change several customers"),
        back="customers:customer_list",
        crumbs=[CUSTOMERS],
    )


# The tabs of a customer's page, in order; ``?tab=`` names the one shown first.
CUSTOMER_TABS = (
    "contacts",
    "products",
    "needs",
    "requirements",
    "commitments",
    "timeline",
    "history",
)


@permission_required("customers.view_customer")
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a customer with its contacts, products, timeline and history.

    Each tab has its own address (``?tab=needs``): a link or a reload shows that tab,
    without JavaScript too; an unknown tab shows the first.
    """
    try:
        customer = selectors.customer_detail(pk)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc
    tab = request.GET.get("tab", "")
    tab = tab if tab in CUSTOMER_TABS else CUSTOMER_TABS[0]
    # The tabs that grow with the account are paged: ``?tab=contacts&page=3`` pages
    # the tab shown; the others show their first page.
    pages = {
        name: paginate(request, rows, count=count, asked=name == tab)
        for name, (rows, count) in selectors.customer_tabs(customer).items()
    }
    return render(
        request,
        "customers/register/customer_detail.html",
        {
            "customer": customer,
            "timeline": timeline_for(customer, request.user),
            "tab": tab,
            "pages": pages,
            "history_page": (positive_int(request.GET.get("page", "")) or 1)
            if tab == "history"
            else 1,
        },
    )


def _customer_form(request: HttpRequest, customer: Customer) -> HttpResponse:
    creating = customer.pk is None
    form = CustomerForm(request.POST or None, instance=customer)
    saved = submit(
        request,
        form,
        lambda data: services.customer_save(
            customer=form.save(commit=False),
            by=acting_user(request),
            status=data["status"],
            segments=data["segments"],
            products=data["products"],
        ),
        success=lambda saved: _("Customer “%(name)s” saved.") % {"name": saved.name},
    )
    if saved is not None:
        return redirect(saved)
    crumbs: list[Any] = [CUSTOMERS]
    if not creating:
        crumbs.append((customer.name, customer.get_absolute_url()))
    return form_page(
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
    return refuse_if_locked(request, customer) or _customer_form(request, customer)


@permission_required("customers.change_customer")
def customer_void(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return void_page(
        request,
        customer,
        back=customer.get_absolute_url(),
        crumbs=[
            CUSTOMERS,
            (customer.name, customer.get_absolute_url()),
        ],
    )


# Contacts -----------------------------------------------------------------------


@permission_required("customers.view_contact")
def contact_list(request: HttpRequest) -> HttpResponse:
    bulk = request.user.has_perm("customers.change_contact")
    return filtered_list(
        request,
        ContactFilter,
        selectors.contact_list().order_by("name", "pk"),
        "customers/register/contact_list.html",
        {
            "bulk_form": ContactBulkForm() if bulk else None,
            "bulk_noun": _("contacts"),
        },
    )


@permission_required("customers.view_contact", "customers.change_contact")
def contact_bulk(request: HttpRequest) -> HttpResponse:
    """Confirm a change to the contacts ticked (or all that match), then make it."""
    form = ContactBulkForm(request.POST or None)

    def apply(records: Any, leave_out: bool) -> Any:
        data = form.cleaned_data
        return services.contacts_bulk_update(
            contacts=records,
            by=acting_user(request),
            language=data["language"] or None,
            opt_out=data["opt_out"],
            reason=data["reason"],
            expected=data["expected"] or None,
            leave_out_refused=leave_out,
        )

    return bulk_page(
        request,
        form,
        select=lambda data: bulk_selection(
            request, data, filter_class=ContactFilter, listed=selectors.contact_list()
        ),
        check=lambda records: bulk.contact_bulk_outcome(records, form.change),
        apply=apply,
        title=_("Change several contacts"),
        back="customers:contact_list",
        crumbs=[CUSTOMERS, (gettext_lazy("Contacts"), "customers:contact_list")],
    )


@permission_required("customers.view_contact")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.select_related("customer", "voided_by"), pk=pk)
    return render(
        request,
        "customers/register/contact_detail.html",
        {
            "contact": contact,
            "erasures": selectors.contact_erasures(contact),
            "survey_refusal": contact.survey_refusal(),
        },
    )


def _contact_form(request: HttpRequest, customer: Customer, contact: Contact) -> HttpResponse:
    creating = contact.pk is None
    lift_url = None
    if request.user.has_perm("customers.lift_suppression"):
        lift_url = f"{reverse('customers:suppression_lift')}?next={quote(request.path)}"
    form = ContactForm(request.POST or None, instance=contact, customer=customer, lift_url=lift_url)
    saved = submit(
        request,
        form,
        lambda data: services.contact_save(
            contact=form.save(commit=False), by=acting_user(request)
        ),
        success=lambda saved: _("Contact “%(name)s” saved.") % {"name": saved.name},
    )
    if saved is not None:
        return redirect(customer if creating else saved)
    crumbs = [
        CUSTOMERS,
        (customer.name, customer.get_absolute_url()),
    ]
    if not creating:
        crumbs.append((contact.name, contact.get_absolute_url()))
    return form_page(
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
    return refuse_if_locked(request, contact) or _contact_form(request, contact.customer, contact)


@permission_required("customers.change_contact")
def contact_void(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.select_related("customer"), pk=pk)
    return void_page(
        request,
        contact,
        back=contact.get_absolute_url(),
        crumbs=[
            CUSTOMERS,
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
            services.contact_erase(
                contact=contact,
                by=acting_user(request),
                requested_by=form.cleaned_data["requested_by"],
                requested_on=form.cleaned_data["requested_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("The contact's personal data is erased."))
            return redirect(contact)
    return render(request, "customers/register/erase.html", {"form": form, "contact": contact})


@permission_required("customers.lift_suppression")
def suppression_lift_view(request: HttpRequest) -> HttpResponse:
    """Lift the suppression of an address on the person's new, explicit request."""
    form = SuppressionLiftForm(request.POST or None)
    lifted = submit(
        request,
        form,
        lambda data: services.suppression_lift(
            email=data["email"], by=acting_user(request), reason=data["reason"]
        ),
        success=lambda entry: _(
            "The suppression is lifted: the address can be given to a contact or imported "
            "again. Erasing the person again suppresses it again."
        ),
    )
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    if lifted is not None:
        return redirect(back or "customers:contact_list")
    return render(
        request,
        "customers/register/suppression_lift.html",
        {"form": form, "back": back, "recent": selectors.recent_lifts()},
    )


# Segments and the catalogue ------------------------------------------------------


def _catalogue_list(
    request: HttpRequest, model: type[models.Model], template: str, *, url: str, filter_param: str
) -> HttpResponse:
    """List segments or catalogue entries with the customers that use each."""
    records = selectors.catalogue_list(model)
    return render(
        request,
        template,
        {
            "page": paginate(request, records),
            "edit_url": f"customers:{url}_edit",
            "void_url": f"customers:{url}_void",
            "can_change": request.user.has_perm(f"customers.change_{model._meta.model_name}"),
            # The customer list filters on segments, so their counts link to it.
            "filter_param": filter_param,
        },
    )


def _catalogue_form(
    request: HttpRequest, form_class: type[ModelForm], record: Any, *, list_url: str, noun: str
) -> HttpResponse:
    form = form_class(request.POST or None, instance=record)
    saved = submit(
        request,
        form,
        lambda data: services.catalogue_entry_save(
            entry=form.instance, by=acting_user(request), data=data
        ),
        success=lambda saved: _("“%(name)s” saved.") % {"name": saved},
    )
    if saved is not None:
        return redirect(list_url)
    title = (
        _("New %(noun)s") % {"noun": noun}
        if record.pk is None
        else _("Edit %(name)s") % {"name": record}
    )
    return form_page(
        request, form, title=title, crumbs=[(noun.capitalize(), list_url)], submit=_("Save")
    )


@permission_required("customers.view_segment")
def segment_list(request: HttpRequest) -> HttpResponse:
    return _catalogue_list(
        request,
        Segment,
        "customers/register/segment_list.html",
        url="segment",
        filter_param="segment",
    )


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
    return void_page(
        request,
        segment,
        back="customers:segment_list",
        crumbs=[(_("Segments"), "customers:segment_list")],
    )


@permission_required("customers.view_productservice")
def product_list(request: HttpRequest) -> HttpResponse:
    return _catalogue_list(
        request,
        ProductService,
        "customers/register/product_list.html",
        url="product",
        filter_param="",
    )


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
    return void_page(
        request,
        product,
        back="customers:product_list",
        crumbs=[(_("Catalogue"), "customers:product_list")],
    )


# Import and export --------------------------------------------------------------


@permission_required("customers.add_importjob", "customers.add_contact", "customers.add_customer")
def import_start_view(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file; it is checked (a dry run) before anything is imported.

    ``?kind=`` and ``?encoding=`` preselect the choices, so that "upload a corrected
    file" keeps those of the import it corrects.
    """
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={
            name: request.GET[name]
            for name, choices in (("kind", ImportJob.Kind), ("encoding", ImportJob.Encoding))
            if request.GET.get(name) in choices.values
        },
    )
    job = submit(
        request,
        form,
        lambda data: jobs.import_start(
            kind=data["kind"],
            upload=data["file"],
            encoding=data["encoding"],
            by=acting_user(request),
        ),
    )
    if job is not None:
        return redirect(job)
    return render(
        request,
        "customers/register/import_form.html",
        {
            "form": form,
            "recent": selectors.recent_imports(),
            "guides": [
                (kind, label, guide.columns(kind)) for kind, label in ImportJob.Kind.choices
            ],
        },
    )


@permission_required("customers.add_importjob", "customers.add_contact", "customers.add_customer")
def import_template(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    """Download a CSV file with the import's columns and one row that imports cleanly."""
    if kind not in ImportJob.Kind.values:
        raise Http404
    header = exports.CONTACT_HEADER if kind == ImportJob.Kind.CONTACTS else exports.CUSTOMER_HEADER
    row = guide.example_row(kind, by=acting_user(request))
    return csv_download(f"{kind}-import-template", header, [row], dated=False)


@permission_required("customers.view_importjob")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the check's preview, the progress of a running import, or its outcome."""
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
    # htmx polls for the status part alone while a large file is checked or imported.
    partial = getattr(request, "htmx", False)
    template = (
        "customers/register/partials/import_status.html"
        if partial
        else "customers/register/import_detail.html"
    )
    return render(request, template, {"job": job})


@permission_required("customers.view_importjob")
def import_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Download the file an import was given; once deleted, its page says when and why."""
    job = get_object_or_404(ImportJob, pk=pk)
    if not job.file_deletion and job.file:
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            pass
        else:
            response = FileResponse(handle, as_attachment=True, filename=job.original_name)
            response["Cache-Control"] = "private, no-store"
            return response
    messages.info(
        request, job.file_note or _("The file of this import is missing from the storage.")
    )
    return redirect(job)


@permission_required("customers.add_importjob", "customers.add_contact", "customers.add_customer")
@require_POST
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        job = jobs.import_confirm(job=job, by=acting_user(request))
    except ValidationError as exc:
        message_refusal(request, exc)
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


@permission_required("customers.export_customer", "customers.view_customer")
def export_customers(request: HttpRequest) -> StreamingHttpResponse:
    filters = CustomerFilter(request.GET, queryset=selectors.customer_export())
    return csv_download("customers", exports.CUSTOMER_HEADER, exports.customer_rows(filters.qs))


@permission_required("customers.export_customer", "customers.view_contact")
def export_contacts(request: HttpRequest) -> StreamingHttpResponse:
    filters = ContactFilter(request.GET, queryset=selectors.contact_export())
    return csv_download("contacts", exports.CONTACT_HEADER, exports.contact_rows(filters.qs))


def home_panel(request: HttpRequest) -> dict[str, Any]:
    """Return what this register's panel on the home page shows the signed-in person."""
    return selectors.register_summary(user_id=request.user.pk)
