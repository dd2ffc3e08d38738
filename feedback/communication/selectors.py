"""Read queries of the communication log and plan: a constant number of queries each.

The log is one list of two tables: the communications staff record, and the emails
the system sent (``core.models.OutboundEmail``, read where they are). Each side is
filtered in the database, the two are joined with ``UNION ALL`` into rows of (which
table, id, when), and the database sorts and pages them: a page costs a count, the
page's keys, and one query per table for its rows, whatever the page or the size of
either table.

An email belongs to the customer of the contact whose address it went to. Contacts'
addresses and emails' recipients are both stored in lower case, so they match through
the recipient's index: a customer's emails are those to its contacts' addresses (a few
index lookups, however many emails there are), and of those, an address two
customers' contacts share goes with the active contact recorded first
(``EMAIL_CONTACT_ORDER``), on the list and its filters alike.

Kept in one module past 500 lines: the log's filters, lines, timeline and who may
read an email share the union's two sides and the email-reading rule; split, each
half would import the other's private pieces.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from core.models import OutboundEmail, User
from core.registries import TimelineEntry
from core.versions import DiffRow
from customers.models import Contact, Customer
from feedback.communication.models import (
    PLAN_CONTENT,
    Channel,
    Communication,
    Direction,
    PlanRow,
    PlanVersion,
    PlanVersionRow,
    caused_by_url,
)

ENTRY, EMAIL = "entry", "email"
# Which contact an email went to, when several share its address: active first, then
# the one recorded first. The list, its filters and the timeline read the same one.
EMAIL_CONTACT_ORDER = (F("voided_at").asc(nulls_first=True), "pk")
# The log's page size comes from core.pages; the timeline takes this many of each.
TIMELINE_LIMIT = 100


# How emails are named ---------------------------------------------------------------

# Each purpose an app queues emails for, in words; one mapping for the log's lines, its
# filter and the email's page. A purpose not listed is shown capitalised.
EMAIL_PURPOSES = {
    "change notice": gettext_lazy("Requirement change notice"),
    "communication overdue": gettext_lazy("Planned communication overdue"),
    "complaint assigned": gettext_lazy("Complaint assigned"),
    "complaint escalation": gettext_lazy("Complaint escalation"),
    "complaint needs an owner": gettext_lazy("Complaint needs an owner"),
    "feedback acknowledgement": gettext_lazy("Feedback acknowledgement"),
    "feedback decision": gettext_lazy("Feedback decision"),
    "feedback form link": gettext_lazy("Feedback form link"),
    "password_reset": gettext_lazy("Password reset"),
    "re-check due": gettext_lazy("Re-check due"),
    "survey invitation": gettext_lazy("Survey invitation"),
    "survey reminder": gettext_lazy("Survey reminder"),
}
# The system actors (commands, tasks) that queue emails, in words.
SYSTEM_ACTORS = {"command load_demo": gettext_lazy("the system (demo data)")}


def purpose_label(purpose: str) -> str:
    """Return an email purpose in words ("feedback acknowledgement" in a sentence case)."""
    label = EMAIL_PURPOSES.get(purpose)
    if label is not None:
        return str(label)
    text = purpose.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def language_label(code: str) -> str:
    """Return a language's name in the reader's language ("en" -> "English"), or the
    code itself when Django does not know it."""
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def queued_by(email: OutboundEmail) -> str:
    """Return who queued the email: the person, or the system (with what part of it)."""
    if email.created_by_id is not None:
        return str(email.created_by)
    if email.created_actor in SYSTEM_ACTORS:
        return str(SYSTEM_ACTORS[email.created_actor])
    return _("the system")


# Who may read what ----------------------------------------------------------------


def reads_every_email(user: Any) -> bool:
    """Return whether the person reads every email the system sent (internal ones too)."""
    return bool(user.has_perm("core.view_outboundemail"))


def _viewable_models(user: Any) -> Q:
    """Return a condition on ``ContentType`` matching the models the person may view
    (no query: read from the installed models and the person's cached permissions)."""
    viewable = Q(pk__in=[])
    for model in apps.get_models():
        meta = model._meta
        if user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            viewable |= Q(app_label=meta.app_label, model=meta.model_name)
    return viewable


def emails_for(user: Any) -> QuerySet[OutboundEmail]:
    """Return the emails the person reads: their log lines, pages and bodies alike.

    Everyone who holds ``core.view_outboundemail`` reads every email; anyone else reads
    an email sent to their own address, one they queued, one to a contact of a
    customer they own, and one about a record they may view (the view permission of
    its model). The one rule of who reads an email: the log, the email's page and its
    HTML body all read it here.
    """
    emails = OutboundEmail.objects.all()
    if reads_every_email(user):
        return emails
    theirs: Q = Q(created_by=user.pk) | Q(
        Exists(Contact.objects.filter(email=OuterRef("recipient"), customer__account_owner=user.pk))
    )
    if user.email:
        theirs |= Q(recipient=user.email.lower())
    theirs |= Q(content_type__in=ContentType.objects.filter(_viewable_models(user)))
    return emails.filter(theirs)


def email_contact(email: OutboundEmail) -> Contact | None:
    """Return the contact the email went to (``EMAIL_CONTACT_ORDER``), with its customer."""
    return (
        Contact.objects.filter(email=email.recipient.strip().lower())
        .select_related("customer__account_owner")
        .order_by(*EMAIL_CONTACT_ORDER)
        .first()
    )


# The log ----------------------------------------------------------------------------


@dataclass
class LogFilters:
    """What the log's filter form asked for (every field optional)."""

    text: str = ""
    customer: Customer | None = None
    contact: Contact | None = None
    channel: str = ""
    direction: str = ""
    purpose: str = ""
    plan_row: PlanRow | None = None
    source: str = ""
    date_from: date | None = None
    date_to: date | None = None
    voided: bool = False


def communications_matching(text: str, communications: QuerySet) -> QuerySet:
    """Return the communications whose summary or details contain the text: the log's
    search and the header search's, so that "Show all" lists exactly the matches."""
    text = text.strip()
    if not text:
        return communications
    return communications.filter(Q(summary__icontains=text) | Q(details__icontains=text))


def communication_search(text: str) -> QuerySet[Communication]:
    """The header search's communications: active, matching, newest first."""
    return communications_matching(
        text, Communication.objects.active().select_related("customer")
    ).order_by("-occurred_at", "-pk")


def _entry_side(filters: LogFilters) -> QuerySet | None:
    """Return the communications the filters select, or None when they select none."""
    if filters.purpose or filters.source == EMAIL:
        return None
    rows: QuerySet = Communication.objects.all()
    if not filters.voided:
        rows = rows.filter(voided_at__isnull=True)
    rows = communications_matching(filters.text, rows)
    if filters.customer is not None:
        rows = rows.filter(customer=filters.customer)
    if filters.contact is not None:
        rows = rows.filter(contact=filters.contact)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.direction:
        rows = rows.filter(direction=filters.direction)
    if filters.plan_row is not None:
        rows = rows.filter(plan_row=filters.plan_row)
    if filters.date_from:
        rows = rows.filter(occurred_at__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(occurred_at__date__lte=filters.date_to)
    return rows.annotate(
        source=Value(ENTRY, output_field=CharField()), happened=F("occurred_at"), key=F("pk")
    ).values("source", "key", "happened")


def _email_side(user: Any, filters: LogFilters) -> QuerySet | None:
    """Return the emails the filters select, or None when they select none."""
    if (
        filters.source == ENTRY
        or filters.plan_row is not None
        or filters.direction == Direction.IN
        or (filters.channel and filters.channel != Channel.EMAIL)
    ):
        return None
    rows = emails_for(user)
    text = filters.text.strip()
    if text:
        rows = rows.filter(Q(subject__icontains=text) | Q(recipient__icontains=text))
    if filters.purpose:
        rows = rows.filter(purpose=filters.purpose)
    if filters.customer is not None or filters.contact is not None:
        went_to = (
            Contact.objects.filter(email=OuterRef("recipient"))
            .order_by(*EMAIL_CONTACT_ORDER)
            .values("pk")[:1]
        )
        rows = rows.annotate(to_contact=Subquery(went_to))
        if filters.contact is not None:
            rows = rows.filter(recipient=filters.contact.email, to_contact=filters.contact.pk)
        if filters.customer is not None:
            theirs = Contact.objects.filter(customer=filters.customer)
            rows = rows.filter(
                recipient__in=theirs.values("email"), to_contact__in=theirs.values("pk")
            )
    if filters.date_from:
        rows = rows.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(created_at__date__lte=filters.date_to)
    return rows.annotate(
        source=Value(EMAIL, output_field=CharField()), happened=F("created_at"), key=F("pk")
    ).values("source", "key", "happened")


def log_rows(user: Any, filters: LogFilters) -> QuerySet:
    """Return the log's rows, newest first: dicts of ``source`` (``entry`` or
    ``email``), ``key`` (the id in its table) and ``happened``.

    One ``UNION ALL`` of the two filtered tables, sorted and paged by the database.
    """
    sides = [s for s in (_entry_side(filters), _email_side(user, filters)) if s is not None]
    if not sides:
        return Communication.objects.none().values("pk")
    first, *others = [side.order_by() for side in sides]
    rows = first.union(*others, all=True) if others else first
    return rows.order_by("-happened", "source", "-key")


@dataclass
class LogLine:
    """One line of the log, whichever table it comes from."""

    source: str
    record: Any
    when: datetime
    channel: str
    direction: str
    customer: Customer | None
    whom: str
    summary: str
    who: str
    url: str
    caused_by_url: str = ""
    caused_by: str = ""
    state: str = ""
    state_label: str = ""
    purpose: str = ""
    voided: bool = False

    @property
    def is_email(self) -> bool:
        return self.source == EMAIL


def _contacts_by_address(addresses: Iterable[str]) -> dict[str, Contact]:
    """Return, per address, the contact emails to it belong to (one query)."""
    found: dict[str, Contact] = {}
    contacts = (
        Contact.objects.filter(email__in=set(addresses))
        .select_related("customer")
        .order_by(*EMAIL_CONTACT_ORDER)
    )
    for contact in contacts:
        found.setdefault(contact.email, contact)
    return found


def _caused(record: Any) -> tuple[str, str]:
    related = getattr(record, "related", None) or getattr(record, "caused_by", None)
    return caused_by_url(related), str(related) if related is not None else ""


def log_lines(rows: Iterable[dict[str, Any]]) -> list[LogLine]:
    """Return the lines of a page of ``log_rows``, in its order.

    One query per table for the records, one for the contacts emails went to, and one
    per kind of record that caused them (a generic prefetch).
    """
    rows = list(rows)
    entry_ids = [row["key"] for row in rows if row["source"] == ENTRY]
    email_ids = [row["key"] for row in rows if row["source"] == EMAIL]
    entries = (
        Communication.objects.filter(pk__in=entry_ids)
        .select_related("customer", "contact", "handled_by", "content_type")
        .prefetch_related("caused_by")
        .in_bulk()
        if entry_ids
        else {}
    )
    emails = (
        OutboundEmail.objects.filter(pk__in=email_ids)
        .select_related("created_by", "content_type")
        .prefetch_related("related")
        .in_bulk()
        if email_ids
        else {}
    )
    contacts = _contacts_by_address(e.recipient.strip().lower() for e in emails.values())
    lines = []
    for row in rows:
        if row["source"] == ENTRY:
            entry = entries[row["key"]]
            url, cause = _caused(entry)
            lines.append(
                LogLine(
                    source=ENTRY,
                    record=entry,
                    when=entry.occurred_at,
                    channel=entry.get_channel_display(),
                    direction=entry.get_direction_display(),
                    customer=entry.customer,
                    whom=str(entry.contact) if entry.contact_id else entry.get_audience_display(),
                    summary=entry.summary,
                    who=str(entry.handled_by),
                    url=entry.get_absolute_url(),
                    caused_by_url=url,
                    caused_by=cause,
                    voided=entry.is_voided,
                )
            )
        else:
            email = emails[row["key"]]
            contact = contacts.get(email.recipient.strip().lower())
            url, cause = _caused(email)
            lines.append(
                LogLine(
                    source=EMAIL,
                    record=email,
                    when=email.created_at,
                    channel=str(Channel.EMAIL.label),
                    # An email's direction is always out: its delivery state says more.
                    direction=_("Outgoing email: %(state)s") % {"state": email.get_state_display()},
                    customer=contact.customer if contact else None,
                    whom=f"{contact} <{email.recipient}>" if contact else email.recipient,
                    summary=email.subject,
                    who=queued_by(email),
                    url=email_url(email),
                    caused_by_url=url,
                    caused_by=cause,
                    state=email.state,
                    state_label=email.get_state_display(),
                    purpose=purpose_label(email.purpose),
                )
            )
    return lines


def email_url(email: OutboundEmail) -> str:
    """Return the page of a logged email."""
    return reverse("feedback:communication_email", args=[email.pk])


def email_purposes() -> list[tuple[str, str]]:
    """Return the purposes of the emails sent with their labels, for the log's filter
    (one query)."""
    purposes = OutboundEmail.objects.order_by("purpose").values_list("purpose", flat=True)
    return sorted(
        ((purpose, purpose_label(purpose)) for purpose in purposes.distinct()),
        key=lambda choice: choice[1].lower(),
    )


def communication_detail(pk: int) -> Communication:
    return Communication.objects.select_related(
        "customer",
        "contact",
        "handled_by",
        "created_by",
        "voided_by",
        "plan_row",
        "content_type",
    ).get(pk=pk)


# The customer's timeline -----------------------------------------------------------


def timeline_communications(customer: Customer) -> list[TimelineEntry]:
    """Return the communications with the customer as timeline entries, newest first."""
    if not isinstance(customer, Customer):
        return []
    entries = (
        Communication.objects.about_customer(customer)
        .select_related("contact", "handled_by")
        .order_by("-occurred_at", "-pk")[:TIMELINE_LIMIT]
    )
    return [
        TimelineEntry(
            when=entry.occurred_at,
            kind="communication",
            title=f"{entry.get_channel_display()}: {entry.summary}",
            url=entry.get_absolute_url(),
            summary=" · ".join(
                part
                for part in (
                    entry.get_direction_display(),
                    str(entry.contact) if entry.contact_id else "",
                    str(entry.handled_by),
                )
                if part
            ),
            actor=str(entry.handled_by),
        )
        for entry in entries
    ]


def timeline_emails(customer: Customer) -> list[TimelineEntry]:
    """Return the emails to the customer's contacts as timeline entries, newest first.

    The emails to an address the customer's contact shares with another customer's go
    with the contact ``EMAIL_CONTACT_ORDER`` puts first, as on the log.
    """
    if not isinstance(customer, Customer):
        return []
    went_to = (
        Contact.objects.filter(email=OuterRef("recipient"))
        .order_by(*EMAIL_CONTACT_ORDER)
        .values("customer_id")[:1]
    )
    emails = (
        OutboundEmail.objects.filter(
            recipient__in=Contact.objects.filter(customer=customer).values("email")
        )
        .annotate(to_customer=Subquery(went_to))
        .filter(to_customer=customer.pk)
        .order_by("-created_at", "-pk")[:TIMELINE_LIMIT]
    )
    return [
        TimelineEntry(
            when=email.created_at,
            kind="email",
            title=_("Email: %(subject)s") % {"subject": email.subject},
            url=email_url(email),
            summary=f"{email.recipient} · {purpose_label(email.purpose)} · "
            f"{email.get_state_display()}",
        )
        for email in emails
    ]


# The plan ---------------------------------------------------------------------------


def plan_versions() -> list[PlanVersion]:
    """Return every approved version, newest first, with who approved it."""
    return list(PlanVersion.objects.select_related("approved_by").order_by("-number"))


def version_in_force(on: date | None = None) -> PlanVersion | None:
    """Return the version in force at the end of the day ``on`` (today by default): the
    one approved last on or before it."""
    versions = PlanVersion.objects.select_related("approved_by").order_by("-approved_at", "-number")
    if on is not None:
        versions = versions.filter(approved_at__lte=end_of_day(on))
    return versions.first()


def version_rows(version: PlanVersion | None) -> list[PlanVersionRow]:
    """Return a version's rows, with what each names, in the plan's order."""
    if version is None:
        return []
    return list(
        version.rows.select_related("segment", "customer", "responsible", "row").order_by(
            "subject", "row_id"
        )
    )


def end_of_day(day: date) -> datetime:
    """Return the last moment of a day in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, datetime.max.time()))


def version_rows_on(version: PlanVersion | None, day: date) -> list[PlanVersionRow]:
    """Return a version's rows as on ``version_rows``, each with ``due_then``: the row's
    next due date as it stood at the end of ``day``, read from the row's history (the
    copy's own date is the one on the day of approval; fulfilment moves it since).
    One query."""
    if version is None:
        return []
    history = PlanRow.history.model.objects.filter(
        id=OuterRef("row_id"), history_date__lte=end_of_day(day)
    ).order_by("-history_date", "-history_id")
    return list(
        version.rows.select_related("segment", "customer", "responsible", "row")
        .annotate(due_then=Subquery(history.values("next_due")[:1]))
        .order_by("subject", "row_id")
    )


def plan_rows_in_force() -> QuerySet[PlanRow]:
    """Return the rows in force with what their page shows (the plan page's table)."""
    return (
        PlanRow.objects.in_force()
        .select_related(
            "in_force_as__segment",
            "in_force_as__customer",
            "in_force_as__responsible",
        )
        .order_by("in_force_as__subject", "pk")
    )


def draft_rows() -> QuerySet[PlanRow]:
    """Return every row of the draft (not voided), with what it names."""
    return (
        PlanRow.objects.active()
        .select_related("segment", "customer", "responsible", "in_force_as")
        .order_by("subject", "pk")
    )


@dataclass
class DraftChange:
    """One row the draft changes against the plan in force."""

    kind: str  # "added", "changed", "removed"
    row: PlanRow
    diff: list[Any]

    @property
    def label(self) -> str:
        return {
            "added": _("Added"),
            "changed": _("Changed"),
            "removed": _("Removed"),
        }[self.kind]


def draft_changes(rows: Iterable[PlanRow] | None = None) -> list[DraftChange]:
    """Return how the draft differs from the plan in force, row by row.

    A row never approved is added; a withdrawn row in force is removed; a row in
    force whose content differs from its copy is changed, with each field side by side.
    """
    changes = []
    for row in draft_rows() if rows is None else rows:
        copy = row.in_force_as
        if row.withdrawn:
            if copy is not None:
                changes.append(DraftChange("removed", row, []))
            continue
        if copy is None:
            changes.append(DraftChange("added", row, PLAN_CONTENT.diff(PlanRow, None, row)))
            continue
        if PLAN_CONTENT.changed(row, copy):
            diff = [line for line in PLAN_CONTENT.diff(PlanRow, copy, row) if line.changed]
            changes.append(DraftChange("changed", row, diff))
    return changes


def overdue_rows(limit: int | None = None, responsible: Any = None) -> list[PlanRow]:
    """Return the rows in force whose next due date has passed, the longest overdue first;
    only those the person is responsible for (in the plan in force), when one is named."""
    overdue = PlanRow.objects.overdue()
    if responsible is not None:
        overdue = overdue.filter(in_force_as__responsible=responsible)
    rows = overdue.select_related(
        "in_force_as__responsible", "in_force_as__customer", "in_force_as__segment"
    ).order_by("next_due", "pk")
    return list(rows[:limit] if limit else rows)


def plan_row_detail(pk: int) -> PlanRow:
    return PlanRow.objects.select_related(
        "segment",
        "customer",
        "responsible",
        "in_force_as__segment",
        "in_force_as__customer",
        "in_force_as__responsible",
        "in_force_as__version",
        "voided_by",
    ).get(pk=pk)


def fulfilments(row: PlanRow) -> QuerySet[Communication]:
    """Return the communications that fulfilled the row, newest first."""
    return row.fulfilments.select_related("customer", "contact", "handled_by").order_by(
        "-occurred_at", "-pk"
    )


def plan_rows_to_fulfil(keep: PlanRow | None = None) -> QuerySet[PlanRow]:
    """Return the rows a communication may fulfil: those in force (and the one it
    already fulfils, so that editing it never drops the link unseen)."""
    offered = Q(in_force_as__isnull=False, voided_at__isnull=True)
    if keep is not None:
        offered |= Q(pk=keep.pk)
    return PlanRow.objects.filter(offered).select_related("in_force_as").order_by("subject", "pk")


def responsible_people() -> QuerySet[User]:
    """Return the people a plan row may name as responsible: active users."""
    return User.objects.filter(is_active=True)


@dataclass
class RowComparison:
    """One row of the plan in two versions: added, removed, changed or the same."""

    kind: str
    subject: str
    diff: list[Any]

    @property
    def label(self) -> str:
        return {
            "added": _("Added"),
            "removed": _("Removed"),
            "changed": _("Changed"),
            "same": _("Unchanged"),
        }[self.kind]


def compare_versions(old: PlanVersion | None, new: PlanVersion | None) -> list[RowComparison]:
    """Return the rows of two versions side by side, matched by row (two queries)."""
    if new is None:
        return []
    before = {copy.row_id: copy for copy in version_rows(old)}
    after = {copy.row_id: copy for copy in version_rows(new)}
    compared = []
    for row_id, copy in after.items():
        earlier = before.get(row_id)
        diff = PLAN_CONTENT.diff(PlanVersionRow, earlier, copy)
        if earlier is None:
            kind = "added"
        elif any(line.changed for line in diff):
            kind = "changed"
        else:
            kind = "same"
        compared.append(RowComparison(kind, copy.subject, diff))
    for row_id, copy in before.items():
        if row_id not in after:
            diff = [
                DiffRow(line.label, line.new, "")
                for line in PLAN_CONTENT.diff(PlanVersionRow, None, copy)
            ]
            compared.append(RowComparison("removed", copy.subject, diff))
    order = {"changed": 0, "added": 1, "removed": 2, "same": 3}
    return sorted(compared, key=lambda item: (order[item.kind], item.subject.lower()))
