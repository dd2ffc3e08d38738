"""Benchmark: the survey staff pages at scale, against the raw SQL for the same answer.

Loads the registers' data set (``registers_scale.py``: at ``--scale 1.0`` 50,000
customers and 1,000,000 contacts), then, by generated SQL, 20 questionnaires beside the
three built-in ones, with 1-3 versions of five questions each, 1,000,000 invitations
over two years (skewed by customer as the contacts are; one contact with 2,000), a link
per invitation sent and a reminder's link for a third, 400,000 responses (a twentieth
not submitted) and an answer per question of each (2,000,000, a tenth with free text).
Then it measures the invitation and response lists, the header search, a response's
and an invitation's page, the contact's page with its surveys section, the customer's
timeline and the questionnaire pages, each beside the simplest SQL that returns what
the page shows, printed as ``registers_scale.py`` prints its pages. Same options.

    .venv/bin/python bench/surveys_scale.py [--scale 1.0] [--smoke] [--only PATTERN]
                                            [--explain]

Long because it is the survey data set (generated SQL per table) and its page list.
"""

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registers_scale as registers
from registers_scale import CONTACT_WORD, Load, print_load
from scale import (
    DETAIL,
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
)

# isort: split
from django.db import connection

from surveys.campaigns.models import Invitation, InvitationToken
from surveys.design.models import Question, Questionnaire, QuestionnaireVersion
from surveys.responses.models import Answer, Response

HOURS = 2 * 365 * 24  # the data set's two years
QUESTIONNAIRES, QUESTIONS = 20, 5
# The contact with many invitations gets one in this many.
CONTACT_SHARE = 500
ANSWER_WORD = "invoice"

NAMES = """Annual relationship survey
After delivery
After installation
After a service visit
Training feedback
Spare parts ordering
Technical support
Onboarding of new accounts
Calibration service
Field engineer visit""".splitlines()
TEXTS = """Deliveries were late twice this quarter
The invoice did not match the order
Very helpful field engineer, thank you
Packaging could use less plastic
Calibration certificates should come with the goods
Order tracking by SMS would help
The new controller is hard to configure
Please call before the next visit""".splitlines()
KINDS = ["nps", "text", "single", "multiple", "text"]
CHOICES = (
    '[{"code": "price", "labels": {"en": "Price", "hi": "कीमत"}},'
    ' {"code": "delivery", "labels": {"en": "Delivery", "hi": "डिलीवरी"}},'
    ' {"code": "support", "labels": {"en": "Support", "hi": "सहायता"}}]'
)
QUESTION_TEXTS = [
    "How likely are you to recommend us to a colleague?",
    "What should we improve?",
    "What matters most to you?",
    "Which of these went well?",
    "Anything else you would like to tell us?",
]


@dataclass(frozen=True)
class Sizes:
    invitations: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        return cls(invitations=max(1_000, round(1_000_000 * scale)))


def js(expr: str) -> str:
    """Return a JSON value for a JSON column (``jsonb`` on PostgreSQL, text on SQLite)."""
    return f"CAST({expr} AS jsonb)" if connection.vendor == "postgresql" else expr


def later(column: str, hours: int) -> str:
    """Return the time ``hours`` after a datetime column."""
    if connection.vendor == "postgresql":
        return f"({column} + INTERVAL '{hours} hours')"
    return f"datetime({column}, '+{hours} hours')"


