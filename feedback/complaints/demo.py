"""Demo feedback for `make run`, written through the services so that the history,
the emails and the figures are real: complaints in every state (one whose decision
the customer did not accept, the recourse offered and its outcome pending; one closed
after a review), compliments, suggestions, an enquiry and a follow-up, some overdue,
received over the last months. Loading twice adds nothing.

Each row is a list of steps taken so many days after the item was received; the
rows are data, read top to bottom. Each step runs at its own date, taken by the
item's owner, so the history, the emails logged and the timestamps tell the story
the record tells; the acknowledgement is the real email of ``feedback_receive``.
"""

# ruff: noqa: E501  (the rows hold sentences, read as data)
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.demo import happening_at
from core.models import User
from customers.models import Contact, Customer, ProductService
from feedback.complaints import services
from feedback.complaints.models import FeedbackItem

MANAGER = "quality@example.com"
STAFF = "staff@example.com"
Kind = FeedbackItem.Kind
Channel = FeedbackItem.Channel


@dataclass(frozen=True)
class Row:
    subject: str
    kind: str
    days_ago: float
    customer: str
    description: str
    product: str = ""
    channel: str = Channel.EMAIL
    owner: str = STAFF
    # (step, days after receipt, arguments) in order.
    steps: list[tuple[str, float, dict[str, Any]]] = field(default_factory=list)


# The acknowledgement goes out by email as the item is recorded, this long after it
# arrived (a row without it stays received).
ACK = ("acknowledge", 0.1, {"how": "By phone"})


def assess(days: float, severity: str, **more: Any) -> tuple[str, float, dict[str, Any]]:
    return ("assess", days, {"severity": severity, "justified": True, **more})


ROWS = [
    Row(
        "Pump P-200 leaking after two weeks",
        Kind.COMPLAINT,
        2,
        "Sharma Precision Tools Pvt Ltd",
        "The new P-200 pump leaks at the flange after two weeks of use. Production stopped twice.",
        product="P200",
        channel=Channel.PHONE,
    ),
    Row(
        "Calibration certificate missing",
        Kind.COMPLAINT,
        6,
        "Klinikum Rhein-Main",
        "The calibration of our balances was done but no certificate came with it. Our audit is next month.",
        product="CAL",
        steps=[ACK],
    ),
    Row(
        "Wrong spare parts delivered",
        Kind.COMPLAINT,
        12,
        "Prairie Mills Inc",
        "We ordered seals for the W-50 and received seals for the P-200.",
        product="SPK",
        steps=[ACK, assess(1, "medium", remedy_sought="The right parts by express delivery.")],
    ),
    Row(
        "Maintenance visit cancelled twice",
        Kind.COMPLAINT,
        40,
        "Apollo Diagnostics Pune",
        "The preventive maintenance visit was cancelled twice at short notice.",
        product="PMC",
        owner=MANAGER,
        steps=[
            ACK,
            assess(2, "high", remedy_sought="A fixed date and a discount on this year's contract."),
            (
                "investigate",
                3,
                {"notes": "Check the engineers' schedule and why the visits moved."},
            ),
        ],
    ),
    Row(
        "Water unit alarm keeps sounding",
        Kind.COMPLAINT,
        25,
        "Kerala Water Board",
        "The W-50 alarm sounds every night although the readings are normal.",
        product="W50",
        steps=[
            ACK,
            assess(1, "medium", reveals_nonconformity=True),
            (
                "investigate",
                2,
                {"notes": "Firmware threshold suspected; field engineer to read the logs."},
            ),
            (
                "respond",
                9,
                {
                    "decision": "A firmware fault set the alarm threshold too low. We updated the unit on site."
                },
            ),
        ],
    ),
    Row(
        "Training day too short",
        Kind.COMPLAINT,
        70,
        "Nairobi Agro Processors",
        "The on-site training covered half the agenda; our operators still cannot change filters.",
        product="TRN",
        owner=MANAGER,
        steps=[
            ACK,
            assess(2, "low", remedy_sought="A second training day at no cost."),
            (
                "respond",
                6,
                {
                    "decision": "The agenda was agreed in advance; we offer a half day at half price."
                },
            ),
            ("reply", 8, {"accepted": False, "recourse": "review"}),
        ],
    ),
    Row(
        "Invoice charged twice",
        Kind.COMPLAINT,
        95,
        "Lakeside Clinic",
        "We were charged twice for the same calibration visit.",
        product="CAL",
        owner=MANAGER,
        steps=[
            ACK,
            assess(1, "medium", remedy_sought="A refund of the second charge."),
            ("respond", 3, {"decision": "The second charge was an error; it is refunded."}),
            ("reply", 4, {"accepted": True}),
            ("close", 5, {"resolution": "Refunded; billing run corrected."}),
        ],
    ),
    Row(
        "Late delivery of pump",
        Kind.COMPLAINT,
        130,
        "Northwind Engineering GmbH",
        "The P-200 arrived three weeks after the promised date.",
        product="P200",
        owner=MANAGER,
        steps=[
            ACK,
            assess(
                1, "high", remedy_sought="Compensation for the delay.", reveals_nonconformity=True
            ),
            ("investigate", 2, {"notes": "Supplier of the motor delivered late; check planning."}),
            (
                "respond",
                8,
                {"decision": "We regret the delay and offer free maintenance for a year."},
            ),
            ("reply", 10, {"accepted": False, "recourse": "review"}),
            (
                "reply",
                18,
                {
                    "accepted": False,
                    "recourse": "review",
                    "recourse_outcome": "Reviewed by the director: the offer stands and the customer agreed to it.",
                },
            ),
            ("close", 19, {"resolution": "Closed after the review by the director."}),
        ],
    ),
    Row(
        "Unit not fixed on the first visit",
        Kind.COMPLAINT,
        160,
        "Singapore MedTech Pte Ltd",
        "The engineer could not fix the unit on the first visit.",
        product="PMC",
        steps=[
            ACK,
            assess(1, "low"),
            ("respond", 4, {"decision": "A second visit fixed the unit."}),
            ("reply", 5, {"accepted": True}),
            ("close", 5, {}),
        ],
    ),
    Row(
        "Excellent calibration service",
        Kind.COMPLIMENT,
        20,
        "Singapore MedTech Pte Ltd",
        "Thank you: the calibration team was quick and explained everything.",
        product="CAL",
        steps=[
            ACK,
            ("close", 1, {"resolution": "Thanked the team; shared at the weekly meeting."}),
        ],
    ),
    Row(
        "Friendly training",
        Kind.COMPLIMENT,
        55,
        "Bharat Textiles",
        "The trainer was patient and our staff enjoyed the day.",
        product="TRN",
    ),
    Row(
        "Online spare parts ordering",
        Kind.SUGGESTION,
        33,
        "Maple Grocers",
        "It would help to order spare parts online and see the stock.",
        product="SPK",
        steps=[ACK],
    ),
    Row(
        "Text message before visits",
        Kind.SUGGESTION,
        100,
        "Klinikum Rhein-Main",
        "Please send a text message the day before a maintenance visit.",
        product="PMC",
        steps=[ACK, ("close", 4, {"resolution": "Added to the scheduling improvements backlog."})],
    ),
    Row(
        "Lead time for W-50",
        Kind.ENQUIRY,
        8,
        "Kerala Water Board",
        "What is the lead time for three more W-50 units?",
        product="W50",
        steps=[ACK, ("respond", 1, {"decision": "Six weeks from the order."})],
    ),
    Row(
        "Low satisfaction score after repair",
        Kind.FOLLOW_UP,
        9,
        "Prairie Mills Inc",
        "The customer scored the repair 2 out of 5 in the last survey: call back.",
        product="PMC",
        channel=Channel.SURVEY,
    ),
]


