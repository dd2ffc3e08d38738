"""Benchmark: the feedback app's pages at scale, against the raw SQL for the same answer.

Loads the registers' data set (``registers_scale.py``: at ``--scale 1.0`` 50,000
customers and 1,000,000 contacts), then, by generated SQL, 200,000 feedback items
(kinds, statuses, severities, owners, two years of dates, a share overdue), 1,000,000
outbound emails to the contacts' addresses (purposes, states, some about a feedback
item), 200,000 communications logged by hand and a communication plan of 20 rows in
three approved versions, each record with its creation history. Then it measures the
feedback list, an item's page, the complaint figures, the communication log, a logged
email's page, the plan, the home page (as a quality manager and as staff) and the
customer's timeline, each beside the simplest SQL that returns what the page shows,
printed as ``registers_scale.py`` prints its pages. Same options, same targets.

    .venv/bin/python bench/feedback_scale.py [--scale 1.0] [--smoke] [--only PATTERN]
                                             [--explain]

Long because it is the feedback data set (generated SQL per table) and its page list.
"""

import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registers_scale as registers
from registers_scale import Load, print_load
from scale import (
    DETAIL,
    HOME,
    LIST,
    NAMESPACES,
    SEARCH,
    ListSql,
    Page,
    Statement,
    Variant,
    detail,
    insert_model,
    like,
    list_pages,
    main,
    pick,
    run,
    scalar,
    words,
)

# isort: split
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from core.models import OutboundEmail
from core.pages import PAGE_SIZE
from feedback.communication.models import (
    Communication,
    PlanRow,
    PlanVersion,
    PlanVersionRow,
)
from feedback.complaints.models import FeedbackItem

HOURS = 2 * 365 * 24  # the data set's two years
PLAN_ROWS, PLAN_VERSIONS = 20, 3
ITEM_WORD, LOG_WORD = "packaging", "review"


@dataclass(frozen=True)
class Sizes:
    items: int
    emails: int
    communications: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        def rows(full: int, least: int) -> int:
            return max(least, round(full * scale))

        return cls(
            items=rows(200_000, 200),
            emails=rows(1_000_000, 1_000),
            communications=rows(200_000, 200),
        )


SUBJECTS = """Late delivery
Damaged packaging
Invoice does not match the order
Calibration certificate missing
Wrong part delivered
Great support from the field engineer
Suggestion: order tracking by SMS
When is the next price review?
Pump noisy after installation
Packaging waste could be reduced""".splitlines()
SUMMARIES = """Quarterly service review
Called about a delivery delay
Visited the plant for the supplier audit
Sent the revised quotation
Meeting on the new framework contract
Newsletter: product changes this quarter
Follow-up call after the complaint
Training session on the new controller""".splitlines()
PURPOSES = [
    "feedback acknowledgement",
    "feedback decision",
    "complaint assigned",
    "complaint escalation",
    "survey invitation",
    "requirement change",
    "communication overdue",
    "commitment confirmation",
]
OPEN_COMPLAINT = words("received acknowledged assessed investigating responded")
OPEN_OTHER = words("received acknowledged responded")


def hours(load: Load) -> str:
    """The item's age in hours (``s.n`` numbers the items)."""
    return f"((s.n * 37) % {HOURS})"