def load_design(load: Load) -> None:
    """Twenty questionnaires with 1-3 versions each (the last approved, the earlier
    retired), five questions per version: NPS, a "what should we improve?" asked of
    detractors, a single and a multiple choice, and an optional free text."""
    sql, team = load.sql, load.team
    qbase = scalar("SELECT coalesce(max(id), 0) FROM surveys_questionnaire")
    vbase = scalar("SELECT coalesce(max(id), 0) FROM surveys_questionnaireversion")
    question_base = scalar("SELECT coalesce(max(id), 0) FROM surveys_question")
    insert_model(
        Questionnaire,
        {
            "id": f"{qbase} + s.n",
            "name": pick("s.n", NAMES) + " || ' ' || s.n",
            "kind": pick("s.n", ["relationship", "transactional", "complaint", "other"]),
            "description": "'Asked of customers ' || " + pick("s.n", NAMES),
            "created_at": sql.hours_ago(f"{HOURS} + 500 + s.n"),
            "created_by_id": str(team.measurer),
        },
        sql.numbers(QUESTIONNAIRES),
    )
    versions = "(1 + q.id % 3)"
    insert_model(
        QuestionnaireVersion,
        {
            "id": f"{vbase} + (q.id - {qbase} - 1) * 3 + s.n",
            "questionnaire_id": "q.id",
            "number": "s.n",
            "status": f"CASE WHEN s.n = {versions} THEN 'approved' ELSE 'retired' END",
            "texts": js(
                '\'{"en": {"title": "\' || q.name || \'", "intro": "Two minutes",'
                ' "thanks": "Thank you"}, "hi": {"title": "सर्वेक्षण"}}\''
            ),
            "change_note": "'Version ' || s.n",
            "created_at": sql.hours_ago(f"{HOURS} + 400 - (s.n - 1) * 3000"),
            "created_by_id": str(team.measurer),
            "approved_at": sql.hours_ago(f"{HOURS} + 300 - (s.n - 1) * 3000"),
            "approved_by_id": str(team.quality_managers[0]),
            "frozen_at": sql.hours_ago(f"{HOURS} - (s.n - 1) * 3000"),
            "retired_at": f"CASE WHEN s.n = {versions} THEN NULL ELSE "
            + sql.hours_ago(f"{HOURS} - s.n * 3000")
            + " END",
        },
        f"surveys_questionnaire q JOIN {sql.numbers(3)} ON s.n <= {versions} WHERE q.id > {qbase}",
    )
    kind = pick("s.n - 1", KINDS)
    insert_model(
        Question,
        {
            "id": f"{question_base} + (v.id - {vbase} - 1) * {QUESTIONS} + s.n",
            "version_id": "v.id",
            "position": "s.n",
            "kind": kind,
            "required": "s.n = 1",
            "starts_page": "FALSE",
            "texts": js(
                '\'{"en": {"text": "\' || '
                + pick("s.n - 1", QUESTION_TEXTS)
                + ' || \'"}, "hi": {"text": "प्रश्न \' || s.n || \'"}}\''
            ),
            "choices": js(f"CASE WHEN s.n IN (3, 4) THEN '{CHOICES}' ELSE '[]' END"),
            "likert_points": "5",
            "show_if_id": f"CASE WHEN s.n = 2 THEN {question_base} + (v.id - {vbase} - 1)"
            f" * {QUESTIONS} + 1 END",
            "show_if_min": "CASE WHEN s.n = 2 THEN 0 END",
            "show_if_max": "CASE WHEN s.n = 2 THEN 6 END",
        },
        f"surveys_questionnaireversion v JOIN {sql.numbers(QUESTIONS)} ON 1 = 1"
        f" WHERE v.id > {vbase}",
    )
    # The versions invitations are sent with: every one approved or retired.
    run("CREATE TEMPORARY TABLE bench_versions (n integer PRIMARY KEY, id integer)")
    run(
        "INSERT INTO bench_versions SELECT row_number() OVER (ORDER BY id), id"
        " FROM surveys_questionnaireversion WHERE status <> 'draft'"
    )
    load.steps.append(("questionnaires", time.perf_counter()))