def _step(
    item: FeedbackItem, name: str, at: Any, by: User, arguments: dict[str, Any]
) -> FeedbackItem:
    item.refresh_from_db()
    if name == "acknowledge" and item.status != FeedbackItem.Status.RECEIVED:
        return item  # acknowledged by email as it was recorded
    timed = {
        "acknowledge": services.feedback_acknowledge,
        "assess": services.feedback_assess,
        "respond": services.feedback_respond,
        "close": services.feedback_close,
    }
    untimed = {
        "investigate": services.feedback_investigate,
        "reply": services.feedback_record_reply,
    }
    if name in timed:
        return timed[name](item=item, by=by, at=at, **arguments)  # type: ignore[operator]
    return untimed[name](item=item, by=by, **arguments)  # type: ignore[operator]


@transaction.atomic
def load() -> list[str]:
    """Load the demo records that are missing; return what was created."""
    manager = User.objects.filter(email=MANAGER).first()
    customers = {
        c.name: c for c in Customer.objects.filter(name__in={row.customer for row in ROWS})
    }
    if manager is None or not customers:
        return []  # the users' and customers' demos come first
    people = {u.email: u for u in User.objects.filter(email__in=[MANAGER, STAFF])}
    products = {p.code: p for p in ProductService.objects.exclude(code="")}
    have = set(
        FeedbackItem.objects.filter(subject__in=[row.subject for row in ROWS]).values_list(
            "subject", flat=True
        )
    )
    now = timezone.now()
    created = []
    for row in ROWS:
        customer = customers.get(row.customer)
        if row.subject in have or customer is None:
            continue
        contact = (
            Contact.objects.active()
            .filter(customer=customer, erased_at__isnull=True)
            .order_by("pk")
            .first()
        )
        received = now - timedelta(days=row.days_ago)
        owner = people.get(row.owner, manager)
        acknowledged = bool(row.steps) and row.steps[0] == ACK
        recorded = received + timedelta(days=ACK[1]) if acknowledged else received
        with happening_at(recorded):
            item = services.feedback_receive(
                kind=row.kind,
                channel=row.channel,
                subject=row.subject,
                description=row.description,
                customer=customer,
                contact=contact,
                language=contact.language if contact else "en",
                product=products.get(row.product),
                owner=owner,
                received_at=received,
                by=owner,
                acknowledge=acknowledged,
            )
        for name, days, arguments in row.steps:
            at = received + timedelta(days=days)
            with happening_at(at):
                item = _step(item, name, at, owner, arguments)
        created.append(
            f"feedback {item.reference} {item.get_kind_display().lower()}"
            f" ({item.get_status_display().lower()})"
        )
    return created
