"""Customers and contacts (5.1.2): who the organisation serves and whom it may ask.

Segments, the catalogue, customers and contacts, with the suppression list, the
erasure log and the import job: the register's records, mostly field declarations.
"""

import hashlib
import re
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.fields import CountryField

from core.files import PrivateFileField
from core.history import record_history
from core.limits import TEXT_MAX_LENGTH
from core.records import VoidableModel, VoidableQuerySet, WorkflowModel

# Digits, spaces, + ( ) - . / and an optional extension: what forms and imports accept.
PHONE = re.compile(r"^[0-9+()./\s-]*(?:\s*(?:ext|x)\.?\s*[0-9]+)?$", re.IGNORECASE)


def email_hash(email: str) -> str:
    """Return the hash the suppression list keeps instead of the address."""
    normalised = email.strip().lower()
    return hashlib.sha256(f"qms-suppression:{normalised}".encode()).hexdigest()


class Segment(VoidableModel):
    """A named group of customers that campaigns target; a customer can be in several."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = record_history()

    class Meta:
        verbose_name = _("segment")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(voided_at__isnull=True),
                name="customers_segment_name_unique",
                violation_error_message=_("A segment with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:segment_list")


class ProductService(VoidableModel):
    """An entry in the catalogue of what the organisation offers."""

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        SERVICE = "service", _("Service")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = record_history()

    class Meta:
        verbose_name = _("product or service")
        verbose_name_plural = _("products and services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(voided_at__isnull=True),
                name="customers_product_name_unique",
                violation_error_message=_("The catalogue already has an entry of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:product_list")


class Customer(VoidableModel, WorkflowModel):
    """A customer organisation, or a single person (B2C) with one contact."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        AT_RISK = "at_risk", _("At risk")
        LOST = "lost", _("Lost")

    class Tier(models.TextChoices):
        STRATEGIC = "strategic", _("Strategic")
        KEY = "key", _("Key account")
        STANDARD = "standard", _("Standard")
        SMALL = "small", _("Small")

    class RevenueBand(models.TextChoices):
        UNDER_100K = "lt100k", _("Under 100k")
        TO_1M = "100k-1m", _("100k to 1M")
        TO_10M = "1m-10m", _("1M to 10M")
        TO_100M = "10m-100m", _("10M to 100M")
        OVER_100M = "gt100m", _("Over 100M")

    TRANSITIONS = {
        Status.PROSPECT: frozenset({Status.ACTIVE, Status.LOST}),
        Status.ACTIVE: frozenset({Status.AT_RISK, Status.LOST}),
        Status.AT_RISK: frozenset({Status.ACTIVE, Status.LOST}),
        Status.LOST: frozenset({Status.ACTIVE, Status.PROSPECT}),
    }

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.ORGANISATION
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT
    )
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.TextField(_("why it was lost"), blank=True, max_length=TEXT_MAX_LENGTH)
    segments = models.ManyToManyField(
        Segment, verbose_name=_("segments"), blank=True, related_name="customers"
    )
    products = models.ManyToManyField(
        ProductService,
        verbose_name=_("products and services used"),
        blank=True,
        related_name="customers",
    )
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_customers",
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.STANDARD)
    revenue_band = models.CharField(
        _("annual revenue band"), max_length=10, choices=RevenueBand.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = record_history(m2m_fields=[segments, products])

    class Meta:
        verbose_name = _("customer")
        ordering = ["name"]
        permissions = [
            ("export_customer", _("Can export customers and contacts as CSV")),
            ("own_customer", _("Can be the account owner of a customer")),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                condition=Q(voided_at__isnull=True),
                name="customers_customer_name_country_unique",
                violation_error_message=_(
                    "A customer of this name in this country is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="lost") | (Q(lost_on__isnull=False) & ~Q(lost_reason="")),
                name="customers_customer_lost_has_date_and_reason",
                violation_error_message=_("A lost customer needs the date and the reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "account_owner"], name="customers_status_owner"),
            # The list's order (by name, ties by id), and the contacts list's by
            # customer. Not partial: contacts of voided customers stay on that list.
            models.Index(fields=["name", "id"], name="customers_customer_name_id"),
        ]
        # On PostgreSQL migration 0010 also adds a trigram index for the name search.

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:customer_detail", args=[self.pk])


# A contact a survey may go to (``Contact.can_be_surveyed_q``), also the condition of
# the partial index the home page counts them from.
CAN_BE_SURVEYED = Q(
    consent=True,
    opted_out=False,
    bounced=False,
    erased_at__isnull=True,
    voided_at__isnull=True,
)


class ContactQuerySet(VoidableQuerySet):
    def editable(self) -> "ContactQuerySet":
        """Return the contacts that take edits: neither voided nor erased (the rule
        ``ensure_editable`` applies to one contact through ``lock_reason``)."""
        return self.filter(voided_at__isnull=True, erased_at__isnull=True)

    def can_be_surveyed(self) -> "ContactQuerySet":
        """Return the contacts a survey may go to: ``Contact.can_be_surveyed_q``."""
        return self.filter(Contact.can_be_surveyed_q())


class Contact(VoidableModel):
    """A person at a customer: whom surveys go to, in their language, with consent."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        HINDI = "hi", _("Hindi")

    class ConsentSource(models.TextChoices):
        FORM = "form", _("Web form")
        EMAIL = "email", _("Email")
        CONTRACT = "contract", _("Contract")
        VERBAL = "verbal", _("Verbal, recorded by staff")
        IMPORT = "import", _("Imported list")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    # Stored in lower case, so one address is one contact per customer.
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    consent = models.BooleanField(_("consents to be surveyed"), default=False)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_source = models.CharField(
        _("consent source"), max_length=10, choices=ConsentSource.choices, blank=True
    )
    opted_out = models.BooleanField(_("opted out"), default=False)
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    bounced = models.BooleanField(_("email bounced"), default=False)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = record_history(no_db_index=["customer", "voided_by"])
    objects = ContactQuerySet.as_manager()  # type: ignore[misc]  # narrows the base's

    class Meta:
        verbose_name = _("contact")
        ordering = ["name"]
        permissions = [("erase_contact", _("Can erase a contact's personal data"))]
        constraints = [
            models.UniqueConstraint(
                "customer",
                "email",
                condition=Q(voided_at__isnull=True),
                name="customers_contact_email_per_customer_unique",
                violation_error_message=_("This customer already has a contact with this email."),
            ),
            models.CheckConstraint(
                condition=Q(consent=False) | (Q(consent_on__isnull=False) & ~Q(consent_source="")),
                name="customers_contact_consent_has_date_and_source",
                violation_error_message=_("Consent needs the date it was given and its source."),
            ),
        ]
        indexes = [
            models.Index(fields=["email"], name="customers_contact_email"),
            # The contacts list's order (by name, ties by id); it hides voided contacts.
            models.Index(
                fields=["name", "id"],
                condition=Q(voided_at__isnull=True),
                name="customers_contact_live_name",
            ),
            # Each customer's active contacts: the customer list counts them from this
            # index alone (a small one: a customer's entries share one key), and the
            # home page counts every active contact from it.
            models.Index(
                fields=["customer"],
                condition=Q(voided_at__isnull=True),
                name="customers_contact_live_cust",
            ),
            # The contacts a survey may go to (``can_be_surveyed_q``), by customer: the
            # home page counts them from this index alone, and a campaign picks a
            # segment's from it.
            models.Index(
                fields=["customer"],
                condition=CAN_BE_SURVEYED,
                name="customers_contact_surveyable",
            ),
        ]
        # On PostgreSQL migration 0010 also adds trigram indexes for the name and email
        # search.

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("customers:contact_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").strip().lower()

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def lock_reason(self) -> str:
        """Return why the contact refuses edits beyond being voided: erasure."""
        if self.is_erased:
            return str(_("This contact's personal data is erased; it can no longer be changed."))
        return ""

    @staticmethod
    def can_be_surveyed_q() -> Q:
        """Return the condition of a contact a survey may go to: consenting, not opted
        out, not bounced, not erased, not voided."""
        return CAN_BE_SURVEYED

    def survey_refusal(self) -> str:  # noqa: PLR0911 (one reason each)
        """Return why no survey may go to the contact, or "" when one may.

        The reasons of ``can_be_surveyed_q`` (the contact's own fields, which a list
        filters on), then two its row alone cannot say: a void customer, and an
        address on the suppression list (the same person, erased or unsubscribed as
        another customer's contact). Every page that sends or offers a survey asks this.
        """
        if self.is_erased:
            return str(_("This contact's personal data was erased: there is no one to survey."))
        if self.is_voided:
            return str(_("This contact is void: no survey goes to them."))
        if self.opted_out:
            return str(_("This contact opted out of surveys."))
        if self.bounced:
            return str(_("Email to this contact bounced: correct the address first."))
        if not self.consent:
            return str(_("This contact has not consented to be surveyed."))
        if self.customer.is_voided:
            return str(_("This contact's customer is void: no survey goes to them."))
        if SuppressedEmail.objects.in_force().filter(email_hash=email_hash(self.email)).exists():
            return str(_("This address is on the suppression list: no survey goes to it."))
        return ""

    @property
    def can_be_surveyed(self) -> bool:
        """Return ``can_be_surveyed_q`` for this one record."""
        return (
            self.consent
            and not self.opted_out
            and not self.bounced
            and not self.is_erased
            and not self.is_voided
        )


class SuppressedEmailQuerySet(models.QuerySet):
    def in_force(self) -> "SuppressedEmailQuerySet":
        """Return the suppressions not lifted: the addresses that imports skip, the
        contact form refuses and no survey goes to."""
        return self.filter(lifted_at__isnull=True)


class SuppressedEmail(models.Model):
    """An address never to import, add or invite again, kept only as a hash.

    A row is written once; it is changed only to lift it, when the person asks anew
    and explicitly to be contacted, with who lifted it, when and why. An address
    suppressed again after a lift gets a new row, so each lift stays on record.
    """

    class Reason(models.TextChoices):
        ERASED = "erased", _("Erased on request")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email_hash = models.CharField(max_length=64, db_index=True)
    reason = models.CharField(_("reason"), max_length=15, choices=Reason.choices)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True, editable=False)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    lift_reason = models.TextField(
        _("why it was lifted"), blank=True, editable=False, max_length=TEXT_MAX_LENGTH
    )

    objects = SuppressedEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("suppressed email")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("lift_suppression", _("Can lift a suppression on the person's new, explicit request"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash"],
                condition=Q(lifted_at__isnull=True),
                name="customers_suppression_in_force_unique",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True, lift_reason="")
                | (Q(lifted_at__isnull=False, lifted_by__isnull=False) & ~Q(lift_reason="")),
                name="customers_suppression_lift_recorded",
                violation_error_message=_("A lift names who lifted it, when and why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… ({self.get_reason_display()})"

    @property
    def is_lifted(self) -> bool:
        return self.lifted_at is not None


class Erasure(models.Model):
    """The log of one erasure of a contact's personal data (append-only)."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="erasures")
    requested_by = models.CharField(
        _("requested by"),
        max_length=200,
        help_text=_("Who asked, for example 'the contact, by email to the DPO'."),
    )
    requested_on = models.DateField(_("requested on"))
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_LENGTH)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    performed_at = models.DateTimeField(_("erased at"), auto_now_add=True)

    class Meta:
        verbose_name = _("erasure")
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"Erasure of contact {self.contact_id} on {self.performed_at:%Y-%m-%d}"


class ImportJob(models.Model):
    """One CSV import: checked first (the dry run), then imported whole or not at all.

    A queue row: its state and progress counters are updated in place, with who and
    when on the row.
    """

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        CONTACTS = "contacts", _("Contacts")

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    # The reason on every history row an import writes; the customer's history finds
    # the rows of imports by it.
    HISTORY_REASON = _("CSV import")

    class Encoding(models.TextChoices):
        # Python codec names. Spreadsheets on Windows save plain "CSV" in Windows-1252
        # and "Unicode Text" in UTF-16.
        UTF_8 = "utf-8", _("UTF-8, with or without BOM (“CSV UTF-8”)")
        WINDOWS_1252 = "cp1252", _("Windows-1252 (Excel on Windows, “CSV (Comma delimited)”)")
        UTF_16 = "utf-16", _("UTF-16 (“Unicode Text”)")

    class FileDeletion(models.TextChoices):
        RETENTION = "retention", _("Past its retention period")
        ERASURE = "erasure", _("It held a contact who was erased")

    kind = models.CharField(_("what it imports"), max_length=10, choices=Kind.choices)
    # Blank once deleted (``file_deleted_at``): the job row and its counts stay.
    file = PrivateFileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    encoding = models.CharField(
        _("encoding"), max_length=10, choices=Encoding.choices, default=Encoding.UTF_8
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # The dry run's outcome: counts, and the errors and skips by row.
    preview = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    # The history rows the import wrote: those with this reason among these ids. The
    # lists filter on them (``?import=``) to show what the import created and updated,
    # at any size and without keeping a list of ids.
    history_reason = models.TextField(blank=True)
    history_from = models.BigIntegerField(null=True, blank=True)
    history_to = models.BigIntegerField(null=True, blank=True)
    # Set by the worker that took the job; a stale claim is given back by beat.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker took the job in its current state: one whose worker died
    # twice is failed rather than given back again.
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Why the uploaded file is deleted, set when that is decided, and when it was. A
    # job that is checking or importing keeps its file until it ends (its worker reads
    # it), so the reason can be set while the time is not yet.
    file_deletion = models.CharField(
        _("why the file is deleted"), max_length=10, choices=FileDeletion.choices, blank=True
    )
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("customers:import_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def has_errors(self) -> bool:
        # The counts stay when the rows go with the file.
        return bool(self.preview.get("errors") or self.preview.get("counts", {}).get("errors"))

    @property
    def file_kept_until(self) -> date:
        """Return the day the retention purge deletes the uploaded file."""
        return timezone.localdate(self.created_at) + timedelta(
            days=settings.IMPORT_FILE_RETENTION_DAYS
        )

    @property
    def file_note(self) -> str:
        """Return what the import's page says of a file no longer kept; "" if it is."""
        if not self.file_deletion:
            return ""
        if self.file_deleted_at is None:
            running = self.state in (self.State.CHECKING, self.State.IMPORTING)
            if running and self.file_deletion == self.FileDeletion.ERASURE:
                return str(
                    _(
                        "The file holds the personal data of a contact who was erased: it is "
                        "deleted as soon as this import ends."
                    )
                )
            return str(
                _("The file is being deleted: %(why)s.")
                % {"why": self.get_file_deletion_display().lower()}
            )
        on = timezone.localdate(self.file_deleted_at)
        if self.file_deletion == self.FileDeletion.ERASURE:
            return str(
                _(
                    "The file was deleted on %(date)s because it held the personal data of a "
                    "contact who was erased. The counts stay as the record of this import."
                )
                % {"date": on.isoformat()}
            )
        days = (on - timezone.localdate(self.created_at)).days
        return ngettext(
            "The file was deleted on %(date)s, %(days)d day after it was uploaded, as "
            "uploaded files are kept only that long. The counts stay as the record of this "
            "import.",
            "The file was deleted on %(date)s, %(days)d days after it was uploaded, as "
            "uploaded files are kept only that long. The counts stay as the record of this "
            "import.",
            days,
        ) % {"date": on.isoformat(), "days": days}

    @property
    def records_url(self) -> str:
        """Return the list of the records this import created or updated."""
        name = "contact_list" if self.kind == self.Kind.CONTACTS else "customer_list"
        return f"{reverse(f'customers:{name}')}?import={self.pk}"