def load_surveys(load: Load) -> None:
    """Invitations, their links, responses and answers."""
    sizes, sql, team = Sizes.at(load.sizes.customers / 50_000), load.sql, load.team
    total, contacts = sizes.invitations, load.sizes.contacts
    sql.count_to(total)
    used = scalar("SELECT count(*) FROM bench_versions")
    many = registers.make_picks(load).contact
    # Ids grow with time, as rows written one after another do.
    age = f"(CAST({total} - s.n AS bigint) * {HOURS} / {total})"
    created = sql.hours_ago(age)
    state = (
        f"CASE WHEN s.n > {total} - {total} / 200 THEN 'pending' WHEN s.n % 100 = 17"
        " THEN 'failed' WHEN s.n % 100 = 33 THEN 'withdrawn' ELSE 'sent' END"
    )
    insert_model(
        Invitation,
        {
            "id": "s.n",
            "version_id": "b.id",
            "contact_id": "k.id",
            "customer_id": "k.customer_id",
            "language": "k.language",
            "state": state,
            "created_at": created,
            "created_by_id": pick("s.n / 7", team.quality_managers),
            "sent_at": f"CASE WHEN s.n > {total} - {total} / 200 THEN NULL ELSE {created} END",
            "withdrawn_at": f"CASE WHEN s.n % 100 = 33 AND s.n <= {total} - {total} / 200"
            f" THEN {sql.hours_ago(f'{age} - 24')} END",
            "withdrawn_by_id": f"CASE WHEN s.n % 100 = 33 AND s.n <= {total} - {total} / 200"
            f" THEN {team.measurer} END",
            "withdraw_reason": f"CASE WHEN s.n % 100 = 33 AND s.n <= {total} - {total} / 200"
            " THEN 'Asked twice' ELSE '' END",
        },
        f"{sql.numbers(total)} JOIN bench_versions b ON b.n = 1 + s.n % {used}"
        " JOIN customers_contact k ON k.id = CASE WHEN s.n %"
        f" {CONTACT_SHARE} = 0 THEN {many} ELSE 1 + (s.n * 1009) % {contacts} END",
    )
    load.steps.append(("invitations", time.perf_counter()))

    answered = "i.state = 'sent' AND i.id % 5 < 2"
    submitted = f"{answered} AND i.id % 50 <> 1"
    insert_model(
        InvitationToken,
        {
            "id": "i.id",
            "invitation_id": "i.id",
            "kind": "'first'",
            "token_hash": "'bench-first-' || i.id",  # nosec B105 (SQL text, not a secret)
            "created_at": "i.sent_at",
            "expires_at": later("i.sent_at", 30 * 24),
            "used_at": f"CASE WHEN {submitted} THEN {later('i.sent_at', 5)} END",
        },
        "surveys_invitation i WHERE i.sent_at IS NOT NULL",
    )
    insert_model(
        InvitationToken,
        {
            "id": f"{total} + i.id",
            "invitation_id": "i.id",
            "kind": "'reminder'",
            "token_hash": "'bench-reminder-' || i.id",  # nosec B105 (SQL text, not a secret)
            "created_at": later("i.sent_at", 7 * 24),
            "expires_at": later("i.sent_at", 37 * 24),
        },
        "surveys_invitation i WHERE i.sent_at IS NOT NULL AND i.id % 3 = 0",
    )
    load.steps.append(("links", time.perf_counter()))

    insert_model(
        Response,
        {
            "id": "i.id",
            "invitation_id": "i.id",
            "version_id": "i.version_id",
            "contact_id": "i.contact_id",
            "customer_id": "i.customer_id",
            "language": "i.language",
            "token_id": "i.id",  # nosec B105 (SQL text, not a secret)
            "page": "1",
            "started_at": later("i.sent_at", 4),
            "updated_at": later("i.sent_at", 5),
            "completed_at": f"CASE WHEN {submitted} THEN {later('i.sent_at', 5)} END",
        },
        f"surveys_invitation i WHERE {answered}",
    )
    load.steps.append(("responses", time.perf_counter()))

    if sql.pg:
        one = "jsonb_build_array(q.choices->0->>'code')"
        two = "jsonb_build_array(q.choices->0->>'code', q.choices->1->>'code')"
        empty = "CAST('[]' AS jsonb)"
    else:
        one = "json_array(json_extract(q.choices, '$[0].code'))"
        two = (
            "json_array(json_extract(q.choices, '$[0].code'), json_extract(q.choices, '$[1].code'))"
        )
        empty = "'[]'"
    insert_model(
        Answer,
        {
            "response_id": "r.id",
            "question_id": "q.id",
            "score": "CASE q.kind WHEN 'nps' THEN (r.id * 7) % 11 WHEN 'csat' THEN 1 + (r.id * 7)"
            " % 5 WHEN 'ces' THEN 1 + (r.id * 7) % 7 WHEN 'likert' THEN 1 + (r.id * 7)"
            " % q.likert_points END",
            "choices": f"CASE q.kind WHEN 'single' THEN {one} WHEN 'multiple' THEN {two}"
            f" ELSE {empty} END",
            "text": "CASE WHEN q.kind = 'text' AND r.id % 4 = 0 THEN "
            + pick("r.id / 4", TEXTS)
            + " || ' (response ' || r.id || ')' ELSE '' END",
            "answered_at": "r.updated_at",
        },
        "surveys_response r JOIN surveys_question q ON q.version_id = r.version_id",
    )
    load.steps.append(("answers", time.perf_counter()))
    sql.analyze()


