"""Demo communication plan and log for `make run`, written through the services: a
plan approved twice (version 1 five months ago, version 2 last month) with one
change still in the draft, one row overdue (a monthly call to a key account), and
calls, meetings, visits and letters over the last months, some fulfilling planned
rows, plus the overdue reminder the job emails. Loading twice adds nothing.

A communication cannot come before its customer existed: the customers' demo dates
its customers a year back, and every event here runs at its own date
(``core.demo.happening_at``), so that the history, the versions and the plan in
force on a past date read as months of use.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.demo import DEMO_USERS, happening_at
from core.models import User
from customers.models import Contact, Customer, Segment
from feedback.communication import services
from feedback.communication.models import (
    Audience,
    Channel,
    Communication,
    Direction,
    Frequency,
    PlanRow,
    PlanVersion,
)

DIRECTOR = "director@example.com"
MANAGER = "quality@example.com"
STAFF = "staff@example.com"


@dataclass(frozen=True)
class RowSpec:
    subject: str
    audience: str
    frequency: str
    channel: str
    responsible: str
    due_in: int | None = None  # days from today; None for a row made on an event
    customer: str = ""
    segment: str = ""
    event: str = ""
    notes: str = ""


@dataclass(frozen=True)
class EntrySpec:
    days_ago: int
    channel: str
    summary: str
    by: str
    customer: str = ""
    audience: str = ""
    direction: str = Direction.OUT
    details: str = ""
    fulfils: str = ""  # a key of ROWS


ROWS = {
    "northwind_review": RowSpec(
        "Service review meeting",
        Audience.CUSTOMER,
        Frequency.QUARTERLY,
        Channel.MEETING,
        MANAGER,
        due_in=-80,
        customer="Northwind Engineering GmbH",
        notes="Delivery performance, open complaints, the year's plans.",
    ),
    "healthcare_results": RowSpec(
        "Satisfaction survey results",
        Audience.SEGMENT,
        Frequency.HALF_YEARLY,
        Channel.EMAIL,
        MANAGER,
        due_in=60,
        segment="Healthcare",
    ),
    "objectives": RowSpec(
        "Quality objectives and how we stand",
        Audience.STAFF,
        Frequency.QUARTERLY,
        Channel.MEETING,
        DIRECTOR,
        due_in=-20,
    ),
    "review_input": RowSpec(
        "Customer feedback summary for the management review",
        Audience.TOP_MANAGEMENT,
        Frequency.YEARLY,
        Channel.MEETING,
        MANAGER,
        due_in=150,
    ),
    "sharma_call": RowSpec(
        "Account check-in call",
        Audience.CUSTOMER,
        Frequency.MONTHLY,
        Channel.PHONE,
        STAFF,
        due_in=-101,
        customer="Sharma Precision Tools Pvt Ltd",
        notes="Orders due, service visits, anything that worries them.",
    ),
    "safety_notice": RowSpec(
        "Product safety notice",
        Audience.ALL_CUSTOMERS,
        Frequency.ON_EVENT,
        Channel.LETTER,
        MANAGER,
        event="A fault found in a product that could affect safety",
    ),
}
# Version 2 adds this row and sends the survey results every quarter.
ADDED_IN_VERSION_2 = {
    "newsletter": RowSpec(
        "Product and service newsletter",
        Audience.SEGMENT,
        Frequency.QUARTERLY,
        Channel.NEWSLETTER,
        MANAGER,
        due_in=20,
        segment="Manufacturing",
    ),
}
# Still in the draft: waiting for approval.
DRAFT = {
    "customer_day": RowSpec(
        "Invitation to the customer day",
        Audience.ALL_CUSTOMERS,
        Frequency.YEARLY,
        Channel.EMAIL,
        DIRECTOR,
        due_in=90,
    ),
}
# The draft's change was made this many days ago.
DRAFT_DAYS_AGO = 3
VERSIONS = [
    (150, DIRECTOR, "First communication plan, agreed at the management review."),
    (
        35,
        MANAGER,
        (
            "Healthcare customers asked for results every quarter; a newsletter for "
            "manufacturing customers added."
        ),
    ),
]

ENTRIES = [
    EntrySpec(
        98,
        Channel.PHONE,
        "Monthly check-in: two orders due in May",
        STAFF,
        customer="Sharma Precision Tools Pvt Ltd",
        fulfils="sharma_call",
    ),
    EntrySpec(
        92,
        Channel.VISIT,
        "Site visit: commissioning of the second P-200 pump",
        MANAGER,
        customer="Kerala Water Board",
        details="Commissioning went well; they asked for operator training in Malayalam.",
    ),
    EntrySpec(
        85,
        Channel.MEETING,
        "Quarterly service review",
        MANAGER,
        customer="Northwind Engineering GmbH",
        fulfils="northwind_review",
        details="On-time delivery 96%. One open complaint about spare parts lead time.",
    ),
    EntrySpec(
        74,
        Channel.PHONE,
        "They called about a late calibration certificate",
        STAFF,
        customer="Apollo Diagnostics Pune",
        direction=Direction.IN,
        details="Certificate re-sent the same day; they want it with the visit next time.",
    ),
    EntrySpec(
        68,
        Channel.PHONE,
        "Monthly check-in: spare parts kit prices",
        STAFF,
        customer="Sharma Precision Tools Pvt Ltd",
        fulfils="sharma_call",
    ),
    EntrySpec(
        55,
        Channel.VIDEO,
        "Video call: maintenance contract renewal",
        DIRECTOR,
        customer="Singapore MedTech Pte Ltd",
    ),
    EntrySpec(
        45,
        Channel.PHONE,
        "Monthly check-in: training dates agreed",
        STAFF,
        customer="Sharma Precision Tools Pvt Ltd",
        fulfils="sharma_call",
    ),
    EntrySpec(
        40,
        Channel.LETTER,
        "Letter confirming the end of the supply agreement",
        MANAGER,
        customer="Harbour Foods Co",
    ),
    EntrySpec(
        30,
        Channel.PHONE,
        "Follow-up on the pump noise they reported",
        STAFF,
        customer="Prairie Mills Inc",
        details="Engineer booked for next week; the customer is unhappy about the wait.",
    ),
    EntrySpec(
        22,
        Channel.MEETING,
        "Quarterly quality objectives briefing",
        DIRECTOR,
        audience=Audience.STAFF,
        fulfils="objectives",
        details="On-time delivery and complaint closure times against this year's targets.",
    ),
    EntrySpec(
        12,
        Channel.MEETING,
        "Meeting with the new head of procurement",
        MANAGER,
        customer="Klinikum Rhein-Main",
    ),
    EntrySpec(
        4,
        Channel.EMAIL,
        "Sent the revised quote for two W-50 units",
        STAFF,
        customer="Brightside Retail Ltd",
    ),
]


def _at(days_ago: int) -> datetime:
    """Return 10:30 local time, ``days_ago`` days before today."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def _row(spec: RowSpec, people: dict[str, User], today: date) -> PlanRow:
    return PlanRow(
        subject=spec.subject,
        audience=spec.audience,
        frequency=spec.frequency,
        channel=spec.channel,
        responsible=people[spec.responsible],
        next_due=today + timedelta(days=spec.due_in) if spec.due_in is not None else None,
        customer=Customer.objects.filter(name=spec.customer).first() if spec.customer else None,
        segment=Segment.objects.active().filter(name=spec.segment).first()
        if spec.segment
        else None,
        event=spec.event,
        notes=spec.notes,
    )


