"""Benchmark: the registers' pages at scale, against the raw SQL for the same answer.

Loads registers the size of a large customer base straight into the app's tables by
generated SQL (at ``--scale 1.0``: 50,000 customers, 1,000,000 contacts, 20 segments,
200 catalogue entries, 5,000 needs, 20,000 requirements and 20,000 commitments, each
reviewed, with a history row per record), then requests every list and detail page of
the registers, the home page and the header search through the Django test client,
signed in as a quality manager, with ``DEBUG`` off. For each page it prints the server
time (median of 7 after a warm-up), the queries, the response size, the peak Python
memory the request allocated (tracemalloc) and the time of the simplest SQL that
returns what the page shows (median of 7, measured in the same run) with the ratio,
and whether the page meets its target. Runs in a throwaway test database and drops
it; exits 0 whether or not the targets are met: it measures, it does not test.

    .venv/bin/python bench/registers_scale.py [--scale 1.0] [--smoke] [--only PATTERN]
                                              [--explain]

``--only`` measures the pages whose label or URL name matches a regular expression (the
data set is loaded whole); ``--explain`` prints, for each page that misses its target,
how much of the request was SQL and the plan of its slowest query.

The machinery (loading helpers, ``Page``, ``list_pages``, measuring, the report) is in
``scale.py``; this module is the registers' data set, which a later app's benchmark
loads first (``load_all`` with its own loaders after ``LOADERS``), and the registers'
pages. A later app's benchmark (``feedback_scale.py``) measures the pages of its URL
namespaces (``scale.NAMESPACES``); this one names every other page of the URL conf
that it neither measures nor leaves out in ``NOT_MEASURED``, so a new page is not
missed.
"""

import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import (
    HOME,
    NAMESPACES,
    SEARCH,
    Dialect,
    ListSql,
    Page,
    Statement,
    Variant,
    database_version,
    detail,
    fill,
    insert_select,
    like,
    list_pages,
    lit,
    main,
    pick,
    print_steps,
    reset_sequences,
    run,
    scalar,
    words,
    write_history,
)

# isort: split
import django
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

from core.models import User
from core.roles import Role
from customers.models import (
    Commitment,
    CommitmentReview,
    Contact,
    Customer,
    Need,
    ProductService,
    Requirement,
    Segment,
)