def load_plan(load: Load) -> None:
    """A plan of 20 rows, 18 in force in the third of three versions, 2 still drafts."""
    sql, owners = load.sql, load.team.owners
    insert_model(
        PlanRow,
        {
            "id": "s.n",
            "subject": pick("s.n", SUMMARIES) + " || ' ' || s.n",
            "audience": "CASE WHEN s.n > 17 THEN 'customer' WHEN s.n > 14 THEN 'staff'"
            " ELSE 'customers' END",
            "customer_id": "CASE WHEN s.n > 17 THEN s.n END",
            "frequency": pick("s.n", ["monthly", "quarterly", "half_yearly", "yearly"]),
            "channel": pick("s.n", ["meeting", "email", "newsletter", "phone", "visit"]),
            "responsible_id": pick("s.n", owners),
            # A few are overdue.
            "next_due": sql.day("(s.n * 11) % 90 - 15"),
            "created_at": sql.hours_ago("9000 - s.n"),
            "updated_at": sql.hours_ago("9000 - s.n"),
        },
        sql.numbers(PLAN_ROWS),
    )
    insert_model(
        PlanVersion,
        {
            "id": "s.n",
            "number": "s.n",
            "change_summary": "'Version ' || s.n || ': rows added after the management review'",
            "approved_by_id": str(load.team.quality_managers[0]),
            "approved_at": sql.hours_ago(f"({PLAN_VERSIONS + 1} - s.n) * 2000"),
        },
        sql.numbers(PLAN_VERSIONS),
    )
    copied = "subject audience segment_id customer_id frequency event channel responsible_id"
    insert_model(
        PlanVersionRow,
        {
            "version_id": "v.id",
            "row_id": "p.id",
            **{column: f"p.{column}" for column in copied.split()},
            "notes": "p.notes",
            "next_due": "p.next_due",
        },
        "feedback_planrow p JOIN feedback_planversion v ON p.id <= 8 + 5 * v.number"
        f" AND p.id <= {PLAN_ROWS - 2}",
    )
    # Every part of the SQL this module builds is its own constant or a number.
    run(
        "UPDATE feedback_planrow SET in_force_as_id = (SELECT r.id FROM feedback_planversionrow r"  # nosec B608
        " JOIN feedback_planversion v ON v.id = r.version_id WHERE r.row_id = feedback_planrow.id"
        f" AND v.number = {PLAN_VERSIONS})"
    )
    load.steps.append(("plan", time.perf_counter()))


