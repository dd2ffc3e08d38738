"""Demo needs, requirements and commitments for `make run`, written through the
services so that versions, reviews, changes and acknowledgements are real: needs of
every kind, requirements of every category (one statutory re-check overdue),
commitments with reviews, and one changed requirement whose change reopened a made
order's review and still waits for one acknowledgement. Loading twice adds nothing.

The records are tables below: products are named by code, customers and segments by
name, people by demo email, requirements by their key in ``REQUIREMENTS``, and dates
by days from today. They are written in table order. The tables are most of this
module's length: it is data, read top to bottom, not logic to split.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from core.demo import DEMO_USERS
from core.models import User
from customers.models import (
    Commitment,
    CommitmentReview,
    Customer,
    Need,
    ProductService,
    Requirement,
    Segment,
)
from customers.requirements import services

MANAGER = "quality@example.com"
STAFF = "staff@example.com"


@dataclass(frozen=True)
class RequirementRow:
    """A requirement, written as version 1 and then accepted."""

    product: str
    title: str
    text: str
    category: str
    customer: str = ""
    owner: str = MANAGER
    claim: str = ""
    source: str = ""
    source_clause: str = ""
    recheck_in: int | None = None


@dataclass(frozen=True)
class NeedRow:
    """A need of a customer, a segment or another party, and the requirements answering it."""

    title: str
    kind: str
    source: str
    priority: str
    status: str
    answers: tuple[str, ...] = ()
    customer: str = ""
    segment: str = ""
    other_party: str = ""
    horizon: str = Need.Horizon.CURRENT
    source_note: str = ""


@dataclass(frozen=True)
class ReviewRow:
    """A review by the quality manager; every carried requirement not named can be met."""

    # Days from today; never before today, the day the demo records the commitment
    # (a review is not dated before the version it reviews was recorded).
    on: int
    outcome: str
    cannot_meet: tuple[tuple[str, str], ...] = ()  # (requirement, note)
    conditions: str = ""
    differences: str = ""
    verbal_requirements: str = ""


@dataclass(frozen=True)
class CommitmentRow:
    """A quote, order or contract, reviewed and made when the row says so."""

    customer: str
    kind: str
    reference: str
    title: str
    committed_in: int
    carries: tuple[str, ...]
    review: ReviewRow | None = None
    made: bool = False


@dataclass(frozen=True)
class ChangeRow:
    """A new text for a requirement, made by the quality manager after the commitments."""

    requirement: str
    text: str
    reason: str
    acknowledged_by: tuple[str, ...] = ()


REQUIREMENTS = {
    "test_run": RequirementRow(
        "P200",
        "72-hour test run report with each pump",
        "Each P-200 pump ships with the report of a 72-hour continuous test run at the "
        "customer's duty point (40 m³/h at 32 m head).",
        Requirement.Category.CUSTOMER,
        customer="Sharma Precision Tools Pvt Ltd",
        claim="Every pump is run for 72 hours before dispatch.",
    ),
    "delivery": RequirementRow(
        "P200",
        "Delivery and commissioning lead time",
        "Pumps are delivered within 10 working days of the order and commissioned on site "
        "within 3 further working days.",
        Requirement.Category.DELIVERY,
        owner=STAFF,
        claim="10-day delivery anywhere in India.",
    ),
    "ped": RequirementRow(
        "P200",
        "Pressure equipment conformity",
        "Pumps exported to the EU carry the CE mark and a declaration of conformity "
        "under the Pressure Equipment Directive.",
        Requirement.Category.STATUTORY,
        source="Pressure Equipment Directive 2014/68/EU",
        source_clause="Annex I, 3.2",
        recheck_in=60,
        claim="CE marked under PED category II.",
    ),
    "traceable": RequirementRow(
        "CAL",
        "Calibration traceable to national standards",
        "Every calibration is traceable to national standards through an accredited "
        "laboratory, with the uncertainty of measurement stated on the certificate.",
        Requirement.Category.STATUTORY,
        source="ISO/IEC 17025:2017 and NABL 129",
        source_clause="6.5",
        recheck_in=-5,  # overdue: the home panel and the list show it
        claim="NABL-accredited calibration.",
    ),
    "certificates": RequirementRow(
        "CAL",
        "Certificates within two working days",
        "A calibration certificate is issued within 2 working days of the calibration.",
        Requirement.Category.ORGANISATION,
        claim="Certificates in 48 hours.",
    ),
    "rural_power": RequirementRow(
        "W50",
        "Runs on a rural single-phase supply",
        "The W-50 unit treats its rated 50 m³ a day on a 230 V single-phase supply that "
        "varies by ±15%.",
        Requirement.Category.INTENDED_USE,
    ),
    "manual": RequirementRow(
        "W50",
        "Operating manual in Malayalam",
        "The operating and maintenance manual is supplied in Malayalam and English.",
        Requirement.Category.CUSTOMER,
        customer="Kerala Water Board",
    ),
    "response": RequirementRow(
        "CAL",
        "On-site response within 24 hours",
        "A technician is on site within 24 hours of a call, every day of the year.",
        Requirement.Category.CUSTOMER,
        customer="Klinikum Rhein-Main",
    ),
}

NEEDS = [
    NeedRow(
        "Pumps that run three shifts without unplanned stops",
        Need.Kind.STATED,
        Need.Source.MEETING,
        Need.Priority.HIGH,
        Need.Status.ADDRESSED,
        answers=("test_run", "delivery"),
        customer="Sharma Precision Tools Pvt Ltd",
        source_note="Plant review with the maintenance head, March 2026",
    ),
    NeedRow(
        "Calibration records that hospital accreditation auditors accept",
        Need.Kind.IMPLIED,
        Need.Source.MARKET_RESEARCH,
        Need.Priority.HIGH,
        Need.Status.OPEN,
        answers=("traceable", "certificates"),
        segment="Healthcare",
    ),
    NeedRow(
        "Operators maintain the units without a service engineer",
        Need.Kind.STATED,
        Need.Source.CONTRACT,
        Need.Priority.MEDIUM,
        Need.Status.MONITORED,
        answers=("manual", "rural_power"),
        customer="Kerala Water Board",
        horizon=Need.Horizon.FUTURE,
    ),
    NeedRow(
        "Backwash water discharged within effluent limits",
        Need.Kind.STATUTORY,
        Need.Source.OTHER,
        Need.Priority.HIGH,
        Need.Status.OPEN,
        other_party="State Pollution Control Board",
        source_note="Consent to operate, condition 12",
    ),
    NeedRow(
        "Shorter lead times than competitors",
        Need.Kind.ORGANISATION,
        Need.Source.SURVEY,
        Need.Priority.MEDIUM,
        Need.Status.OPEN,
        answers=("delivery",),
        segment="Manufacturing",
        horizon=Need.Horizon.FUTURE,
    ),
]

COMMITMENTS = [
    CommitmentRow(
        "Sharma Precision Tools Pvt Ltd",
        Commitment.Kind.ORDER,
        "PO-SPT-2026-118",
        "Two P-200 pumps with test run and commissioning",
        committed_in=0,
        carries=("test_run", "delivery", "ped"),
        review=ReviewRow(
            on=0,
            outcome=CommitmentReview.Outcome.ACCEPTED,
            differences="Quote Q-2026-0270 offered 12 working days; the order asks for 10, "
            "agreed by phone with the buyer and confirmed by email.",
            verbal_requirements="Painting in RAL 5010, asked for at the site visit and "
            "confirmed in the buyer's email of the same day.",
        ),
        made=True,
    ),
    CommitmentRow(
        "Kerala Water Board",
        Commitment.Kind.CONTRACT,
        "KWB/2026/W50-04",
        "W-50 units for 12 pumping stations, with operator training",
        committed_in=20,
        carries=("rural_power", "manual"),
        review=ReviewRow(
            on=0,
            outcome=CommitmentReview.Outcome.CONDITIONS,
            conditions="The Malayalam manual follows 30 days after installation.",
        ),
    ),
    CommitmentRow(
        "Klinikum Rhein-Main",
        Commitment.Kind.QUOTE,
        "Q-2026-0290",
        "Calibration of 40 instruments with round-the-clock response",
        committed_in=14,
        carries=("traceable", "certificates", "response"),
        review=ReviewRow(
            on=0,
            outcome=CommitmentReview.Outcome.REJECTED,
            cannot_meet=(("response", "Not with the current staffing."),),
        ),
    ),
    CommitmentRow(
        "Apollo Diagnostics Pune",
        Commitment.Kind.QUOTE,
        "Q-2026-0311",
        "Annual calibration of laboratory balances",
        committed_in=30,
        carries=("traceable", "certificates"),
    ),
]

# After the order was made: its review reopens; the delivery owner has acknowledged,
# the account owner not yet.
CHANGES = [
    ChangeRow(
        "delivery",
        "Pumps are delivered within 8 working days of the order and commissioned on site "
        "within 3 further working days.",
        "Lead time cut from 10 to 8 working days after the new Pune warehouse opened.",
        acknowledged_by=(STAFF,),
    ),
]


@transaction.atomic
def load() -> list[str]:
    if Requirement.objects.exists():
        return []
    people = {u.email: u for u in User.objects.filter(email__in=[e for e, _, _ in DEMO_USERS])}
    if MANAGER not in people or STAFF not in people:
        return []
    demo = _Demo(
        by=people[MANAGER],
        today=timezone.localdate(),
        people=people,
        products={p.code: p for p in ProductService.objects.active()},
        customers={c.name: c for c in Customer.objects.active()},
        segments={s.name: s for s in Segment.objects.active()},
    )
    for key, row in REQUIREMENTS.items():
        _write_requirement(demo, key, row)
    for need in NEEDS:
        _write_need(demo, need)
    for commitment in COMMITMENTS:
        _write_commitment(demo, commitment)
    for change in CHANGES:
        _write_change(demo, change)
    return demo.created


@dataclass
class _Demo:
    """What the rows name, looked up once, and what has been written so far."""

    by: User
    today: date
    people: dict[str, User]
    products: dict[str, ProductService]
    customers: dict[str, Customer]
    segments: dict[str, Segment]
    requirements: dict[str, Requirement] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)


def _write_requirement(demo: _Demo, key: str, row: RequirementRow) -> None:
    requirement = services.requirement_create(
        requirement=Requirement(
            product=demo.products[row.product],
            customer=demo.customers.get(row.customer),
            title=row.title,
            text=row.text,
            category=row.category,
            owner=demo.people[row.owner],
            claim=row.claim,
            source=row.source,
            source_clause=row.source_clause,
            recheck_due=None if row.recheck_in is None else demo.day(row.recheck_in),
        ),
        by=demo.by,
    )
    for status in (Requirement.Status.UNDER_REVIEW, Requirement.Status.ACCEPTED):
        requirement = services.requirement_set_status(
            requirement=requirement, by=demo.by, status=status
        )
    demo.requirements[key] = requirement
    demo.created.append(f"requirement {requirement}")


def _write_need(demo: _Demo, row: NeedRow) -> None:
    need = services.need_save(
        need=Need(
            customer=demo.customers.get(row.customer),
            segment=demo.segments.get(row.segment),
            other_party=row.other_party,
            title=row.title,
            kind=row.kind,
            horizon=row.horizon,
            source=row.source,
            source_note=row.source_note,
            priority=row.priority,
        ),
        by=demo.by,
        status=Need.Status.OPEN,
        requirements=[demo.requirements[key] for key in row.answers],
    )
    # Opened first and then moved, as a user would: the history shows the move.
    if row.status != Need.Status.OPEN:
        services.need_save(need=need, by=demo.by, status=row.status)
    demo.created.append(f"need {need.title}")


def _write_commitment(demo: _Demo, row: CommitmentRow) -> None:
    commitment = services.commitment_create(
        commitment=Commitment(
            customer=demo.customers[row.customer],
            kind=row.kind,
            reference=row.reference,
            title=row.title,
            committed_on=demo.day(row.committed_in),
        ),
        requirements=[demo.requirements[key] for key in row.carries],
        by=demo.by,
    )
    demo.created.append(f"commitment {commitment}")
    if (review := row.review) is not None:
        unmet = {demo.requirements[key].pk: note for key, note in review.cannot_meet}
        services.commitment_review(
            commitment=commitment,
            by=demo.by,
            reviewed_on=demo.day(review.on),
            outcome=review.outcome,
            findings=[
                services.ItemFinding(
                    requirement=r, can_meet=r.pk not in unmet, note=unmet.get(r.pk, "")
                )
                for r in commitment.requirements.all()
            ],
            conditions=review.conditions,
            differences=review.differences,
            verbal_requirements=review.verbal_requirements,
        )
    if row.made:
        services.commitment_make(commitment=commitment, by=demo.by)


def _write_change(demo: _Demo, row: ChangeRow) -> None:
    requirement = demo.requirements[row.requirement]
    requirement.text = row.text
    edit = services.requirement_change(requirement=requirement, by=demo.by, reason=row.reason)
    if edit.change is not None:
        for email in row.acknowledged_by:
            services.change_acknowledge(change=edit.change, by=demo.people[email])
        demo.created.append(f"change {edit.change}")
