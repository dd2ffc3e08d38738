"""Demo needs, requirements and commitments for `make run`, written through the
services so that versions, reviews, changes and acknowledgements are real: needs of
every kind, requirements of every category (one statutory re-check overdue),
commitments with reviews, and one changed requirement whose change reopened a made
order's review and still waits for one acknowledgement. Loading twice adds nothing."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.demo import DEMO_USERS
from core.models import User
from customers.models import Commitment, Customer, Need, ProductService, Requirement, Segment
from customers.requirements import services


@transaction.atomic
def load() -> list[str]:
    if Requirement.objects.exists():
        return []
    users = {u.email: u for u in User.objects.filter(email__in=[e for e, _, _ in DEMO_USERS])}
    manager = users.get("quality@example.com")
    staff = users.get("staff@example.com")
    if manager is None or staff is None:
        return []
    today = timezone.localdate()
    product = {p.code: p for p in ProductService.objects.active()}
    customer = {c.name: c for c in Customer.objects.active()}
    created: list[str] = []

    def requirement(code: str, title: str, text: str, category: str, **extra: Any) -> Requirement:
        saved = services.requirement_create(
            requirement=Requirement(
                product=product[code],
                title=title,
                text=text,
                category=category,
                owner=extra.pop("owner", manager),
                **extra,
            ),
            by=manager,
        )
        for status in ("under_review", "accepted"):
            saved = services.requirement_set_status(requirement=saved, by=manager, status=status)
        created.append(f"requirement {saved}")
        return saved

    sharma = customer["Sharma Precision Tools Pvt Ltd"]
    kerala = customer["Kerala Water Board"]
    klinikum = customer["Klinikum Rhein-Main"]
    apollo = customer["Apollo Diagnostics Pune"]
    test_run = requirement(
        "P200",
        "72-hour test run report with each pump",
        "Each P-200 pump ships with the report of a 72-hour continuous test run at the "
        "customer's duty point (40 m³/h at 32 m head).",
        Requirement.Category.CUSTOMER,
        customer=sharma,
        claim="Every pump is run for 72 hours before dispatch.",
    )
    delivery = requirement(
        "P200",
        "Delivery and commissioning lead time",
        "Pumps are delivered within 10 working days of the order and commissioned on site "
        "within 3 further working days.",
        Requirement.Category.DELIVERY,
        owner=staff,
        claim="10-day delivery anywhere in India.",
    )
    ped = requirement(
        "P200",
        "Pressure equipment conformity",
        "Pumps exported to the EU carry the CE mark and a declaration of conformity "
        "under the Pressure Equipment Directive.",
        Requirement.Category.STATUTORY,
        source="Pressure Equipment Directive 2014/68/EU",
        source_clause="Annex I, 3.2",
        recheck_due=today + timedelta(days=60),
        claim="CE marked under PED category II.",
    )
    traceable = requirement(
        "CAL",
        "Calibration traceable to national standards",
        "Every calibration is traceable to national standards through an accredited "
        "laboratory, with the uncertainty of measurement stated on the certificate.",
        Requirement.Category.STATUTORY,
        source="ISO/IEC 17025:2017 and NABL 129",
        source_clause="6.5",
        recheck_due=today - timedelta(days=5),
        claim="NABL-accredited calibration.",
    )
    certificates = requirement(
        "CAL",
        "Certificates within two working days",
        "A calibration certificate is issued within 2 working days of the calibration.",
        Requirement.Category.ORGANISATION,
        claim="Certificates in 48 hours.",
    )
    rural_power = requirement(
        "W50",
        "Runs on a rural single-phase supply",
        "The W-50 unit treats its rated 50 m³ a day on a 230 V single-phase supply that "
        "varies by ±15%.",
        Requirement.Category.INTENDED_USE,
    )
    manual = requirement(
        "W50",
        "Operating manual in Malayalam",
        "The operating and maintenance manual is supplied in Malayalam and English.",
        Requirement.Category.CUSTOMER,
        customer=kerala,
    )
    response = requirement(
        "CAL",
        "On-site response within 24 hours",
        "A technician is on site within 24 hours of a call, every day of the year.",
        Requirement.Category.CUSTOMER,
        customer=klinikum,
    )

    needs = [
        {
            "customer": sharma,
            "title": "Pumps that run three shifts without unplanned stops",
            "kind": Need.Kind.STATED,
            "source": Need.Source.MEETING,
            "source_note": "Plant review with the maintenance head, March 2026",
            "priority": Need.Priority.HIGH,
            "status": Need.Status.ADDRESSED,
            "answers": [test_run, delivery],
        },
        {
            "segment": Segment.objects.get(name="Healthcare"),
            "title": "Calibration records that hospital accreditation auditors accept",
            "kind": Need.Kind.IMPLIED,
            "source": Need.Source.MARKET_RESEARCH,
            "priority": Need.Priority.HIGH,
            "status": Need.Status.OPEN,
            "answers": [traceable, certificates],
        },
        {
            "customer": kerala,
            "title": "Operators maintain the units without a service engineer",
            "kind": Need.Kind.STATED,
            "horizon": Need.Horizon.FUTURE,
            "source": Need.Source.CONTRACT,
            "priority": Need.Priority.MEDIUM,
            "status": Need.Status.MONITORED,
            "answers": [manual, rural_power],
        },
        {
            "other_party": "State Pollution Control Board",
            "title": "Backwash water discharged within effluent limits",
            "kind": Need.Kind.STATUTORY,
            "source": Need.Source.OTHER,
            "source_note": "Consent to operate, condition 12",
            "priority": Need.Priority.HIGH,
            "status": Need.Status.OPEN,
            "answers": [],
        },
        {
            "segment": Segment.objects.get(name="Manufacturing"),
            "title": "Shorter lead times than competitors",
            "kind": Need.Kind.ORGANISATION,
            "horizon": Need.Horizon.FUTURE,
            "source": Need.Source.SURVEY,
            "priority": Need.Priority.MEDIUM,
            "status": Need.Status.OPEN,
            "answers": [delivery],
        },
    ]
    for fields in needs:
        answers = fields.pop("answers")
        status = fields.pop("status")
        need = services.need_save(
            need=Need(**fields),
            by=manager,
            status=Need.Status.OPEN,
            requirements=answers,
        )
        if status != Need.Status.OPEN:
            services.need_save(need=need, by=manager, status=status)
        created.append(f"need {need.title}")

    def commitment(
        customer: Customer, kind: str, reference: str, title: str, *, days: int, carried: list
    ) -> Commitment:
        saved = services.commitment_create(
            commitment=Commitment(
                customer=customer,
                kind=kind,
                reference=reference,
                title=title,
                committed_on=today + timedelta(days=days),
            ),
            requirements=carried,
            by=manager,
        )
        created.append(f"commitment {saved}")
        return saved

    def findings(saved: Commitment, unmet: tuple = ()) -> list[services.ItemFinding]:
        return [
            services.ItemFinding(
                requirement=r,
                can_meet=r not in unmet,
                note="Not with the current staffing." if r in unmet else "",
            )
            for r in saved.requirements.all()
        ]

    order = commitment(
        sharma,
        Commitment.Kind.ORDER,
        "PO-SPT-2026-118",
        "Two P-200 pumps with test run and commissioning",
        days=-1,
        carried=[test_run, delivery, ped],
    )
    services.commitment_review(
        commitment=order,
        by=manager,
        reviewed_on=today - timedelta(days=3),
        outcome="accepted",
        findings=findings(order),
        differences="Quote Q-2026-0270 offered 12 working days; the order asks for 10, "
        "agreed by phone with the buyer and confirmed by email.",
        verbal_requirements="Painting in RAL 5010, asked for at the site visit and "
        "confirmed in the buyer's email of the same day.",
    )
    services.commitment_make(commitment=order, by=manager)

    contract = commitment(
        kerala,
        Commitment.Kind.CONTRACT,
        "KWB/2026/W50-04",
        "W-50 units for 12 pumping stations, with operator training",
        days=20,
        carried=[rural_power, manual],
    )
    services.commitment_review(
        commitment=contract,
        by=manager,
        reviewed_on=today - timedelta(days=1),
        outcome="conditions",
        conditions="The Malayalam manual follows 30 days after installation.",
        findings=findings(contract),
    )

    quote = commitment(
        klinikum,
        Commitment.Kind.QUOTE,
        "Q-2026-0290",
        "Calibration of 40 instruments with round-the-clock response",
        days=14,
        carried=[traceable, certificates, response],
    )
    services.commitment_review(
        commitment=quote,
        by=manager,
        reviewed_on=today,
        outcome="rejected",
        findings=findings(quote, unmet=(response,)),
    )
    commitment(
        apollo,
        Commitment.Kind.QUOTE,
        "Q-2026-0311",
        "Annual calibration of laboratory balances",
        days=30,
        carried=[traceable, certificates],
    )

    # A change after the order was made: the review reopens; the delivery owner has
    # acknowledged, the account owner not yet.
    delivery.text = (
        "Pumps are delivered within 8 working days of the order and commissioned on site "
        "within 3 further working days."
    )
    edit = services.requirement_change(
        requirement=delivery,
        by=manager,
        reason="Lead time cut from 10 to 8 working days after the new Pune warehouse opened.",
    )
    if edit.change is not None:
        services.change_acknowledge(change=edit.change, by=staff)
        created.append(f"change {edit.change}")
    return created