def load_feedback(load: Load) -> None:
    """Feedback items, emails and logged communications."""
    # The registers' scale, read back from their size.
    sizes, sql, team = Sizes.at(load.sizes.customers / 50_000), load.sql, load.team
    contacts = load.sizes.contacts
    sql.count_to(max(sizes.items, sizes.emails, sizes.communications))
    h = hours(load)
    anonymous = "s.n % 10 = 9"
    open_ = f"({h} < 720 OR s.n % 12 = 0)"
    complaint = "s.n % 7 < 3"
    voided = "s.n % 100 = 42"
    closed_days = "(1 + s.n % 25) * 24"
    insert_model(
        FeedbackItem,
        {
            "id": "s.n",
            "kind": f"CASE WHEN {complaint} THEN 'complaint' ELSE "
            + pick("s.n % 7", ["", "", "", "compliment", "suggestion", "enquiry", "follow_up"])
            + " END",
            "channel": pick("s.n / 7", ["email", "phone", "web_form", "survey", "letter"]),
            "status": f"CASE WHEN NOT {open_} THEN 'closed' WHEN {complaint} THEN "
            + pick("s.n / 12", OPEN_COMPLAINT)
            + " ELSE "
            + pick("s.n / 12", OPEN_OTHER)
            + " END",
            "customer_id": f"CASE WHEN {anonymous} THEN NULL ELSE k.customer_id END",
            "contact_id": f"CASE WHEN {anonymous} THEN NULL ELSE k.id END",
            "product_id": f"CASE WHEN s.n % 10 < 7 THEN 1 + s.n % {load.sizes.products} END",
            "sender_name": f"CASE WHEN {anonymous} THEN 'Anonymous sender ' || s.n ELSE '' END",
            "sender_email": f"CASE WHEN {anonymous} THEN 'sender' || s.n || '@mail.example.org'"
            " ELSE '' END",
            "language": "CASE WHEN s.n % 5 = 0 THEN 'hi' ELSE 'en' END",
            "subject": pick("s.n / 3", SUBJECTS),
            "description": pick("s.n / 3", SUBJECTS)
            + " || ' on order ' || s.n || ': the customer asks for a reply by email.'",
            "received_at": sql.hours_ago(h),
            "owner_id": "CASE WHEN s.n % 10 = 0 THEN NULL ELSE "
            + pick("s.n / 10", team.owners)
            + " END",
            "severity": f"CASE WHEN {complaint} THEN "
            + pick("s.n / 11", ["low", "medium", "medium", "high", "critical"])
            + " ELSE '' END",
            "acceptance": f"CASE WHEN {complaint} AND NOT {open_} THEN 'accepted'"
            " ELSE 'pending' END",
            "acknowledge_due_at": sql.hours_ago(f"{h} - 48"),
            "due_at": sql.hours_ago(f"{h} - 720"),
            "acknowledged_at": f"CASE WHEN {open_} AND s.n % 3 = 0 THEN NULL ELSE "
            + sql.hours_ago(f"CASE WHEN {h} >= 72 THEN {h} - s.n % 72 ELSE {h} END")
            + " END",
            "responded_at": f"CASE WHEN NOT {open_} THEN "
            + sql.hours_ago(f"{h} - {closed_days} + 24")
            + " END",
            "closed_at": f"CASE WHEN NOT {open_} THEN "
            + sql.hours_ago(f"{h} - {closed_days}")
            + " END",
            "created_at": sql.hours_ago(h),
            "updated_at": sql.hours_ago(h),
            "voided_at": f"CASE WHEN {voided} THEN {sql.hours_ago('s.n % 60')} END",
            "voided_by_id": f"CASE WHEN {voided} THEN {team.measurer} END",
            "void_reason": f"CASE WHEN {voided} THEN 'Entered twice' ELSE '' END",
        },
        # Multipliers stay small: s.n times them fits in an integer at 1,000,000.
        f"{sql.numbers(sizes.items)} JOIN customers_contact k"
        f" ON k.id = 1 + (s.n * 1009) % {contacts}",
    )
    load.steps.append(("feedback items", time.perf_counter()))

    item_type = ContentType.objects.get_for_model(FeedbackItem).pk
    to_staff = "s.n % 20 = 0"
    about_item = "s.n % 5 < 2"
    insert_model(
        OutboundEmail,
        {
            "recipient": f"CASE WHEN {to_staff} THEN 'bench.staff1@example.com' ELSE k.email END",
            "purpose": pick("s.n / 3", PURPOSES),
            "content_type_id": f"CASE WHEN {about_item} THEN {item_type} END",
            "object_id": f"CASE WHEN {about_item} THEN CAST(1 + (s.n * 13) % {sizes.items}"
            " AS varchar(64)) ELSE '' END",
            "language": "'en'",
            "subject": "'Your feedback ' || " + pick("s.n / 3", SUBJECTS) + " || ' ' || s.n",
            "body_text": "'Dear customer, thank you for writing to us about order ' || s.n",
            "state": pick("s.n", ["sent"] * 30 + ["failed", "bounced"]),
            "attempts": "1",
            "next_attempt_at": sql.hours_ago(f"(s.n * 29) % {HOURS}"),
            "created_at": sql.hours_ago(f"(s.n * 29) % {HOURS}"),
            "created_actor": "'system'",
            "sent_at": sql.hours_ago(f"(s.n * 29) % {HOURS}"),
        },
        f"{sql.numbers(sizes.emails)} JOIN customers_contact k"
        f" ON k.id = 1 + (s.n * 1999) % {contacts}",
    )
    load.steps.append(("emails", time.perf_counter()))

    internal = "s.n % 20 = 7"
    insert_model(
        Communication,
        {
            "id": "s.n",
            "direction": pick("s.n", ["out", "out", "in"]),
            "channel": pick(
                "s.n / 3",
                words("phone meeting visit video email letter message newsletter other"),
            ),
            "occurred_at": sql.hours_ago(f"(s.n * 53) % {HOURS}"),
            "customer_id": f"CASE WHEN {internal} THEN NULL ELSE k.customer_id END",
            "contact_id": f"CASE WHEN {internal} OR s.n % 4 = 0 THEN NULL ELSE k.id END",
            "audience": f"CASE WHEN {internal} THEN "
            + pick("s.n / 20", ["staff", "top_management", "everyone"])
            + " ELSE '' END",
            "summary": pick("s.n / 2", SUMMARIES),
            "details": "'Notes of communication ' || s.n",
            "handled_by_id": pick("s.n / 5", team.owners),
            "plan_row_id": f"CASE WHEN s.n % 50 = 1 THEN 1 + s.n % {PLAN_ROWS - 2} END",
            "content_type_id": f"CASE WHEN s.n % 10 = 3 THEN {item_type} END",
            "object_id": f"CASE WHEN s.n % 10 = 3 THEN CAST(1 + (s.n * 17) % {sizes.items}"
            " AS varchar(64)) ELSE '' END",
            "created_by_id": pick("s.n / 5", team.owners),
            "created_at": sql.hours_ago(f"(s.n * 53) % {HOURS}"),
            "updated_at": sql.hours_ago(f"(s.n * 53) % {HOURS}"),
            "voided_at": f"CASE WHEN s.n % 100 = 17 THEN {sql.hours_ago('s.n % 60')} END",
            "voided_by_id": f"CASE WHEN s.n % 100 = 17 THEN {team.measurer} END",
            "void_reason": "CASE WHEN s.n % 100 = 17 THEN 'Logged twice' ELSE '' END",
        },
        f"{sql.numbers(sizes.communications)} JOIN customers_contact k"
        f" ON k.id = 1 + (s.n * 1013) % {contacts}",
    )
    load.steps.append(("communications", time.perf_counter()))
    sql.analyze()