# The pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Picks:
    """The records the pages show, found after loading."""

    customer: int
    customer_contacts: int
    contact: int
    contact_invitations: int
    invitation: int
    response: int
    questionnaire: int
    version: int
    now: str
    measurer: int
    today: str


def make_picks(load: Load) -> Picks:
    base = registers.make_picks(load)
    # A questionnaire of three versions, its approved one, and an answered invitation
    # of the contact with many.
    questionnaire = scalar(
        "SELECT min(q.id) FROM surveys_questionnaire q WHERE (SELECT count(*)"
        " FROM surveys_questionnaireversion v WHERE v.questionnaire_id = q.id) = 3"
    )
    invitation = scalar(
        "SELECT max(i.id) FROM surveys_invitation i JOIN surveys_response r"
        " ON r.invitation_id = i.id WHERE i.contact_id = %s AND r.completed_at IS NOT NULL",
        [base.contact],
    )
    return Picks(
        customer=base.big_customer,
        customer_contacts=base.big_contacts,
        contact=base.contact,
        contact_invitations=scalar(
            "SELECT count(*) FROM surveys_invitation WHERE contact_id = %s", [base.contact]
        ),
        invitation=invitation,
        response=scalar("SELECT id FROM surveys_response WHERE invitation_id = %s", [invitation]),
        questionnaire=questionnaire,
        version=scalar(
            "SELECT id FROM surveys_questionnaireversion WHERE questionnaire_id = %s"
            " AND status = 'approved'",
            [questionnaire],
        ),
        now=load.sql.now.isoformat(),
        measurer=load.team.measurer,
        today=load.sql.today,
    )