# The data set ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind the run loads."""

    customers: int
    contacts: int
    most_contacts: int
    segments: int
    products: int
    needs: int
    requirements: int
    commitments: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        def rows(full: int, least: int) -> int:
            return max(least, round(full * scale))

        customers = rows(50_000, 50)
        contacts = max(customers, rows(1_000_000, 1_000))
        return cls(
            customers=customers,
            contacts=contacts,
            # The customer page is measured with this many contacts: 2,000 at full scale.
            most_contacts=min(2_000, contacts // 5),
            # At least 8 segments and 10 entries, so that the link rules below give
            # each customer distinct ones.
            segments=rows(20, 8),
            products=rows(200, 10),
            needs=rows(5_000, 50),
            requirements=rows(20_000, 100),
            commitments=rows(20_000, 100),
        )


def contact_counts(sizes: Sizes) -> list[int]:
    """Return how many contacts each customer has, customer 1 first: skewed (most
    have a few, some up to ``most_contacts``), summing to ``sizes.contacts``; customer
    1 has exactly ``most_contacts``."""
    # Test data, not security.
    rng = random.Random(13)  # nosec B311
    cap, rest = sizes.most_contacts, sizes.customers - 1
    weights = [rng.paretovariate(1.1) for _ in range(rest)]
    target = sizes.contacts - cap

    def spread(factor: float) -> list[int]:
        return [min(cap, max(1, round(weight * factor))) for weight in weights]

    low, high = 0.0, float(cap)
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if sum(spread(middle)) < target else (low, middle)
    counts = spread(low)
    # Rounding leaves a few contacts over or under: move them one at a time.
    missing, turn = target - sum(counts), 0
    while missing:
        step = 1 if missing > 0 else -1
        i = (turn * 7919) % rest
        if 1 <= counts[i] + step <= cap:
            counts[i] += step
            missing -= step
        turn += 1
    return [cap, *counts]


COMPANY = words(
    "Apex Lotus Meridian Summit Harbor Zenith Crescent Orion Pioneer Sterling Vertex Cobalt "
    "Evergreen Falcon Granite Horizon Indigo Juniper Keystone Lumen Monarch Nimbus Oakwood "
    "Pinnacle Quantum Redwood Sapphire Titan Unity Vanguard Willow Xenon Yarrow Zephyr Atlas "
    "Beacon Cedar"
)
TRADE = words(
    "Engineering Foods Logistics Textiles Pharma Motors Systems Industries Traders Hospitals "
    "Retail Energy Labs Builders Foundry Plastics Electronics Farms Hotels Metals Chemicals "
    "Exports Components"
)
COUNTRIES = words("IN IN IN IN GB US DE FR AE SG AU JP NL ZA")
FIRST = words(
    "Aarav Asha Bhavna Chen Deepak Divya Emma Farhan Gauri Hannah Ishaan Jaya Karan Lakshmi "
    "Liam Meera Mohan Nisha Omar Priya Rahul Ritu Sanjay Sara Sneha Tanvi Uday Vikram Wei "
    "Yusuf Zara Anil Bina Carlos Dev Esha Farah Gopal Hari Irene"
)
LAST = words(
    "Sharma Iyer Patel Reddy Khan Singh Gupta Nair Das Mehta Joshi Rao Kapoor Bose Menon "
    "Pillai Verma Shah Chopra Malhotra Smith Jones Brown Wilson Taylor Müller Schmidt Dubois "
    "Martin Rossi Tanaka Wang Li Kim Silva Costa Novak Berg Jensen Okafor"
)
# Names with spaces, one per line of the string.
SEGMENTS = """Automotive
Aerospace
Healthcare
Retail
Logistics
Energy
Food and beverage
Pharmaceuticals
Construction
Public sector
Education
Telecoms
Finance
Chemicals
Textiles
Electronics
Agriculture
Mining
Hospitality
Water""".splitlines()
PRODUCTS = """Control valve
Pressure sensor
Calibration service
Pump assembly
Field maintenance
Flow meter
Training course
Gear motor
Spare parts kit
Installation service""".splitlines()
NEEDS = """On-time delivery
Clear and accurate invoices
Fast response to complaints
Certificates of conformity with each delivery
Stable prices over the contract
Technical support in Hindi
Traceability of every batch
Packaging that survives transport""".splitlines()
REQUIREMENTS = """Delivery within 48 hours
Calibration certificate with each unit
RoHS compliance declaration
Packaging to ISTA 3A
Batch traceability for 10 years
Response to complaints within 2 working days
Documentation in English and Hindi
Spare parts available for 7 years
Invoice matched to the purchase order
Test report with each batch""".splitlines()
COMMITMENTS = """Annual supply agreement
Spare parts order
Calibration service contract
Pilot batch quote
Framework contract
Urgent replacement order""".splitlines()
# What the searches look for: a word of 1 in 37 customer names, a surname of 1 in 40
# contacts, two need titles in 8, one requirement title in 10.
CUSTOMER_WORD, CONTACT_WORD, NEED_WORD, REQUIREMENT_WORD = (
    "lotus",
    "iyer",
    "delivery",
    "certificate",
)


def carried_json(sql: Dialect) -> str:
    """Return the JSON list of the requirements commitment ``m`` carries, as a
    commitment version stores them."""
    if sql.pg:
        return (
            "(SELECT COALESCE(jsonb_agg(jsonb_build_object('id', r.id, 'reference',"
            " 'REQ-' || CASE WHEN r.id < 10000 THEN lpad(r.id::text, 4, '0') ELSE r.id::text"
            " END, 'title', r.title, 'version', r.version) ORDER BY r.id), '[]'::jsonb)"
            " FROM customers_requirement r JOIN customers_commitment_requirements cr"
            " ON cr.requirement_id = r.id WHERE cr.commitment_id = m.id)"
        )
    return (
        "(SELECT json_group_array(json_object('id', r.id, 'reference',"
        " printf('REQ-%04d', r.id), 'title', r.title, 'version', r.version))"
        " FROM (SELECT r.* FROM customers_requirement r JOIN"
        " customers_commitment_requirements cr ON cr.requirement_id = r.id"
        " WHERE cr.commitment_id = m.id ORDER BY r.id) AS r)"
    )


@dataclass
class Team:
    """The users: the quality manager who measures, and the account owners."""

    measurer: int
    quality_managers: list[int]
    owners: list[int]


@dataclass
class Load:
    """What loading needs and leaves: sizes, users, the SQL dialect, the timings."""

    sizes: Sizes
    team: Team
    sql: Dialect
    counts: list[int]
    steps: list[tuple[str, float]] = field(default_factory=list)


def make_team() -> Team:
    """Create ~30 people who own accounts (quality managers, staff, top management) and
    two auditors, each in their role's group (sync_roles made them at migrate)."""
    groups = {role: Group.objects.get(name=role) for role in Role}
    people = [
        (Role.QUALITY_MANAGER, 8),
        (Role.STAFF, 18),
        (Role.TOP_MANAGEMENT, 4),
        (Role.AUDITOR, 2),
    ]
    ids: dict[Role, list[int]] = {}
    for role, count in people:
        for i in range(count):
            number = sum(len(v) for v in ids.values())
            user = User.objects.create_user(
                f"bench.{role.value.split()[0].lower()}{i + 1}@example.com",
                None,
                full_name=f"{FIRST[number % len(FIRST)]} {LAST[(number * 3) % len(LAST)]}",
            )
            user.groups.add(groups[role])
            ids.setdefault(role, []).append(user.pk)
    quality = ids[Role.QUALITY_MANAGER]
    owners = quality + ids[Role.STAFF] + ids[Role.TOP_MANAGEMENT]
    return Team(measurer=quality[0], quality_managers=quality, owners=owners)


def load_helpers(load: Load) -> None:
    """Fill the numbers (SQLite) and contacts-per-customer tables the loaders read."""
    sizes = load.sizes
    load.sql.count_to(
        max(
            sizes.customers,
            sizes.most_contacts,
            sizes.needs,
            sizes.requirements,
            sizes.commitments,
            sizes.products,
        )
    )
    run("CREATE TEMPORARY TABLE bench_counts (customer_id integer PRIMARY KEY, cnt integer)")
    rows = list(enumerate(load.counts, start=1))
    for start in range(0, len(rows), 5_000):
        values = ", ".join(f"({i}, {n})" for i, n in rows[start : start + 5_000])
        run(fill("INSERT INTO bench_counts VALUES {values}", values=values))


def load_customers(load: Load) -> None:
    """Customers (3% voided), segments, the catalogue and their links, then contacts."""
    s, sql, team = load.sizes, load.sql, load.team
    qm = team.quality_managers[0]
    voided = "s.n % 33 = 32"
    insert_select(
        "customers_customer",
        {
            "id": "s.n",
            "name": f"{pick('s.n', COMPANY)} || ' ' || {pick('s.n / 37', TRADE)} || ' ' || s.n",
            "kind": "CASE WHEN s.n % 10 = 9 THEN 'person' ELSE 'organisation' END",
            "status": "CASE s.n % 20 WHEN 0 THEN 'prospect' WHEN 10 THEN 'prospect'"
            " WHEN 5 THEN 'at_risk' WHEN 15 THEN 'lost' ELSE 'active' END",
            "lost_on": f"CASE WHEN s.n % 20 = 15 THEN {sql.day('-(s.n % 400)')} END",
            "lost_reason": "CASE WHEN s.n % 20 = 15 THEN 'Moved to a competitor on price'"
            " ELSE '' END",
            "tier": "CASE WHEN s.n % 50 = 0 THEN 'strategic' WHEN s.n % 10 = 1 THEN 'key'"
            " WHEN s.n % 3 = 0 THEN 'small' ELSE 'standard' END",
            "revenue_band": pick("s.n", ["", "lt100k", "100k-1m", "1m-10m", "10m-100m", "gt100m"]),
            "country": pick("s.n * 7", COUNTRIES),
            "notes": "''",
            "account_owner_id": pick("s.n", [*team.owners, None]),
            "created_at": sql.hours_ago("(s.n * 7) % 20000 + 500"),
            "updated_at": sql.hours_ago("(s.n * 13) % 500"),
            "voided_at": f"CASE WHEN {voided} THEN {sql.hours_ago('s.n % 50')} END",
            "voided_by_id": f"CASE WHEN {voided} THEN {qm} END",
            "void_reason": f"CASE WHEN {voided} THEN 'Duplicate of another customer' ELSE '' END",
        },
        sql.numbers(s.customers),
    )
    for table, names in (("customers_segment", SEGMENTS), ("customers_productservice", PRODUCTS)):
        size = s.segments if table == "customers_segment" else s.products
        columns = {
            "id": "s.n",
            "name": f"{pick('s.n - 1', names)}"
            f" || CASE WHEN s.n > {len(names)} THEN ' ' || s.n ELSE '' END",
            "description": "''",
            "created_at": sql.hours_ago("30000 - s.n"),
            "void_reason": "''",
        }
        if table == "customers_productservice":
            columns["kind"] = "CASE WHEN s.n % 3 = 0 THEN 'service' ELSE 'product' END"
            columns["code"] = "'PS-' || s.n"
        insert_select(table, columns, sql.numbers(size))
    # Each customer in one or two segments and uses one to three catalogue entries.
    links = [
        ("customers_customer_segments", "segment_id", f"1 + id % {s.segments}", ""),
        (
            "customers_customer_segments",
            "segment_id",
            f"1 + (id + 1 + id % 7) % {s.segments}",
            "id % 3 = 0",
        ),
        ("customers_customer_products", "productservice_id", f"1 + id % {s.products}", ""),
        (
            "customers_customer_products",
            "productservice_id",
            f"1 + (id + 1 + id % 5) % {s.products}",
            "id % 2 = 0",
        ),
        (
            "customers_customer_products",
            "productservice_id",
            f"1 + (id + 7 + id % 3) % {s.products}",
            "id % 5 = 0",
        ),
    ]
    for table, column, expr, where in links:
        source = "customers_customer" + (f" WHERE {where}" if where else "")
        insert_select(table, {"customer_id": "id", column: expr}, source)
    load.sql.analyze()
    load.steps.append(("customers, segments, catalogue", time.perf_counter()))

    # One row per contact from bench_counts, inserted in random order: contacts are
    # added over the years, so a customer's contacts lie scattered in the table.
    first, last = pick("x.g", FIRST), pick("x.cid + x.i * 3", LAST)
    voided = "x.g % 100 = 99"
    insert_select(
        "customers_contact",
        {
            "customer_id": "x.cid",
            "name": f"{first} || ' ' || {last}",
            "email": f"lower({first}) || '.' || lower({last}) || '.' || x.i || '@c' || x.cid"
            " || '.example.com'",
            "phone": "'+91 22 ' || (5000 + x.g % 4000) || ' ' || (1000 + x.i % 9000)",
            "role": pick(
                "x.g", ["Buyer", "Quality lead", "Operations manager", "Finance", "", "Director"]
            ),
            "language": "CASE WHEN x.g % 5 = 0 THEN 'hi' ELSE 'en' END",
            "consent": "(x.g % 4 <> 0)",
            "consent_on": f"CASE WHEN x.g % 4 <> 0 THEN {sql.day('-(x.g % 700)')} END",
            "consent_source": "CASE WHEN x.g % 4 = 0 THEN '' WHEN x.g % 3 = 0 THEN 'form'"
            " WHEN x.g % 3 = 1 THEN 'email' ELSE 'contract' END",
            "opted_out": "(x.g % 50 = 7)",
            "opted_out_at": f"CASE WHEN x.g % 50 = 7 THEN {sql.hours_ago('x.g % 5000')} END",
            "bounced": "(x.g % 97 = 3)",
            "bounced_at": f"CASE WHEN x.g % 97 = 3 THEN {sql.hours_ago('x.g % 3000')} END",
            "erased_at": "NULL",
            "created_at": sql.hours_ago("(x.g * 11) % 20000 + 100"),
            "updated_at": sql.hours_ago("(x.g * 3) % 100"),
            "voided_at": f"CASE WHEN {voided} THEN {sql.hours_ago('x.g % 60')} END",
            "voided_by_id": f"CASE WHEN {voided} THEN {qm} END",
            "void_reason": f"CASE WHEN {voided} THEN 'Left the company' ELSE '' END",
        },
        # The join is one of Dialect's two constants.
        "(SELECT b.customer_id AS cid, k.n AS i, b.customer_id * 7 + k.n AS g"  # nosec B608
        f" FROM bench_counts b {sql.per_customer()}) AS x ORDER BY random()",
    )
    load.steps.append(("contacts", time.perf_counter()))


def load_requirements(load: Load) -> None:
    """Needs, requirements (a tenth at version 2, with the change and who must
    acknowledge it), commitments carrying them, each reviewed, and their versions.

    Customer 1, the one with the most contacts, gets a share of each, as a large
    account would. Requirements with odd ids hold for every customer: commitments and
    needs link to those.
    """
    s, sql, team = load.sizes, load.sql, load.team
    qm, reviewers = team.quality_managers[0], team.quality_managers
    general = s.requirements // 2  # requirement 1 + 2k, for k below this, is general
    voided = "s.n % 50 = 49"
    insert_select(
        "customers_need",
        {
            "id": "s.n",
            "customer_id": "CASE WHEN s.n % 250 = 1 THEN 1"
            f" WHEN s.n % 10 < 7 THEN 1 + (s.n * 7) % {s.customers} END",
            "segment_id": f"CASE WHEN s.n % 250 <> 1 AND s.n % 10 IN (7, 8)"
            f" THEN 1 + s.n % {s.segments} END",
            "other_party": "CASE WHEN s.n % 250 <> 1 AND s.n % 10 = 9 THEN "
            + pick(
                "s.n / 10",
                ["Pollution Control Board", "Bureau of Indian Standards", "Key supplier"],
            )
            + " ELSE '' END",
            "title": pick("s.n", NEEDS),
            "description": "CASE WHEN s.n % 2 = 0 THEN 'Raised in the quarterly account review.'"
            " ELSE '' END",
            "kind": pick("s.n", ["stated", "implied", "statutory", "organisation"]),
            "horizon": "CASE WHEN s.n % 5 = 0 THEN 'future' ELSE 'current' END",
            "source": pick(
                "s.n", ["meeting", "survey", "complaint", "market_research", "contract", "other"]
            ),
            "source_note": "''",
            "priority": pick("s.n", ["high", "medium", "low"]),
            "status": "CASE s.n % 10 WHEN 6 THEN 'addressed' WHEN 7 THEN 'addressed'"
            " WHEN 8 THEN 'monitored' WHEN 9 THEN 'closed' ELSE 'open' END",
            "created_at": sql.hours_ago("(s.n * 5) % 15000 + 100"),
            "updated_at": sql.hours_ago("s.n % 100"),
            "voided_at": f"CASE WHEN {voided} THEN {sql.hours_ago('s.n % 90')} END",
            "voided_by_id": f"CASE WHEN {voided} THEN {qm} END",
            "void_reason": f"CASE WHEN {voided} THEN 'Recorded twice' ELSE '' END",
        },
        sql.numbers(s.needs),
    )
    statutory, voided = "s.n % 5 = 2", "s.n % 80 = 79"
    title = pick("s.n", REQUIREMENTS)
    insert_select(
        "customers_requirement",
        {
            "id": "s.n",
            "product_id": f"1 + s.n % {s.products}",
            "customer_id": "CASE WHEN s.n % 1000 = 2 THEN 1"
            f" WHEN s.n % 2 = 0 THEN 1 + (s.n * 13) % {s.customers} END",
            "title": title,
            "text": f"'The organisation shall provide: ' || {title} || '.'",
            "category": pick(
                "s.n", ["customer", "delivery", "statutory", "intended_use", "organisation"]
            ),
            "claim": "CASE WHEN s.n % 3 = 0 THEN 'Verified by an accredited laboratory.'"
            " ELSE '' END",
            "status": "CASE s.n % 10 WHEN 6 THEN 'draft' WHEN 7 THEN 'under_review'"
            " WHEN 9 THEN 'rejected' ELSE 'accepted' END",
            "source": f"CASE WHEN {statutory} THEN "
            + pick(
                "s.n / 5", ["ISO 13485", "RoHS Directive 2011/65/EU", "Legal Metrology Act 2009"]
            )
            + " ELSE '' END",
            "source_clause": f"CASE WHEN {statutory} THEN '4.' || (1 + s.n % 9) ELSE '' END",
            # Some dates are past: those requirements are flagged for a re-check.
            "recheck_due": f"CASE WHEN {statutory} THEN {sql.day('(s.n % 365) - 200')} END",
            "version": "CASE WHEN s.n % 10 = 3 THEN 2 ELSE 1 END",
            "owner_id": pick("s.n", team.owners),
            "created_at": sql.hours_ago("(s.n * 3) % 15000 + 200"),
            "updated_at": sql.hours_ago("s.n % 150"),
            "voided_at": f"CASE WHEN {voided} THEN {sql.hours_ago('s.n % 90')} END",
            "voided_by_id": f"CASE WHEN {voided} THEN {qm} END",
            "void_reason": f"CASE WHEN {voided} THEN 'Entered against the wrong product'"
            " ELSE '' END",
        },
        sql.numbers(s.requirements),
    )
    version = {
        "requirement_id": "id",
        "title": "title",
        "text": "text",
        "category": "category",
        "claim": "claim",
        "product_id": "product_id",
        "customer_id": "customer_id",
        "source": "source",
        "source_clause": "source_clause",
        "created_by_id": "owner_id",
    }
    insert_select(
        "customers_requirementversion",
        {**version, "number": "1", "reason": "''", "created_at": "created_at"},
        "customers_requirement",
    )
    reason = lit("Clarified the wording after the customer asked.")
    insert_select(
        "customers_requirementversion",
        {**version, "number": "2", "reason": reason, "created_at": "updated_at"},
        "customers_requirement WHERE version = 2",
    )
    insert_select(
        "customers_change",
        {
            "requirement_id": "id",
            "from_version": "1",
            "to_version": "2",
            "reason": reason,
            "changed_by_id": str(qm),
            "changed_at": "updated_at",
        },
        "customers_requirement WHERE version = 2",
    )
    insert_select(
        "customers_acknowledgement",
        {
            "change_id": "ch.id",
            "person_id": "r.owner_id",
            "concern": "'owner'",
            "acknowledged_at": "CASE WHEN ch.id % 2 = 0 THEN ch.changed_at END",
        },
        "customers_change ch JOIN customers_requirement r ON r.id = ch.requirement_id",
    )
    insert_select(
        "customers_need_requirements",
        {"need_id": "id", "requirement_id": f"1 + 2 * ((id * 5) % {general})"},
        "customers_need WHERE id % 3 <> 2",
    )
    load.sql.analyze()
    load.steps.append(("needs, requirements, changes", time.perf_counter()))
    made, voided = "s.n % 20 < 12", "s.n % 100 = 99"
    insert_select(
        "customers_commitment",
        {
            "id": "s.n",
            "customer_id": "CASE WHEN s.n % 400 = 5 THEN 1"
            f" ELSE 1 + (s.n * 11) % {s.customers} END",
            "kind": pick("s.n", ["quote", "order", "contract"]),
            "reference": pick("s.n", ["Q-", "PO-", "K-"]) + " || (100000 + s.n)",
            "title": pick("s.n", COMMITMENTS),
            "description": "''",
            "committed_on": sql.day("30 - s.n % 720"),
            "status": f"CASE WHEN {made} THEN 'made' WHEN s.n % 20 = 19 THEN 'withdrawn'"
            " ELSE 'draft' END",
            "made_at": f"CASE WHEN {made} THEN {sql.hours_ago('24 * (s.n % 690)')} END",
            "made_by_id": f"CASE WHEN {made} THEN {qm} END",
            "version": "1",
            "created_at": sql.hours_ago("24 * (s.n % 720) + 800"),
            "updated_at": sql.hours_ago("s.n % 200"),
            "voided_at": f"CASE WHEN {voided} THEN {sql.hours_ago('s.n % 90')} END",
            "voided_by_id": f"CASE WHEN {voided} THEN {qm} END",
            "void_reason": f"CASE WHEN {voided} THEN 'Raised in error' ELSE '' END",
        },
        sql.numbers(s.commitments),
    )
    # One to three general requirements per commitment.
    for offset, where in ((0, ""), (1, " WHERE id % 2 = 0"), (2, " WHERE id % 3 = 0")):
        insert_select(
            "customers_commitment_requirements",
            {"commitment_id": "id", "requirement_id": f"1 + 2 * ((id * 3 + {offset}) % {general})"},
            "customers_commitment" + where,
        )
    load.sql.analyze()
    insert_select(
        "customers_commitmentreview",
        {
            "id": "id",
            "commitment_id": "id",
            "commitment_version": "1",
            "reviewer_id": pick("id", reviewers),
            "reviewed_on": sql.day("-(id % 10)", since="committed_on"),
            "outcome": "CASE id % 10 WHEN 8 THEN 'conditions' WHEN 9 THEN 'rejected'"
            " ELSE 'accepted' END",
            "conditions": "CASE WHEN id % 10 = 8 THEN 'Delivery in two lots, the second"
            " after sign-off.' ELSE '' END",
            "differences": "CASE WHEN id % 7 = 0 THEN 'Quantity raised from the quote; price"
            " held.' ELSE '' END",
            "verbal_requirements": "''",
            "created_at": "created_at",
        },
        "customers_commitment",
    )
    run("UPDATE customers_commitment SET current_review_id = id")
    insert_select(
        "customers_reviewitem",
        {
            "review_id": "cr.commitment_id",
            "requirement_id": "cr.requirement_id",
            "requirement_version": "r.version",
            "can_meet": "TRUE",
            "note": "''",
        },
        "customers_commitment_requirements cr"
        " JOIN customers_requirement r ON r.id = cr.requirement_id",
    )
    insert_select(
        "customers_commitmentversion",
        {
            "commitment_id": "m.id",
            "number": "1",
            "kind": "m.kind",
            "reference": "m.reference",
            "title": "m.title",
            "description": "m.description",
            "committed_on": "m.committed_on",
            "requirements": carried_json(sql),
            "reason": "''",
            "created_by_id": str(qm),
            "created_at": "m.created_at",
        },
        "customers_commitment m",
    )
    load.steps.append(("commitments, reviews, versions", time.perf_counter()))


TRACKED = (
    Customer,
    Contact,
    Segment,
    ProductService,
    Need,
    Requirement,
    Commitment,
    CommitmentReview,
)


def load_history(load: Load, tracked: Sequence[Any] = TRACKED) -> None:
    """Write the creation row of every record's history, as a save would, by the
    quality manager: the detail pages read it."""
    write_history(tracked, load.team.measurer)
    load.steps.append(("history", time.perf_counter()))


# Each app's loader, in the order of the app layers (a later app reads the rows the
# ones below it wrote).
LOADERS: list[Callable[[Load], None]] = [load_helpers, load_customers, load_requirements]


def load_all(
    scale: float,
    loaders: Sequence[Callable[[Load], None]] = (),
    tracked: Sequence[Any] = (),
    app_models: Sequence[type[models.Model]] = (),
) -> Load:
    """Load the registers' data set, then a later app's (``loaders``, with the models
    whose creation history it writes and whose id sequences it moves on)."""
    started = time.perf_counter()
    sizes = Sizes.at(scale)
    load = Load(
        sizes=sizes,
        team=make_team(),
        sql=Dialect(timezone.now().replace(microsecond=0)),
        counts=contact_counts(sizes),
    )
    load.steps.append(("users and contact counts", time.perf_counter()))
    for loader in [*LOADERS, *loaders]:
        loader(load)
    load_history(load, [*TRACKED, *tracked])
    reset_sequences([*django.apps.apps.get_app_config("customers").get_models(), *app_models])
    if load.sql.pg:
        # As autovacuum would leave a table in use: statistics and the visibility map.
        run("VACUUM ANALYZE")
        load.steps.append(("VACUUM ANALYZE", time.perf_counter()))
    load.steps.insert(0, ("start", started))
    return load


@dataclass(frozen=True)
class Picks:
    """The records the detail pages show, found after loading."""

    big_customer: int
    big_contacts: int
    typical_customer: int
    typical_contacts: int
    contact: int
    need: int
    requirement: int
    commitment: int
    change: int
    measurer: int
    today: str


def make_picks(load: Load) -> Picks:
    counts = load.counts
    typical = statistics.median_low(counts)
    first_active = (
        "SELECT min(b.customer_id) FROM bench_counts b JOIN customers_customer c"
        " ON c.id = b.customer_id WHERE b.cnt = %s AND c.voided_at IS NULL"
    )
    big = scalar(first_active, [load.sizes.most_contacts])
    return Picks(
        big_customer=big,
        big_contacts=load.sizes.most_contacts,
        typical_customer=scalar(first_active, [typical]),
        typical_contacts=typical,
        contact=scalar(
            "SELECT min(id) FROM customers_contact WHERE customer_id = %s AND voided_at IS NULL",
            [big],
        ),
        need=scalar(
            "SELECT min(n.id) FROM customers_need n JOIN customers_need_requirements nr"
            " ON nr.need_id = n.id WHERE n.customer_id = %s AND n.voided_at IS NULL",
            [big],
        ),
        # A changed requirement (version 2) that commitments carry.
        requirement=scalar(
            "SELECT min(r.id) FROM customers_requirement r JOIN customers_commitment_requirements"
            " cr ON cr.requirement_id = r.id WHERE r.version = 2 AND r.voided_at IS NULL"
        ),
        commitment=scalar(
            "SELECT max(m.id) FROM customers_commitment m WHERE m.customer_id = %s"
            " AND m.voided_at IS NULL",
            [big],
        ),
        change=scalar("SELECT min(id) FROM customers_change"),
        measurer=load.team.measurer,
        today=load.sql.today,
    )


CUSTOMERS_SQL = ListSql(
    count="SELECT count(*) FROM customers_customer c WHERE {where}",
    rows="SELECT c.id, c.name, c.kind, c.status, c.country, c.voided_at, u.full_name, u.email,"
    " (SELECT count(*) FROM customers_contact k WHERE k.customer_id = c.id"
    " AND k.voided_at IS NULL) AS contacts"
    " FROM customers_customer c LEFT JOIN core_user u ON u.id = c.account_owner_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="c.voided_at IS NULL",
    order="c.name",
)
CONTACTS_SQL = ListSql(
    count="SELECT count(*) FROM customers_contact k WHERE {where}",
    rows="SELECT k.id, k.name, k.email, k.phone, k.language, k.consent, k.opted_out,"
    " k.bounced, c.id, c.name FROM customers_contact k"
    " JOIN customers_customer c ON c.id = k.customer_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="k.voided_at IS NULL",
    order="k.name",
)
CATALOGUE_SQL = (
    "SELECT s.id, s.name, s.voided_at, count(c.id) FROM customers_{table} s"
    " LEFT JOIN customers_customer_{links} cs ON cs.{column} = s.id"
    " LEFT JOIN customers_customer c ON c.id = cs.customer_id AND c.voided_at IS NULL"
    " WHERE {{where}} GROUP BY s.id, s.name, s.voided_at ORDER BY {{order}} LIMIT %s OFFSET %s"
)
SEGMENTS_SQL = ListSql(
    count="SELECT count(*) FROM customers_segment s WHERE {where}",
    rows=fill(CATALOGUE_SQL, links="segments", column="segment_id", table="segment"),
    where="1 = 1",
    order="s.voided_at, s.name",
)
PRODUCTS_SQL = ListSql(
    count="SELECT count(*) FROM customers_productservice s WHERE {where}",
    rows=fill(CATALOGUE_SQL, links="products", column="productservice_id", table="productservice"),
    where="1 = 1",
    order="s.voided_at, s.name",
)
NEEDS_SQL = ListSql(
    count="SELECT count(*) FROM customers_need n WHERE {where}",
    rows="SELECT n.id, n.title, n.kind, n.horizon, n.priority, n.status, n.other_party,"
    " c.id, c.name, s.id, s.name, (SELECT count(*) FROM customers_need_requirements nr"
    " WHERE nr.need_id = n.id) FROM customers_need n"
    " LEFT JOIN customers_customer c ON c.id = n.customer_id"
    " LEFT JOIN customers_segment s ON s.id = n.segment_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="n.voided_at IS NULL",
    order="n.created_at DESC",
)
REQUIREMENTS_SQL = ListSql(
    count="SELECT count(*) FROM customers_requirement r WHERE {where}",
    rows="SELECT r.id, r.title, r.category, r.status, r.version, r.recheck_due, p.name,"
    " c.id, c.name, u.full_name, (SELECT count(*) FROM customers_commitment_requirements cr"
    " WHERE cr.requirement_id = r.id) FROM customers_requirement r"
    " JOIN customers_productservice p ON p.id = r.product_id"
    " LEFT JOIN customers_customer c ON c.id = r.customer_id"
    " JOIN core_user u ON u.id = r.owner_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="r.voided_at IS NULL",
    order="p.name, r.title",
)
COMMITMENTS_SQL = ListSql(
    count="SELECT count(*) FROM customers_commitment m WHERE {where}",
    rows="SELECT m.id, m.kind, m.reference, m.title, m.committed_on, m.status, m.made_at,"
    " c.id, c.name, v.reviewed_on, v.outcome, v.reopened_at, u.full_name,"
    " (SELECT count(*) FROM customers_commitment_requirements cr"
    " WHERE cr.commitment_id = m.id) FROM customers_commitment m"
    " JOIN customers_customer c ON c.id = m.customer_id"
    " LEFT JOIN customers_commitmentreview v ON v.id = m.current_review_id"
    " LEFT JOIN core_user u ON u.id = v.reviewer_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="m.voided_at IS NULL",
    order="m.committed_on DESC, m.reference, m.id",
)
REVIEWS_SQL = ListSql(
    count="SELECT count(*) FROM customers_commitmentreview v WHERE {where}",
    rows="SELECT v.id, v.reviewed_on, v.created_at, v.outcome, v.reopened_at,"
    " v.commitment_version, u.full_name, m.id, m.kind, m.reference, c.id, c.name"
    " FROM customers_commitmentreview v JOIN customers_commitment m ON m.id = v.commitment_id"
    " JOIN customers_customer c ON c.id = m.customer_id JOIN core_user u ON u.id = v.reviewer_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="1 = 1",
    order="v.reviewed_on DESC, v.created_at DESC, v.id DESC",
)
CHANGES_SQL = ListSql(
    count="SELECT count(*) FROM customers_change ch WHERE {where}",
    rows="SELECT ch.id, ch.from_version, ch.to_version, ch.changed_at, ch.reason, r.id,"
    " r.title, m.id, m.reference, c.name, u.full_name,"
    " (SELECT count(*) FROM customers_acknowledgement a WHERE a.change_id = ch.id),"
    " (SELECT count(*) FROM customers_acknowledgement a WHERE a.change_id = ch.id"
    " AND a.acknowledged_at IS NULL) FROM customers_change ch"
    " LEFT JOIN customers_requirement r ON r.id = ch.requirement_id"
    " LEFT JOIN customers_commitment m ON m.id = ch.commitment_id"
    " LEFT JOIN customers_customer c ON c.id = m.customer_id"
    " JOIN core_user u ON u.id = ch.changed_by_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="1 = 1",
    order="ch.changed_at DESC, ch.id DESC",
)
# Part of a search: the customers whose name contains a word, and their commitments.
NAMED = "IN (SELECT id FROM customers_customer WHERE lower(name) LIKE %s)"
COMMITMENT_TO_NAMED = (
    "IN (SELECT id FROM customers_commitment WHERE customer_id"
    " IN (SELECT id FROM customers_customer WHERE lower(name) LIKE %s))"
)

CUSTOMER_DETAIL = [
    (
        "SELECT c.*, u.full_name, u.email FROM customers_customer c"
        " LEFT JOIN core_user u ON u.id = c.account_owner_id WHERE c.id = %s"
    ),
    (
        "SELECT s.name FROM customers_segment s JOIN customers_customer_segments cs"
        " ON cs.segment_id = s.id WHERE cs.customer_id = %s"
    ),
    (
        "SELECT p.name, p.kind FROM customers_productservice p JOIN customers_customer_products cp"
        " ON cp.productservice_id = p.id WHERE cp.customer_id = %s"
    ),
    (
        "SELECT id, name, email, role, language, consent, opted_out, bounced, erased_at, voided_at"
        " FROM customers_contact WHERE customer_id = %s ORDER BY voided_at, name"
    ),
    (
        "SELECT id, title, kind, priority, status FROM customers_need"
        " WHERE customer_id = %s AND voided_at IS NULL ORDER BY status, created_at DESC"
    ),
    (
        "SELECT r.id, r.title, r.status, p.name FROM customers_requirement r"
        " JOIN customers_productservice p ON p.id = r.product_id"
        " WHERE r.customer_id = %s AND r.voided_at IS NULL ORDER BY r.title"
    ),
    (
        "SELECT m.id, m.kind, m.reference, m.title, m.committed_on, m.status, v.outcome,"
        " v.reopened_at FROM customers_commitment m"
        " LEFT JOIN customers_commitmentreview v ON v.id = m.current_review_id"
        " WHERE m.customer_id = %s AND m.voided_at IS NULL ORDER BY m.committed_on DESC"
    ),
    # The history tab: the latest 200 changes to the customer and to its contacts.
    (
        "SELECT h.*, u.full_name FROM customers_historicalcustomer h"
        " LEFT JOIN core_user u ON u.id = h.history_user_id WHERE h.id = %s"
        " ORDER BY h.history_date DESC, h.history_id DESC LIMIT 201"
    ),
    (
        "SELECT h.*, u.full_name FROM customers_historicalcontact h"
        " LEFT JOIN core_user u ON u.id = h.history_user_id"
        " WHERE h.id IN (SELECT id FROM customers_contact WHERE customer_id = %s)"
        " ORDER BY h.history_date DESC, h.history_id DESC LIMIT 201"
    ),
]


def history_sql(table: str) -> str:
    return fill(
        "SELECT h.*, u.full_name FROM customers_historical{table} h"
        " LEFT JOIN core_user u ON u.id = h.history_user_id WHERE h.id = %s"
        " ORDER BY h.history_date DESC, h.history_id DESC LIMIT 201",
        table=table,
    )


CONTACT_DETAIL = [
    (
        "SELECT k.*, c.name, c.status FROM customers_contact k"
        " JOIN customers_customer c ON c.id = k.customer_id WHERE k.id = %s"
    ),
    (
        "SELECT e.*, u.full_name FROM customers_erasure e"
        " JOIN core_user u ON u.id = e.performed_by_id WHERE e.contact_id = %s"
    ),
]
NEED_DETAIL = [
    (
        "SELECT n.*, c.name, s.name FROM customers_need n"
        " LEFT JOIN customers_customer c ON c.id = n.customer_id"
        " LEFT JOIN customers_segment s ON s.id = n.segment_id WHERE n.id = %s"
    ),
    (
        "SELECT r.id, r.title, r.status, p.name FROM customers_requirement r"
        " JOIN customers_need_requirements nr ON nr.requirement_id = r.id"
        " JOIN customers_productservice p ON p.id = r.product_id"
        " WHERE nr.need_id = %s ORDER BY r.id"
    ),
    history_sql("need"),
]
REQUIREMENT_DETAIL = [
    (
        "SELECT r.*, p.name, c.name, u.full_name FROM customers_requirement r"
        " JOIN customers_productservice p ON p.id = r.product_id"
        " LEFT JOIN customers_customer c ON c.id = r.customer_id"
        " JOIN core_user u ON u.id = r.owner_id WHERE r.id = %s"
    ),
    (
        "SELECT v.*, p.name, c.name, u.full_name FROM customers_requirementversion v"
        " JOIN customers_productservice p ON p.id = v.product_id"
        " LEFT JOIN customers_customer c ON c.id = v.customer_id"
        " JOIN core_user u ON u.id = v.created_by_id WHERE v.requirement_id = %s"
    ),
    (
        "SELECT n.id, n.title, n.status, c.name, s.name FROM customers_need n"
        " JOIN customers_need_requirements nr ON nr.need_id = n.id"
        " LEFT JOIN customers_customer c ON c.id = n.customer_id"
        " LEFT JOIN customers_segment s ON s.id = n.segment_id WHERE nr.requirement_id = %s"
    ),
    (
        "SELECT m.id, m.kind, m.reference, m.status, c.name, v.outcome FROM customers_commitment m"
        " JOIN customers_commitment_requirements cr ON cr.commitment_id = m.id"
        " JOIN customers_customer c ON c.id = m.customer_id"
        " LEFT JOIN customers_commitmentreview v ON v.id = m.current_review_id"
        " WHERE cr.requirement_id = %s"
    ),
    (
        "SELECT ch.*, u.full_name, a.person_id, a.acknowledged_at, p.full_name"
        " FROM customers_change ch JOIN core_user u ON u.id = ch.changed_by_id"
        " LEFT JOIN customers_acknowledgement a ON a.change_id = ch.id"
        " LEFT JOIN core_user p ON p.id = a.person_id WHERE ch.requirement_id = %s"
    ),
    history_sql("requirement"),
]
COMMITMENT_DETAIL = [
    (
        "SELECT m.*, c.name, o.full_name, v.outcome, v.reviewed_on, r.full_name"
        " FROM customers_commitment m JOIN customers_customer c ON c.id = m.customer_id"
        " LEFT JOIN core_user o ON o.id = c.account_owner_id"
        " LEFT JOIN customers_commitmentreview v ON v.id = m.current_review_id"
        " LEFT JOIN core_user r ON r.id = v.reviewer_id WHERE m.id = %s"
    ),
    (
        "SELECT r.id, r.title, r.status, r.version, p.name, u.full_name"
        " FROM customers_requirement r"
        " JOIN customers_commitment_requirements cr ON cr.requirement_id = r.id"
        " JOIN customers_productservice p ON p.id = r.product_id"
        " JOIN core_user u ON u.id = r.owner_id WHERE cr.commitment_id = %s"
    ),
    (
        "SELECT v.*, u.full_name FROM customers_commitmentversion v"
        " JOIN core_user u ON u.id = v.created_by_id WHERE v.commitment_id = %s"
    ),
    (
        "SELECT v.*, u.full_name, i.requirement_id, i.requirement_version, i.can_meet, r.title"
        " FROM customers_commitmentreview v JOIN core_user u ON u.id = v.reviewer_id"
        " LEFT JOIN customers_reviewitem i ON i.review_id = v.id"
        " LEFT JOIN customers_requirement r ON r.id = i.requirement_id WHERE v.commitment_id = %s"
    ),
    (
        "SELECT ch.*, a.person_id, a.acknowledged_at FROM customers_change ch"
        " LEFT JOIN customers_acknowledgement a ON a.change_id = ch.id WHERE ch.commitment_id = %s"
    ),
    history_sql("commitment"),
]
CHANGE_DETAIL = [
    (
        "SELECT ch.*, r.title, m.reference, c.name, u.full_name FROM customers_change ch"
        " LEFT JOIN customers_requirement r ON r.id = ch.requirement_id"
        " LEFT JOIN customers_commitment m ON m.id = ch.commitment_id"
        " LEFT JOIN customers_customer c ON c.id = m.customer_id"
        " JOIN core_user u ON u.id = ch.changed_by_id WHERE ch.id = %s"
    ),
    (
        "SELECT v.* FROM customers_requirementversion v JOIN customers_change ch"
        " ON ch.requirement_id = v.requirement_id"
        " AND v.number IN (ch.from_version, ch.to_version) WHERE ch.id = %s"
    ),
    (
        "SELECT a.*, u.full_name FROM customers_acknowledgement a"
        " JOIN core_user u ON u.id = a.person_id WHERE a.change_id = %s"
    ),
    (
        "SELECT v.*, m.reference FROM customers_commitmentreview v"
        " JOIN customers_commitment m ON m.id = v.commitment_id WHERE v.reopened_by_id = %s"
    ),
]
HOME_SQL = [
    (
        (
            "SELECT sum(CASE WHEN status = 'active' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN status = 'at_risk' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN status = 'prospect' THEN 1 ELSE 0 END),"
            " sum(CASE WHEN account_owner_id = %s THEN 1 ELSE 0 END)"
            " FROM customers_customer WHERE voided_at IS NULL"
        ),
        "measurer",
    ),
    (
        (
            "SELECT count(*), sum(CASE WHEN consent AND NOT opted_out AND NOT bounced"
            " AND erased_at IS NULL THEN 1 ELSE 0 END)"
            " FROM customers_contact WHERE voided_at IS NULL"
        ),
        "",
    ),
    (
        (
            "SELECT sum(CASE WHEN v.reopened_at IS NOT NULL OR (m.status = 'made'"
            " AND v.outcome = 'rejected') THEN 1 ELSE 0 END),"
            " sum(CASE WHEN m.current_review_id IS NULL AND m.status = 'draft' THEN 1 ELSE 0 END)"
            " FROM customers_commitment m"
            " LEFT JOIN customers_commitmentreview v ON v.id = m.current_review_id"
            " WHERE m.voided_at IS NULL"
        ),
        "",
    ),
    (
        (
            "SELECT count(*) FROM customers_requirement WHERE voided_at IS NULL"
            " AND recheck_due < %s AND status NOT IN ('rejected', 'superseded')"
        ),
        "today",
    ),
    (
        (
            "SELECT count(*) FROM customers_change WHERE id IN (SELECT change_id"
            " FROM customers_acknowledgement WHERE person_id = %s AND acknowledged_at IS NULL)"
        ),
        "measurer",
    ),
    (
        (
            "SELECT sum(CASE WHEN state IN ('queued', 'sending') THEN 1 ELSE 0 END),"
            " sum(CASE WHEN state = 'sent' AND sent_at >= %s THEN 1 ELSE 0 END)"
            " FROM core_outboundemail"
        ),
        "today",
    ),
]
# The header search: per kind, the first 8 matches and how many match in all.
SEARCH_SQL = [
    (
        (
            "SELECT c.id, c.name, c.status, c.country, count(*) OVER () FROM customers_customer c"
            " WHERE c.voided_at IS NULL AND (lower(c.name) LIKE %s OR EXISTS (SELECT 1"
            " FROM customers_contact k WHERE k.customer_id = c.id AND k.voided_at IS NULL"
            " AND (lower(k.name) LIKE %s OR k.email LIKE %s))) ORDER BY c.name LIMIT 8"
        ),
        3,
    ),
    (
        (
            "SELECT k.id, k.name, k.email, c.name, count(*) OVER () FROM customers_contact k"
            " JOIN customers_customer c ON c.id = k.customer_id WHERE k.voided_at IS NULL"
            " AND (lower(k.name) LIKE %s OR lower(k.email) LIKE %s OR lower(c.name) LIKE %s)"
            " ORDER BY k.name, k.id LIMIT 8"
        ),
        3,
    ),
    (
        (
            "SELECT n.id, n.title, n.status, c.name, s.name, count(*) OVER () FROM customers_need n"
            " LEFT JOIN customers_customer c ON c.id = n.customer_id"
            " LEFT JOIN customers_segment s ON s.id = n.segment_id WHERE n.voided_at IS NULL"
            " AND (lower(n.title) LIKE %s OR lower(n.description) LIKE %s"
            " OR lower(n.other_party) LIKE %s OR lower(c.name) LIKE %s)"
            " ORDER BY n.title, n.id LIMIT 8"
        ),
        4,
    ),
    (
        (
            "SELECT r.id, r.title, r.status, p.name, c.name, count(*) OVER ()"
            " FROM customers_requirement r JOIN customers_productservice p ON p.id = r.product_id"
            " LEFT JOIN customers_customer c ON c.id = r.customer_id WHERE r.voided_at IS NULL"
            " AND (lower(r.title) LIKE %s OR lower(r.text) LIKE %s OR lower(r.claim) LIKE %s"
            " OR lower(r.source) LIKE %s) ORDER BY r.id LIMIT 8"
        ),
        4,
    ),
    (
        (
            "SELECT m.id, m.reference, m.title, m.status, c.name, count(*) OVER ()"
            " FROM customers_commitment m JOIN customers_customer c ON c.id = m.customer_id"
            " WHERE m.voided_at IS NULL AND (lower(m.reference) LIKE %s OR lower(m.title) LIKE %s"
            " OR lower(c.name) LIKE %s) ORDER BY m.committed_on DESC, m.reference LIMIT 8"
        ),
        3,
    ),
]


def home_raw(picks: Picks) -> list[Statement]:
    values: dict[str, list[Any]] = {"": [], "measurer": [picks.measurer], "today": [picks.today]}
    return [(statement, values[param]) for statement, param in HOME_SQL]


# A chooser's suggestions (core/choosers.py): the first 10 that match, in the kind's order.
CHOOSER_SQL = {
    "customers": (
        (
            "SELECT id, name, status, country FROM customers_customer WHERE voided_at IS NULL"
            " AND lower(name) LIKE %s ORDER BY name, id LIMIT 10"
        ),
        1,
    ),
    "contacts": (
        (
            "SELECT k.id, k.name, k.email, c.name FROM customers_contact k"
            " JOIN customers_customer c ON c.id = k.customer_id WHERE k.voided_at IS NULL"
            " AND (lower(k.name) LIKE %s OR lower(k.email) LIKE %s OR lower(c.name) LIKE %s)"
            " ORDER BY k.name, k.id LIMIT 10"
        ),
        3,
    ),
}


def chooser(kind: str, word: str) -> Page:
    statement, n = CHOOSER_SQL[kind]

    def raw(picks: Picks) -> list[Statement]:
        return [(statement, [like(word)] * n)]

    return Page(
        f"chooser: {kind} ?q={word}", "choose", SEARCH, raw, f"?q={word}", pk=lambda _: kind
    )


def search_raw(picks: Picks) -> list[Statement]:
    return [(statement, [like(CUSTOMER_WORD)] * n) for statement, n in SEARCH_SQL]


PAGES: list[Page] = [
    Page("home", "home", HOME, home_raw),
    Page(f"header search ?q={CUSTOMER_WORD}", "search", SEARCH, search_raw, f"?q={CUSTOMER_WORD}"),
    chooser("customers", CUSTOMER_WORD),
    chooser("contacts", CONTACT_WORD),
    *list_pages(
        "customers",
        "customers:customer_list",
        CUSTOMERS_SQL,
        Variant("?status=active", "c.status = 'active'"),
        Variant("?ordering=-contacts", order="contacts DESC"),
        Variant(
            f"?q={CUSTOMER_WORD}",
            "(lower(c.name) LIKE %s OR EXISTS (SELECT 1 FROM customers_contact k"
            " WHERE k.customer_id = c.id AND k.voided_at IS NULL"
            " AND (lower(k.name) LIKE %s OR k.email LIKE %s)))",
            params=(like(CUSTOMER_WORD),) * 3,
            target=SEARCH,
        ),
    ),
    *list_pages(
        "contacts",
        "customers:contact_list",
        CONTACTS_SQL,
        Variant("?language=hi", "k.language = 'hi'"),
        Variant("?ordering=customer", order="c.name"),
        Variant(
            f"?q={CONTACT_WORD}",
            f"(lower(k.name) LIKE %s OR lower(k.email) LIKE %s OR k.customer_id {NAMED})",
            params=(like(CONTACT_WORD),) * 3,
            target=SEARCH,
        ),
    ),
    *list_pages("segments", "customers:segment_list", SEGMENTS_SQL, far=False),
    *list_pages("catalogue", "customers:product_list", PRODUCTS_SQL),
    *list_pages(
        "needs",
        "customers:need_list",
        NEEDS_SQL,
        Variant("?status=open", "n.status = 'open'"),
        Variant(
            f"?q={NEED_WORD}",
            "(lower(n.title) LIKE %s OR lower(n.description) LIKE %s"
            f" OR lower(n.other_party) LIKE %s OR n.customer_id {NAMED})",
            params=(like(NEED_WORD),) * 4,
            target=SEARCH,
        ),
    ),
    *list_pages(
        "requirements",
        "customers:requirement_list",
        REQUIREMENTS_SQL,
        Variant(
            "?flag=recheck_due",
            "r.recheck_due < %s AND r.status NOT IN ('rejected', 'superseded')",
            params=(timezone.localdate().isoformat(),),
        ),
        Variant("?ordering=recheck", order="r.recheck_due"),
        Variant(
            f"?q={REQUIREMENT_WORD}",
            "(lower(r.title) LIKE %s OR lower(r.text) LIKE %s OR lower(r.claim) LIKE %s"
            " OR lower(r.source) LIKE %s)",
            params=(like(REQUIREMENT_WORD),) * 4,
            target=SEARCH,
        ),
    ),
    *list_pages(
        "commitments",
        "customers:commitment_list",
        COMMITMENTS_SQL,
        Variant("?status=made", "m.status = 'made'"),
        Variant("?ordering=reviewed", order="v.reviewed_on NULLS LAST, m.id"),
        Variant(
            f"?q={CUSTOMER_WORD}",
            f"(lower(m.reference) LIKE %s OR lower(m.title) LIKE %s OR m.customer_id {NAMED})",
            params=(like(CUSTOMER_WORD),) * 3,
            target=SEARCH,
        ),
    ),
    *list_pages(
        "reviews",
        "customers:review_list",
        REVIEWS_SQL,
        Variant("?outcome=conditions", "v.outcome = 'conditions'"),
        Variant("?ordering=customer", order="c.name, v.id"),
        Variant(
            f"?customer={CUSTOMER_WORD}",
            f"v.commitment_id {COMMITMENT_TO_NAMED}",
            params=(like(CUSTOMER_WORD),),
            target=SEARCH,
        ),
    ),
    *list_pages(
        "changes",
        "customers:change_list",
        CHANGES_SQL,
        Variant(
            "?state=outstanding",
            "ch.id IN (SELECT change_id FROM customers_acknowledgement"
            " WHERE acknowledged_at IS NULL)",
        ),
    ),
    detail(
        "customer with the most contacts",
        "customers:customer_detail",
        CUSTOMER_DETAIL,
        lambda p: p.big_customer,
    ),
    detail(
        "the same, ?tab=contacts",
        "customers:customer_detail",
        CUSTOMER_DETAIL,
        lambda p: p.big_customer,
        query="?tab=contacts",
    ),
    detail(
        "customer with the median contacts",
        "customers:customer_detail",
        CUSTOMER_DETAIL,
        lambda p: p.typical_customer,
    ),
    detail("contact", "customers:contact_detail", CONTACT_DETAIL, lambda p: p.contact),
    detail("need", "customers:need_detail", NEED_DETAIL, lambda p: p.need),
    detail(
        "requirement (v2, changed)",
        "customers:requirement_detail",
        REQUIREMENT_DETAIL,
        lambda p: p.requirement,
    ),
    detail("commitment", "customers:commitment_detail", COMMITMENT_DETAIL, lambda p: p.commitment),
    detail("change", "customers:change_detail", CHANGE_DETAIL, lambda p: p.change),
]

# Pages of the URL conf that are not lists or detail pages, and why they are left out.
_LEFT_OUT = {
    "form or confirmation page": (
        "customers:customer_create customers:customer_edit customers:customer_void "
        "customers:contact_create customers:contact_edit customers:contact_void "
        "customers:contact_erase customers:suppression_lift customers:segment_create "
        "customers:segment_edit customers:segment_void customers:product_create "
        "customers:product_edit customers:product_void customers:import_start "
        "customers:need_create customers:need_edit customers:need_void "
        "customers:requirement_create customers:requirement_edit "
        "customers:requirement_recheck customers:requirement_void "
        "customers:commitment_create customers:commitment_edit customers:commitment_review "
        "customers:commitment_void"
    ),
    "button (POST only)": (
        "customers:customer_bulk customers:contact_bulk customers:import_confirm "
        "customers:requirement_status customers:commitment_make customers:commitment_withdraw "
        "customers:change_acknowledge logout"
    ),
    "download": (
        "customers:import_template customers:export_customers customers:export_contacts "
        "customers:commitment_export customers:review_export private_file "
        "customers:import_file"
    ),
    "an import's progress, not a register record": "customers:import_detail",
    "account or probe page": (
        "login password_change password_change_done password_reset password_reset_done "
        "password_reset_confirm password_reset_complete healthz"
    ),
}
NOT_MEASURED = {name: why for why, names in _LEFT_OUT.items() for name in names.split()}


def owns(name: str) -> bool:
    """Return whether this benchmark answers for the page: every one that no later
    app's benchmark measures."""
    return not any(name.startswith(spaces) for spaces in NAMESPACES.values())


def prepare(scale: float) -> tuple[Picks, int]:
    load = load_all(scale)
    picks = make_picks(load)
    print_load(load, scale, picks)
    return picks, load.team.measurer


def print_load(load: Load, scale: float, picks: Picks) -> None:
    s = load.sizes
    print(
        f"database: {database_version()}; scale {scale:g}: {s.customers:,} customers,"
        f" {s.contacts:,} contacts (customer {picks.big_customer} has {picks.big_contacts:,},"
        f" the median {picks.typical_contacts}), {s.segments} segments, {s.products} catalogue"
        f" entries, {s.needs:,} needs, {s.requirements:,} requirements, {s.commitments:,}"
        " commitments and their reviews"
    )
    print_steps(load.steps)


if __name__ == "__main__":
    main((__doc__ or "").splitlines()[0], PAGES, NOT_MEASURED, owns, prepare)