# The pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Picks:
    """The records the pages show, found after loading; ``measurer`` and ``today``
    also serve the registers' home page SQL."""

    customer: int
    customer_contacts: int
    item: int
    email: int
    measurer: int
    staff: int
    today: str
    now: str
    quarter_from: str
    quarter_to: str
    quarter_end: str


def make_picks(load: Load) -> Picks:
    base = registers.make_picks(load)
    today = date.fromisoformat(load.sql.today)
    # The last full quarter.
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    first = date(start.year - (start.month == 1), (start.month - 4) % 12 + 1, 1)
    last = start - timedelta(days=1)
    staff = load.team.owners[len(load.team.quality_managers)]
    return Picks(
        customer=base.big_customer,
        customer_contacts=base.big_contacts,
        # A complaint of that customer, with emails about it.
        item=scalar(
            "SELECT max(f.id) FROM feedback_feedbackitem f WHERE f.customer_id = %s"
            " AND f.kind = 'complaint' AND f.voided_at IS NULL",
            [base.big_customer],
        ),
        email=scalar(
            "SELECT max(e.id) FROM core_outboundemail e JOIN customers_contact k"
            " ON k.email = e.recipient WHERE k.customer_id = %s AND e.content_type_id IS NOT NULL",
            [base.big_customer],
        ),
        measurer=load.team.measurer,
        staff=staff,
        today=load.sql.today,
        now=load.sql.now.isoformat(),
        quarter_from=first.isoformat(),
        quarter_to=last.isoformat(),
        quarter_end=start.isoformat(),
    )


ITEMS_FROM = (
    " FROM feedback_feedbackitem f LEFT JOIN customers_customer c ON c.id = f.customer_id"
    " LEFT JOIN customers_contact k ON k.id = f.contact_id"
)
ITEMS_SQL = ListSql(
    count="SELECT count(*)" + ITEMS_FROM + " WHERE {where}",
    rows="SELECT f.id, f.kind, f.status, f.severity, f.subject, f.sender_name, f.received_at,"
    " f.due_at, c.id, c.name, k.id, k.name, p.name, u.full_name"
    + ITEMS_FROM
    + " LEFT JOIN customers_productservice p ON p.id = f.product_id"
    " LEFT JOIN core_user u ON u.id = f.owner_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="f.voided_at IS NULL",
    order="f.received_at DESC, f.id DESC",
)
ITEM_TEXT = " OR ".join(
    f"lower({column}) LIKE %s"
    for column in words(
        "f.subject f.description f.sender_name f.sender_email c.name k.name k.email"
    )
)

ITEM_DETAIL = [
    (
        "SELECT f.*, c.name, k.name, k.email, p.name, u.full_name FROM feedback_feedbackitem f"
        " LEFT JOIN customers_customer c ON c.id = f.customer_id"
        " LEFT JOIN customers_contact k ON k.id = f.contact_id"
        " LEFT JOIN customers_productservice p ON p.id = f.product_id"
        " LEFT JOIN core_user u ON u.id = f.owner_id WHERE f.id = %s"
    ),
    (
        "SELECT a.*, u.full_name FROM feedback_attachment a LEFT JOIN core_user u"
        " ON u.id = a.uploaded_by_id WHERE a.item_id = %s"
    ),
    "SELECT id, kind, status FROM feedback_feedbackitem WHERE source_item_id = %s ORDER BY id",
    (
        "SELECT h.*, u.full_name FROM feedback_historicalfeedbackitem h"
        " LEFT JOIN core_user u ON u.id = h.history_user_id WHERE h.id = %s"
        " ORDER BY h.history_date DESC, h.history_id DESC LIMIT 201"
    ),
]