# Where an invitation stands is read from these columns (``Invitation.with_progress``):
# its response, the closing fields, its state and the expiry of its latest link.
LATEST_LINK = (
    "(SELECT max(t.expires_at) FROM surveys_invitationtoken t WHERE t.invitation_id = i.id)"
)
PROGRESS_COLUMNS = (
    "i.state, i.withdrawn_at, r.id, r.completed_at, k.erased_at, k.voided_at, c.voided_at,"
    f" q.voided_at, {LATEST_LINK}"
)
INVITATIONS_FROM = (
    " FROM surveys_invitation i JOIN surveys_questionnaireversion v ON v.id = i.version_id"
    " JOIN surveys_questionnaire q ON q.id = v.questionnaire_id"
    " JOIN customers_contact k ON k.id = i.contact_id"
    " JOIN customers_customer c ON c.id = i.customer_id"
    " LEFT JOIN surveys_response r ON r.invitation_id = i.id"
)
INVITATIONS_SQL = ListSql(
    count="SELECT count(*) FROM surveys_invitation i WHERE {where}",
    rows="SELECT i.id, i.created_at, i.sent_at, q.name, v.number, k.id, k.name, c.id, c.name, "
    + PROGRESS_COLUMNS
    + INVITATIONS_FROM
    + " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="1 = 1",
    order="i.created_at DESC, i.id DESC",
)
# Sent, not answered, not closed and a link still valid: the progress filter "open".
OPEN_INVITATION = (
    "i.state = 'sent' AND i.withdrawn_at IS NULL AND NOT EXISTS (SELECT 1 FROM"
    " surveys_response r2 WHERE r2.invitation_id = i.id) AND EXISTS (SELECT 1 FROM"
    " surveys_invitationtoken t2 WHERE t2.invitation_id = i.id AND t2.expires_at > %s)"
    " AND i.contact_id IN (SELECT id FROM customers_contact WHERE erased_at IS NULL"
    " AND voided_at IS NULL) AND i.customer_id IN (SELECT id FROM customers_customer"
    " WHERE voided_at IS NULL) AND i.version_id IN (SELECT v2.id FROM"
    " surveys_questionnaireversion v2 JOIN surveys_questionnaire q2"
    " ON q2.id = v2.questionnaire_id WHERE q2.voided_at IS NULL)"
)
OF_QUESTIONNAIRE = (
    "{alias}.version_id IN (SELECT id FROM surveys_questionnaireversion"
    " WHERE questionnaire_id = CAST(%s AS integer))"
)
NAMED = (
    "({alias}.contact_id IN (SELECT id FROM customers_contact WHERE lower(name) LIKE %s"
    " OR lower(email) LIKE %s) OR {alias}.customer_id IN (SELECT id FROM customers_customer"
    " WHERE lower(name) LIKE %s))"
)

RESPONSES_SQL = ListSql(
    count="SELECT count(*) FROM surveys_response r WHERE {where}",
    rows="SELECT r.id, r.language, r.started_at, r.completed_at, q.name, v.number, k.id,"
    " k.name, c.name FROM surveys_response r"
    " JOIN surveys_questionnaireversion v ON v.id = r.version_id"
    " JOIN surveys_questionnaire q ON q.id = v.questionnaire_id"
    " JOIN customers_contact k ON k.id = r.contact_id"
    " JOIN customers_customer c ON c.id = r.customer_id"
    " WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
    where="1 = 1",
    order="r.started_at DESC, r.id DESC",
)
WRITTEN = "r.id IN (SELECT response_id FROM surveys_answer WHERE lower(text) LIKE %s)"

