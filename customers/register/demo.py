"""Demo customers for `make run`: several segments and countries, a few hundred
contacts (some preferring Hindi, some opted out), products and services. Loading it
twice adds nothing."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from core.demo import DEMO_USERS
from core.history import bulk_create_with_history
from core.models import User
from customers.models import Contact, Customer, ProductService, Segment

SEGMENTS = [
    ("Manufacturing", "Plants and factories that buy our equipment."),
    ("Healthcare", "Hospitals, clinics and laboratories."),
    ("Retail", "Shops and chains, online and on the high street."),
    ("Public sector", "Councils, agencies and schools."),
    ("Consumers", "People who buy from us directly."),
]
PRODUCTS = [
    ("Industrial pump P-200", "product", "P200"),
    ("Water treatment unit W-50", "product", "W50"),
    ("Calibration service", "service", "CAL"),
    ("Preventive maintenance contract", "service", "PMC"),
    ("On-site training", "service", "TRN"),
    ("Spare parts kit", "product", "SPK"),
]
CUSTOMERS = [
    ("Sharma Precision Tools Pvt Ltd", "IN", ["Manufacturing"], "active", "key", "10m-100m"),
    ("Bharat Textiles", "IN", ["Manufacturing"], "active", "standard", "1m-10m"),
    ("Apollo Diagnostics Pune", "IN", ["Healthcare"], "at_risk", "key", "10m-100m"),
    ("Kerala Water Board", "IN", ["Public sector"], "active", "strategic", "gt100m"),
    ("Northwind Engineering GmbH", "DE", ["Manufacturing"], "active", "strategic", "gt100m"),
    ("Klinikum Rhein-Main", "DE", ["Healthcare", "Public sector"], "active", "key", "10m-100m"),
    ("Brightside Retail Ltd", "GB", ["Retail"], "prospect", "standard", "1m-10m"),
    (
        "St Mary's Community Trust",
        "GB",
        ["Healthcare", "Public sector"],
        "active",
        "standard",
        "1m-10m",
    ),
    ("Harbour Foods Co", "GB", ["Retail"], "lost", "small", "100k-1m"),
    ("Lakeside Clinic", "US", ["Healthcare"], "active", "standard", "1m-10m"),
    ("Prairie Mills Inc", "US", ["Manufacturing"], "at_risk", "key", "10m-100m"),
    ("Metro Transit Authority", "US", ["Public sector"], "prospect", "strategic", "gt100m"),
    ("Nairobi Agro Processors", "KE", ["Manufacturing"], "active", "standard", "1m-10m"),
    ("Singapore MedTech Pte Ltd", "SG", ["Healthcare"], "active", "key", "10m-100m"),
    ("Maple Grocers", "CA", ["Retail"], "active", "small", "100k-1m"),
]
PEOPLE = [("Ananya Gupta", "IN"), ("Rahul Verma", "IN"), ("Emma Clarke", "GB")]
FIRST = [
    "Aarav",
    "Priya",
    "Vikram",
    "Neha",
    "Arjun",
    "Kavya",
    "Rohan",
    "Isha",
    "Sanjay",
    "Meena",
    "Lukas",
    "Anna",
    "Jonas",
    "Sophie",
    "James",
    "Olivia",
    "Oliver",
    "Amelia",
    "Michael",
    "Sarah",
    "David",
    "Grace",
    "Wanjiru",
    "Otieno",
    "Wei",
    "Mei",
    "Chloe",
    "Liam",
]
LAST = [
    "Patel",
    "Iyer",
    "Nair",
    "Reddy",
    "Singh",
    "Kumar",
    "Das",
    "Joshi",
    "Müller",
    "Schmidt",
    "Fischer",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Johnson",
    "Miller",
    "Kamau",
    "Tan",
    "Lim",
    "Martin",
    "Roy",
    "Bose",
]
# How long ago the demo customers were registered.
REGISTERED_DAYS_AGO = 365
ROLES = [
    "Quality lead",
    "Plant manager",
    "Purchasing",
    "Operations director",
    "Lab manager",
    "Maintenance supervisor",
    "Procurement officer",
    "Store manager",
    "Head of facilities",
]


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())[:20]


@transaction.atomic
def load() -> list[str]:
    created: list[str] = []
    # Seeded, so that every run picks the same products and contacts.
    rng = random.Random(9001)  # noqa: S311  # nosec B311 - demo data, not security
    segments = _segments(created)
    products = _products(created)
    owners = list(User.objects.filter(email__in=[email for email, _, _ in DEMO_USERS[:3]]))
    today = timezone.localdate()
    contacts: list[Contact] = []
    for index, (name, country, segment_names, status, tier, band) in enumerate(CUSTOMERS):
        if Customer.objects.filter(name=name, country=country).exists():
            continue
        lost = status == Customer.Status.LOST
        customer = Customer.objects.create(
            name=name,
            country=country,
            status=status,
            tier=tier,
            revenue_band=band,
            account_owner=owners[index % len(owners)] if owners else None,
            lost_on=today - timedelta(days=40) if lost else None,
            lost_reason="Moved to a cheaper supplier after two late deliveries." if lost else "",
        )
        customer.segments.set([segments[s] for s in segment_names])
        customer.products.set(rng.sample(products, k=rng.randint(1, 3)))
        _registered_long_ago(customer)
        created.append(f"customer {name}")
        contacts += _contacts_for(customer, rng, count=rng.randint(12, 30), today=today)
    for name, country in PEOPLE:
        if Customer.objects.filter(name=name, country=country).exists():
            continue
        customer = Customer.objects.create(
            name=name,
            country=country,
            kind=Customer.Kind.PERSON,
            status=Customer.Status.ACTIVE,
            tier=Customer.Tier.SMALL,
        )
        customer.segments.set([segments["Consumers"]])
        _registered_long_ago(customer)
        created.append(f"customer {name} (a person)")
        contacts.append(_person_contact(customer, today=today))
    if contacts:
        bulk_create_with_history(contacts, Contact, reason="Demo data")
        created.append(f"{len(contacts)} contacts")
    return created


def _registered_long_ago(customer: Customer) -> None:
    """Date the demo customer's registration a year back: the other demos record
    feedback and communications from months ago, which a customer registered today
    could not have."""
    since = timezone.now() - timedelta(days=REGISTERED_DAYS_AGO)
    Customer.objects.filter(pk=customer.pk).update(created_at=since)
    Customer.history.filter(id=customer.pk).update(history_date=since)


def _segments(created: list[str]) -> dict[str, Segment]:
    segments = {}
    for name, description in SEGMENTS:
        segments[name], new = Segment.objects.get_or_create(
            name=name, voided_at=None, defaults={"description": description}
        )
        if new:
            created.append(f"segment {name}")
    return segments


def _products(created: list[str]) -> list[ProductService]:
    products = []
    for name, kind, code in PRODUCTS:
        product, new = ProductService.objects.get_or_create(
            name=name, voided_at=None, defaults={"kind": kind, "code": code}
        )
        products.append(product)
        if new:
            created.append(f"catalogue entry {name}")
    return products


def _person_contact(customer: Customer, *, today: date) -> Contact:
    return Contact(
        customer=customer,
        name=customer.name,
        email=f"{_slug(customer.name)}@example.net",
        language="hi" if customer.country == "IN" else "en",
        consent=True,
        consent_on=today - timedelta(days=200),
        consent_source=Contact.ConsentSource.FORM,
    )


def _phone(rng: random.Random) -> str:
    groups = (
        rng.randint(1, 99),
        rng.randint(10, 99),
        rng.randint(1000, 9999),
        rng.randint(1000, 9999),
    )
    return "+{} {} {} {}".format(*groups)


def _contacts_for(
    customer: Customer, rng: random.Random, *, count: int, today: date
) -> list[Contact]:
    domain = f"{_slug(customer.name)}.example.com"
    contacts, used = [], set()
    for _ in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{_slug(first)}.{_slug(last)}@{domain}"
        if email in used:
            continue
        used.add(email)
        consent = rng.random() < 0.85
        opted_out = consent and rng.random() < 0.08
        contacts.append(
            Contact(
                customer=customer,
                name=f"{first} {last}",
                email=email,
                phone=_phone(rng),
                role=rng.choice(ROLES),
                language="hi" if customer.country == "IN" and rng.random() < 0.4 else "en",
                consent=consent,
                consent_on=today - timedelta(days=rng.randint(30, 700)) if consent else None,
                consent_source=rng.choice(["form", "email", "contract"]) if consent else "",
                opted_out=opted_out,
                opted_out_at=timezone.now() - timedelta(days=rng.randint(1, 20))
                if opted_out
                else None,
            )
        )
    return contacts