def item_detail_raw(picks: Picks) -> list[Statement]:
    item_type = ContentType.objects.get_for_model(FeedbackItem).pk
    about = "content_type_id = %s AND object_id = %s"
    return [
        *[(statement, [picks.item]) for statement in ITEM_DETAIL],
        # What the item caused: the emails and the logged communications about it.
        (
            (
                f"SELECT id, recipient, purpose, state, created_at FROM core_outboundemail"  # nosec B608
                f" WHERE {about} ORDER BY created_at DESC"
            ),
            [item_type, str(picks.item)],
        ),
        (
            (
                f"SELECT id, summary, channel, occurred_at FROM feedback_communication"  # nosec B608
                f" WHERE {about} ORDER BY occurred_at DESC"
            ),
            [item_type, str(picks.item)],
        ),
    ]


def figures_raw(period: str) -> Any:
    """The complaint figures of a period (``period``: "" for all, or a quarter)."""

    def raw(picks: Picks) -> list[Statement]:
        pg = connection.vendor == "postgresql"
        where = "kind = 'complaint' AND voided_at IS NULL"
        params: list[Any] = []
        if period:
            where += " AND received_at >= %s AND received_at < %s"
            params = [picks.quarter_from, picks.quarter_end]
        now = [picks.now, picks.now]
        # SQLite reads the period again in each median's two subqueries.
        totals_params = [*now, *params] if pg else [*now, *params * 5]
        if pg:
            ack = "EXTRACT(EPOCH FROM acknowledged_at - received_at)"
            close = "EXTRACT(EPOCH FROM closed_at - received_at)"
            totals = (
                "SELECT count(*), count(*) FILTER (WHERE status <> 'closed' AND due_at < %s),"  # nosec B608
                " count(*) FILTER (WHERE acknowledged_at <= acknowledge_due_at),"
                " count(*) FILTER (WHERE acknowledged_at IS NOT NULL OR acknowledge_due_at < %s),"
                f" percentile_cont(0.5) WITHIN GROUP (ORDER BY {ack}),"
                f" percentile_cont(0.5) WITHIN GROUP (ORDER BY {close})"
                f" FROM feedback_feedbackitem WHERE {where}"
            )
            month = "date_trunc('month', received_at)"
        else:
            # SQLite has no median: count, then read the middle row of each.
            totals = (
                "SELECT count(*), sum(status <> 'closed' AND due_at < %s),"  # nosec B608
                " sum(acknowledged_at <= acknowledge_due_at),"
                " sum(acknowledged_at IS NOT NULL OR acknowledge_due_at < %s),"
                " (SELECT d FROM (SELECT julianday(acknowledged_at) - julianday(received_at) AS d"
                f" FROM feedback_feedbackitem WHERE {where} AND acknowledged_at IS NOT NULL)"
                " ORDER BY d LIMIT 1 OFFSET (SELECT count(*) / 2 FROM feedback_feedbackitem"
                f" WHERE {where} AND acknowledged_at IS NOT NULL)),"
                " (SELECT d FROM (SELECT julianday(closed_at) - julianday(received_at) AS d"
                f" FROM feedback_feedbackitem WHERE {where} AND closed_at IS NOT NULL)"
                " ORDER BY d LIMIT 1 OFFSET (SELECT count(*) / 2 FROM feedback_feedbackitem"
                f" WHERE {where} AND closed_at IS NOT NULL))"
                f" FROM feedback_feedbackitem WHERE {where}"
            )
            month = "strftime('%%Y-%%m', received_at)"
        groups = [
            (
                f"SELECT {month}, count(*) FROM feedback_feedbackitem"  # nosec B608
                f" WHERE {where} GROUP BY 1 ORDER BY 1"
            ),
            (
                "SELECT f.product_id, p.name, count(*) FROM feedback_feedbackitem f"  # nosec B608
                " LEFT JOIN customers_productservice p ON p.id = f.product_id"
                f" WHERE f.{where.replace(' AND ', ' AND f.')} GROUP BY 1, 2 ORDER BY 3 DESC"
            ),
            (
                "SELECT severity, count(*) FROM feedback_feedbackitem"  # nosec B608
                f" WHERE {where} GROUP BY 1"
            ),
            (
                "SELECT status, count(*) FROM feedback_feedbackitem"  # nosec B608
                f" WHERE {where} GROUP BY 1"
            ),
        ]
        return [(totals, totals_params), *[(statement, params) for statement in groups]]

    return raw