RESPONSE_DETAIL = [
    (
        "SELECT r.*, v.number, q.name, k.name, k.email, c.name, i.state, t.kind"
        " FROM surveys_response r JOIN surveys_questionnaireversion v ON v.id = r.version_id"
        " JOIN surveys_questionnaire q ON q.id = v.questionnaire_id"
        " JOIN customers_contact k ON k.id = r.contact_id"
        " JOIN customers_customer c ON c.id = r.customer_id"
        " JOIN surveys_invitation i ON i.id = r.invitation_id"
        " LEFT JOIN surveys_invitationtoken t ON t.id = r.token_id WHERE r.id = %s"
    ),
    (
        "SELECT q.* FROM surveys_question q WHERE q.version_id = (SELECT version_id"
        " FROM surveys_response WHERE id = %s) ORDER BY q.position, q.id"
    ),
    "SELECT a.* FROM surveys_answer a WHERE a.response_id = %s",
]
INVITATION_DETAIL = [
    "SELECT i.*, v.number, q.name, k.name, k.email, c.name, u.full_name, "
    + PROGRESS_COLUMNS
    + INVITATIONS_FROM
    + " LEFT JOIN core_user u ON u.id = i.created_by_id WHERE i.id = %s",
    (
        "SELECT s.name FROM customers_segment s JOIN surveys_invitation_segments x"
        " ON x.segment_id = s.id WHERE x.invitation_id = %s"
    ),
    (
        "SELECT p.name FROM customers_productservice p JOIN surveys_invitation_products x"
        " ON x.productservice_id = p.id WHERE x.invitation_id = %s"
    ),
    (
        "SELECT t.*, e.subject, e.state FROM surveys_invitationtoken t"
        " LEFT JOIN core_outboundemail e ON e.id = t.email_id WHERE t.invitation_id = %s"
        " ORDER BY t.created_at, t.id"
    ),
    ("SELECT * FROM surveys_unsubscribetoken WHERE invitation_id = %s AND used_at IS NOT NULL"),
]
# The contact's page: the registers' statements, then its latest invitations and how
# many it has in all.
CONTACT_SURVEYS = (
    "SELECT i.id, i.created_at, i.sent_at, q.name, v.number, "
    + PROGRESS_COLUMNS
    + ", count(*) OVER ()"
    + INVITATIONS_FROM
    + " WHERE i.contact_id = %s ORDER BY i.created_at DESC, i.id DESC LIMIT 10"
)
# The customer's timeline: its latest 100 invitations sent and 100 responses.
TIMELINE_SQL = [
    "SELECT i.id, i.sent_at, q.name, v.number, k.name, u.full_name, "
    + PROGRESS_COLUMNS
    + INVITATIONS_FROM
    + " LEFT JOIN core_user u ON u.id = i.created_by_id WHERE i.customer_id = %s"
    " AND i.sent_at IS NOT NULL ORDER BY i.sent_at DESC LIMIT 100",
    (
        "SELECT r.id, r.started_at, r.completed_at, q.name, v.number, k.name"
        " FROM surveys_response r JOIN surveys_questionnaireversion v ON v.id = r.version_id"
        " JOIN surveys_questionnaire q ON q.id = v.questionnaire_id"
        " JOIN customers_contact k ON k.id = r.contact_id WHERE r.customer_id = %s"
        " ORDER BY r.started_at DESC LIMIT 100"
    ),
]
QUESTIONNAIRES_SQL = [
    "SELECT count(*) FROM surveys_questionnaire WHERE voided_at IS NULL",
    (
        "SELECT q.*, (SELECT v.number FROM surveys_questionnaireversion v"
        " WHERE v.questionnaire_id = q.id AND v.status = 'approved'),"
        " (SELECT v.approved_at FROM surveys_questionnaireversion v"
        " WHERE v.questionnaire_id = q.id AND v.status = 'approved'),"
        " EXISTS (SELECT 1 FROM surveys_questionnaireversion v WHERE v.questionnaire_id = q.id"
        " AND v.status = 'draft') FROM surveys_questionnaire q WHERE q.voided_at IS NULL"
        " ORDER BY q.name, q.id LIMIT 25"
    ),
]
HISTORY = (
    "SELECT h.*, u.full_name FROM surveys_historical{table} h"
    " LEFT JOIN core_user u ON u.id = h.history_user_id WHERE h.id = %s"
    " ORDER BY h.history_date DESC, h.history_id DESC LIMIT 201"
)
QUESTIONNAIRE_DETAIL = [
    "SELECT * FROM surveys_questionnaire WHERE id = %s",
    # Its versions, each with how many questions, invitations and responses it has.
    (
        "SELECT v.*, a.full_name, (SELECT count(*) FROM surveys_question x"
        " WHERE x.version_id = v.id), (SELECT count(*) FROM surveys_invitation x"
        " WHERE x.version_id = v.id), (SELECT count(*) FROM surveys_response x"
        " WHERE x.version_id = v.id) FROM surveys_questionnaireversion v"
        " LEFT JOIN core_user a ON a.id = v.approved_by_id WHERE v.questionnaire_id = %s"
        " ORDER BY v.number DESC"
    ),
    HISTORY.format(table="questionnaire"),
]
VERSION_DETAIL = [
    (
        "SELECT v.*, q.name FROM surveys_questionnaireversion v"
        " JOIN surveys_questionnaire q ON q.id = v.questionnaire_id WHERE v.id = %s"
    ),
    "SELECT * FROM surveys_question WHERE version_id = %s ORDER BY position, id",
    HISTORY.format(table="questionnaireversion"),
]