@transaction.atomic
def load() -> list[str]:
    """Load the demo plan and log unless there is one already; return what was created."""
    if PlanVersion.objects.exists() or Communication.objects.exists():
        return []
    people = {u.email: u for u in User.objects.filter(email__in=[e for e, _, _ in DEMO_USERS])}
    if not {DIRECTOR, MANAGER, STAFF} <= people.keys():
        return []
    named = {spec.customer for spec in ROWS.values() if spec.customer}
    named |= {entry.customer for entry in ENTRIES if entry.customer}
    if Customer.objects.filter(name__in=named).count() < len(named):
        return []  # the customers' demo is not loaded
    today = timezone.localdate()
    created: list[str] = []
    rows: dict[str, PlanRow] = {}
    # Every event in the order it happened, each at its own date.
    events: list[tuple[int, int, Any]] = [
        (days_ago, 0, (number, approver, summary, additions))
        for number, ((days_ago, approver, summary), additions) in enumerate(
            zip(VERSIONS, [ROWS, ADDED_IN_VERSION_2], strict=True), start=1
        )
    ]
    events += [(entry.days_ago, 1, entry) for entry in ENTRIES]
    events.append((DRAFT_DAYS_AGO, 2, None))
    for days_ago, kind, event in sorted(events, key=lambda item: (-item[0], item[1])):
        with happening_at(_at(days_ago)):
            if kind == 0:
                number, approver, summary, additions = event
                if number == 2:
                    results = rows["healthcare_results"]
                    results.frequency = Frequency.QUARTERLY
                    services.plan_row_save(row=results, by=people[MANAGER])
                for key, spec in additions.items():
                    rows[key] = services.plan_row_save(
                        row=_row(spec, people, today), by=people[MANAGER]
                    )
                version = services.plan_approve(by=people[approver], change_summary=summary)
                # The field's default was bound before the clock moved.
                PlanVersion.objects.filter(pk=version.pk).update(approved_at=_at(days_ago))
                created.append(f"communication plan version {number}")
            elif kind == 1:
                _record(event, people, rows)
            else:
                for key, spec in DRAFT.items():
                    rows[key] = services.plan_row_save(
                        row=_row(spec, people, today), by=people[MANAGER]
                    )
    created.append(f"{len(rows)} planned communications")
    created.append(f"{len(ENTRIES)} logged communications")
    reminded = services.plan_remind_overdue()
    if reminded:
        created.append(f"{reminded} overdue reminder email(s)")
    return created


def _record(entry: EntrySpec, people: dict[str, User], rows: dict[str, PlanRow]) -> None:
    customer = Customer.objects.filter(name=entry.customer).first() if entry.customer else None
    contact = (
        Contact.objects.active().filter(customer=customer).order_by("pk").first()
        if customer
        else None
    )
    services.communication_record(
        communication=Communication(
            direction=entry.direction,
            channel=entry.channel,
            occurred_at=_at(entry.days_ago),
            customer=customer,
            contact=contact,
            audience=entry.audience,
            summary=entry.summary,
            details=entry.details,
            handled_by=people[entry.by],
            plan_row=rows[entry.fulfils] if entry.fulfils else None,
        ),
        by=people[entry.by],
    )