def log_page(
    label: str,
    query: str,
    entries: str = "",
    *,
    emails: str = "",
    params: tuple[tuple[Any, ...], tuple[Any, ...]] = ((), ()),
    far: bool = False,
    target: str = LIST,
) -> Page:
    """A page of the communication log: one UNION ALL of the logged communications
    (``entries``: their condition) and the emails (``emails``), newest first, with what
    each line shows; ``None`` as a side's condition leaves that side out."""
    entry_where = "c.voided_at IS NULL" + (f" AND {entries}" if entries else "")
    email_where = emails or "1 = 1"
    union = (
        "SELECT 'entry' AS source, c.id AS key, c.occurred_at AS happened"  # nosec B608
        f" FROM feedback_communication c WHERE {entry_where} UNION ALL"
        " SELECT 'email', e.id, e.created_at FROM core_outboundemail e"
        f" WHERE {email_where}"
    )
    count = f"SELECT count(*) FROM ({union}) AS u WHERE {{where}}"  # nosec B608
    rows = (
        f"SELECT p.source, p.key, p.happened, c.summary, c.channel, c.direction, cu.name,"  # nosec B608
        " k.name, u.full_name, e.recipient, e.subject, e.purpose, e.state"
        f" FROM (SELECT * FROM ({union}) AS u ORDER BY happened DESC, source, key DESC"
        " LIMIT %s OFFSET %s) AS p"
        " LEFT JOIN feedback_communication c ON p.source = 'entry' AND c.id = p.key"
        " LEFT JOIN customers_customer cu ON cu.id = c.customer_id"
        " LEFT JOIN customers_contact k ON k.id = c.contact_id"
        " LEFT JOIN core_user u ON u.id = c.handled_by_id"
        " LEFT JOIN core_outboundemail e ON p.source = 'email' AND e.id = p.key"
        " ORDER BY p.happened DESC, p.source, p.key DESC"
    )
    sql = ListSql(count=count, rows=rows, where="1 = 1", order="")

    def raw(picks: Picks) -> list[Statement]:
        values = [
            value.format_map(vars(picks)) if isinstance(value, str) else value
            for value in [*params[0], *params[1]]
        ]
        return [
            (count.replace("{where}", "1 = 1"), values),
            (rows, [*values, PAGE_SIZE, 0]),
        ]

    return Page(
        f"communication log: {label}",
        "feedback:communication_list",
        target,
        raw,
        query=query,
        far=sql if far else None,
    )


EMAIL_DETAIL = [
    (
        "SELECT e.*, u.full_name FROM core_outboundemail e LEFT JOIN core_user u"
        " ON u.id = e.created_by_id WHERE e.id = %s"
    ),
    # The contact it went to, with the customer and its account owner.
    (
        "SELECT k.*, c.name, c.account_owner_id FROM customers_contact k"
        " JOIN customers_customer c ON c.id = k.customer_id WHERE k.email ="
        " (SELECT lower(recipient) FROM core_outboundemail WHERE id = %s)"
        " ORDER BY k.voided_at NULLS FIRST, k.id LIMIT 1"
    ),
    # The feedback item it is about.
    (
        "SELECT f.id, f.kind, f.status FROM feedback_feedbackitem f WHERE CAST(f.id AS varchar(64))"
        " = (SELECT object_id FROM core_outboundemail WHERE id = %s)"
    ),
]

PLAN_SQL = [
    (
        "SELECT v.*, u.full_name FROM feedback_planversion v JOIN core_user u"
        " ON u.id = v.approved_by_id ORDER BY v.number DESC"
    ),
    # The rows in force, and the draft with what changed.
    (
        "SELECT p.id, r.*, s.name, c.name, u.full_name FROM feedback_planrow p"
        " JOIN feedback_planversionrow r ON r.id = p.in_force_as_id"
        " LEFT JOIN customers_segment s ON s.id = r.segment_id"
        " LEFT JOIN customers_customer c ON c.id = r.customer_id"
        " JOIN core_user u ON u.id = r.responsible_id ORDER BY r.subject, p.id"
    ),
    (
        "SELECT p.*, s.name, c.name, u.full_name FROM feedback_planrow p"
        " LEFT JOIN customers_segment s ON s.id = p.segment_id"
        " LEFT JOIN customers_customer c ON c.id = p.customer_id"
        " JOIN core_user u ON u.id = p.responsible_id WHERE p.voided_at IS NULL"
        " ORDER BY p.subject, p.id"
    ),
]