def contact_raw(picks: Picks) -> list[Statement]:
    return [
        (statement, [picks.contact]) for statement in [*registers.CONTACT_DETAIL, CONTACT_SURVEYS]
    ]


def customer_timeline_raw(picks: Picks) -> list[Statement]:
    statements = [*registers.CUSTOMER_DETAIL, *TIMELINE_SQL]
    return [(statement, [picks.customer]) for statement in statements]


def questionnaires_raw(picks: Picks) -> list[Statement]:
    return [(statement, []) for statement in QUESTIONNAIRES_SQL]


# The header search's responses: the first 8 that match and how many in all.
RESPONSE_SEARCH = (
    "SELECT r.id, r.completed_at, q.name, v.number, k.name, c.name, count(*) OVER ()"  # nosec B608
    " FROM surveys_response r JOIN surveys_questionnaireversion v ON v.id = r.version_id"
    " JOIN surveys_questionnaire q ON q.id = v.questionnaire_id"
    " JOIN customers_contact k ON k.id = r.contact_id"
    " JOIN customers_customer c ON c.id = r.customer_id WHERE "
    + NAMED.format(alias="r")
    + " OR "
    + WRITTEN
    + " ORDER BY r.started_at DESC, r.id DESC LIMIT 8"
)


def search_raw(word: str) -> Any:
    def raw(picks: Picks) -> list[Statement]:
        registered = [(s, [like(word)] * n) for s, n in registers.SEARCH_SQL]
        return [*registered, (RESPONSE_SEARCH, [like(word)] * 4)]

    return raw


PAGES: list[Page] = [
    *list_pages(
        "invitations",
        "surveys:invitation_list",
        INVITATIONS_SQL,
        Variant(
            "?progress=answered",
            "EXISTS (SELECT 1 FROM surveys_response r2 WHERE r2.invitation_id = i.id"
            " AND r2.completed_at IS NOT NULL)",
        ),
        Variant("?progress=open", OPEN_INVITATION, params=("{now}",)),
        Variant(
            "?questionnaire={questionnaire}",
            OF_QUESTIONNAIRE.format(alias="i"),
            params=("{questionnaire}",),
        ),
        Variant(
            "?customer={customer}", "i.customer_id = CAST(%s AS integer)", params=("{customer}",)
        ),
        Variant(
            f"?q={CONTACT_WORD}",
            NAMED.format(alias="i"),
            params=(like(CONTACT_WORD),) * 3,
            target=SEARCH,
        ),
    ),
    *list_pages(
        "responses",
        "surveys:response_list",
        RESPONSES_SQL,
        Variant("?completion=complete", "r.completed_at IS NOT NULL"),
        Variant("?completion=partial", "r.completed_at IS NULL"),
        Variant(
            "?questionnaire={questionnaire}",
            OF_QUESTIONNAIRE.format(alias="r"),
            params=("{questionnaire}",),
        ),
        Variant(
            "?customer={customer}", "r.customer_id = CAST(%s AS integer)", params=("{customer}",)
        ),
        Variant(
            f"?q={CONTACT_WORD}",
            f"({NAMED.format(alias='r')} OR {WRITTEN})",
            params=(like(CONTACT_WORD),) * 4,
            target=SEARCH,
        ),
        Variant(
            f"?q={ANSWER_WORD}",
            f"({NAMED.format(alias='r')} OR {WRITTEN})",
            params=(like(ANSWER_WORD),) * 4,
            target=SEARCH,
        ),
    ),
    Page(
        f"header search ?q={ANSWER_WORD}",
        "search",
        SEARCH,
        search_raw(ANSWER_WORD),
        f"?q={ANSWER_WORD}",
    ),
    detail("response", "surveys:response_detail", RESPONSE_DETAIL, lambda p: p.response),
    detail("invitation", "surveys:invitation_detail", INVITATION_DETAIL, lambda p: p.invitation),
    Page(
        "contact with {contact_invitations} invitations",
        "customers:contact_detail",
        DETAIL,
        contact_raw,
        pk=lambda p: p.contact,
    ),
    Page(
        "customer with the most contacts, ?tab=timeline",
        "customers:customer_detail",
        DETAIL,
        customer_timeline_raw,
        query="?tab=timeline",
        pk=lambda p: p.customer,
    ),
    Page("questionnaires", "surveys:questionnaire_list", LIST, questionnaires_raw),
    detail(
        "questionnaire (3 versions)",
        "surveys:questionnaire_detail",
        QUESTIONNAIRE_DETAIL,
        lambda p: p.questionnaire,
    ),
    detail("version (approved)", "surveys:version_detail", VERSION_DETAIL, lambda p: p.version),
]

_LEFT_OUT = {
    "form or confirmation page": (
        "surveys:questionnaire_create surveys:questionnaire_edit surveys:questionnaire_void "
        "surveys:version_new_draft surveys:version_design surveys:version_texts "
        "surveys:version_approve surveys:question_add surveys:question_edit "
        "surveys:question_delete surveys:question_move surveys:invitation_withdraw "
        "surveys:invitation_send"
    ),
    "one version's questions, as small as the version's page": (
        "surveys:version_preview surveys:version_preview_frame surveys:questionnaire_compare"
    ),
    "a public page reached by one token, one invitation at a time": (
        "surveys_public:answer surveys_public:thanks surveys_public:unsubscribe "
        "surveys_public:one_click"
    ),
}
NOT_MEASURED = {name: why for why, names in _LEFT_OUT.items() for name in names.split()}


def owns(name: str) -> bool:
    return name.startswith(NAMESPACES["surveys_scale"])


def prepare(scale: float) -> tuple[Picks, int]:
    load = registers.load_all(
        scale,
        loaders=[load_design, load_surveys],
        tracked=[Questionnaire, QuestionnaireVersion],
        app_models=[
            Questionnaire,
            QuestionnaireVersion,
            Question,
            Invitation,
            InvitationToken,
            Response,
            Answer,
        ],
    )
    picks = make_picks(load)
    print_load(load, scale, registers.make_picks(load))
    counts = {
        model._meta.verbose_name_plural: model.objects.count()
        for model in (Questionnaire, QuestionnaireVersion, Invitation, InvitationToken)
    }
    responses = scalar("SELECT count(*) FROM surveys_response")
    answers = scalar("SELECT count(*) FROM surveys_answer")
    written = scalar("SELECT count(*) FROM surveys_answer WHERE text <> ''")
    print(
        "surveys: "
        + ", ".join(f"{n:,} {name}" for name, n in counts.items())
        + f", {responses:,} responses, {answers:,} answers ({written:,} with free text);"
        f" measured: customer {picks.customer} ({picks.customer_contacts:,} contacts),"
        f" contact {picks.contact} ({picks.contact_invitations:,} invitations),"
        f" invitation {picks.invitation}, response {picks.response},"
        f" questionnaire {picks.questionnaire}, version {picks.version}"
    )
    return picks, load.team.measurer


if __name__ == "__main__":
    main((__doc__ or "").splitlines()[0], PAGES, NOT_MEASURED, owns, prepare)