def plan_raw(picks: Picks) -> list[Statement]:
    return [(statement, []) for statement in PLAN_SQL]


# What the home page adds for the feedback app: the person's items to handle, the
# complaint counts (a quality manager) and the overdue plan rows.
HOME_FEEDBACK_SQL = [
    (
        (
            "SELECT f.id, f.kind, f.status, f.due_at, c.name, count(*) OVER ()"
            " FROM feedback_feedbackitem f LEFT JOIN customers_customer c ON c.id = f.customer_id"
            " WHERE f.owner_id = %s AND f.status <> 'closed' AND f.voided_at IS NULL"
            " AND f.kind IN ('complaint', 'follow_up') ORDER BY f.due_at, f.id LIMIT 8"
        ),
        "measurer",
    ),
    (
        (
            "SELECT count(*), sum(CASE WHEN due_at < %s THEN 1 ELSE 0 END),"
            " sum(CASE WHEN owner_id IS NULL THEN 1 ELSE 0 END) FROM feedback_feedbackitem"
            " WHERE kind = 'complaint' AND status <> 'closed' AND voided_at IS NULL"
        ),
        "now",
    ),
    (
        (
            "SELECT p.* FROM feedback_planrow p WHERE p.in_force_as_id IS NOT NULL"
            " AND p.next_due < %s ORDER BY p.next_due, p.id"
        ),
        "today",
    ),
]


def home_raw(staff: bool) -> Any:
    def raw(picks: Picks) -> list[Statement]:
        user = picks.staff if staff else picks.measurer
        values: dict[str, list[Any]] = {
            "measurer": [user],
            "now": [picks.now],
            "today": [picks.today],
        }
        shown = HOME_FEEDBACK_SQL if not staff else [HOME_FEEDBACK_SQL[0], HOME_FEEDBACK_SQL[2]]
        base = registers.home_raw(cast(Any, SimpleNamespace(measurer=user, today=picks.today)))
        return [*base, *[(statement, values[name]) for statement, name in shown]]

    return raw


# The customer page's timeline tab: the customer's page, then its latest 100 feedback
# items, logged communications and emails to its contacts.
TIMELINE_SQL = [
    (
        "SELECT f.id, f.kind, f.status, f.subject, f.received_at, k.name"
        " FROM feedback_feedbackitem f"
        " LEFT JOIN customers_contact k ON k.id = f.contact_id WHERE f.customer_id = %s"
        " AND f.voided_at IS NULL ORDER BY f.received_at DESC LIMIT 100"
    ),
    (
        "SELECT c.id, c.summary, c.channel, c.occurred_at, k.name, u.full_name"
        " FROM feedback_communication c LEFT JOIN customers_contact k ON k.id = c.contact_id"
        " LEFT JOIN core_user u ON u.id = c.handled_by_id WHERE c.customer_id = %s"
        " AND c.voided_at IS NULL ORDER BY c.occurred_at DESC, c.id DESC LIMIT 100"
    ),
    (
        "SELECT e.id, e.recipient, e.purpose, e.state, e.created_at FROM core_outboundemail e"
        " WHERE e.recipient IN (SELECT email FROM customers_contact WHERE customer_id = %s)"
        " ORDER BY e.created_at DESC, e.id DESC LIMIT 100"
    ),
]


def customer_timeline_raw(picks: Picks) -> list[Statement]:
    statements = [*registers.CUSTOMER_DETAIL, *TIMELINE_SQL]
    return [(statement, [picks.customer]) for statement in statements]


PAGES: list[Page] = [
    Page("home (quality manager)", "home", HOME, home_raw(staff=False)),
    Page("home (staff)", "home", HOME, home_raw(staff=True), user=lambda p: p.staff),
    *list_pages(
        "feedback",
        "feedback:item_list",
        ITEMS_SQL,
        Variant(
            "?kind=complaint&status=investigating",
            "f.kind = 'complaint' AND f.status = 'investigating'",
        ),
        Variant(
            "?flag=overdue",
            "f.status <> 'closed' AND f.due_at < %s",
            params=("{now}",),
        ),
        Variant(
            f"?q={ITEM_WORD}",
            f"({ITEM_TEXT})",
            params=(like(ITEM_WORD),) * 7,
            target=SEARCH,
        ),
        Variant(
            "?customer={customer}",
            "f.customer_id = CAST(%s AS integer)",
            params=("{customer}",),
        ),
    ),
    Page(
        "feedback item (complaint)",
        "feedback:item_detail",
        DETAIL,
        item_detail_raw,
        pk=lambda p: p.item,
    ),
    Page("complaint figures", "feedback:figures", LIST, figures_raw("")),
    Page(
        "complaint figures, one quarter",
        "feedback:figures",
        LIST,
        figures_raw("quarter"),
        query="?date_from={quarter_from}&date_to={quarter_to}",
    ),
    log_page("first page", ""),
    log_page("far page", "", far=True),
    log_page(
        "?customer={customer}",
        "?customer={customer}",
        "c.customer_id = CAST(%s AS integer)",
        emails="e.recipient IN (SELECT email FROM customers_contact WHERE customer_id"
        " = CAST(%s AS integer))",
        params=(("{customer}",), ("{customer}",)),
    ),
    log_page("?channel=email", "?channel=email", "c.channel = 'email'"),
    log_page(
        f"?q={LOG_WORD}",
        f"?q={LOG_WORD}",
        "(lower(c.summary) LIKE %s OR lower(c.details) LIKE %s)",
        emails="(lower(e.subject) LIKE %s OR lower(e.recipient) LIKE %s)",
        params=((like(LOG_WORD),) * 2, (like(LOG_WORD),) * 2),
        target=SEARCH,
    ),
    detail("logged email", "feedback:communication_email", EMAIL_DETAIL, lambda p: p.email),
    Page("communication plan", "feedback:plan", DETAIL, plan_raw),
    Page(
        "customer with the most contacts, ?tab=timeline",
        "customers:customer_detail",
        DETAIL,
        customer_timeline_raw,
        query="?tab=timeline",
        pk=lambda p: p.customer,
    ),
]

_LEFT_OUT = {
    "form or confirmation page": (
        "feedback:item_create feedback:item_edit feedback:item_attach feedback:item_void "
        "feedback:item_assign feedback:item_step feedback:communication_create "
        "feedback:communication_edit feedback:communication_void feedback:plan_approve "
        "feedback:plan_row_create feedback:plan_row_edit feedback:plan_row_withdraw "
        "feedback:plan_row_reschedule feedback_public:form feedback_public:form_for "
        "feedback_public:form_more"
    ),
    "a public page reached by a token, one record at a time": (
        "feedback_public:received feedback_public:status"
    ),
    "button (POST only)": "feedback:contact_link_send",
    "download (the email's HTML body as sent)": "feedback:communication_email_html",
    "one record's page, as small as a logged email's": (
        "feedback:communication_detail feedback:plan_row_detail"
    ),
}
NOT_MEASURED = {name: why for why, names in _LEFT_OUT.items() for name in names.split()}


def owns(name: str) -> bool:
    return name.startswith(NAMESPACES["feedback_scale"])


def prepare(scale: float) -> tuple[Picks, int]:
    load = registers.load_all(
        scale,
        loaders=[load_plan, load_feedback],
        tracked=[FeedbackItem, Communication, PlanRow],
        app_models=[
            FeedbackItem,
            OutboundEmail,
            Communication,
            PlanRow,
            PlanVersion,
            PlanVersionRow,
        ],
    )
    picks = make_picks(load)
    print_load(load, scale, registers.make_picks(load))
    sizes = Sizes.at(scale)
    print(
        f"feedback: {sizes.items:,} feedback items, {sizes.emails:,} emails,"
        f" {sizes.communications:,} logged communications, a plan of {PLAN_ROWS} rows in"
        f" {PLAN_VERSIONS} versions; measured: customer {picks.customer}"
        f" ({picks.customer_contacts:,} contacts), item {picks.item}, email {picks.email}"
    )
    return picks, load.team.measurer


if __name__ == "__main__":
    main((__doc__ or "").splitlines()[0], PAGES, NOT_MEASURED, owns, prepare)
