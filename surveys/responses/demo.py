"""Demo surveys for `make run`, written through the services: the three built-in
questionnaires (installed, approved, after migrate), invitations a quality manager
sent by hand over the last weeks, in English and in Hindi, most answered, one saved
part-way, and some not answered yet: their links, in the emails the communication log
shows, open the answer page for a newcomer to try. Loading twice adds nothing.

Each invitation is sent and answered at its own date (``core.demo.happening_at``), so
the emails, links and responses read as weeks of use; the links of the unanswered
ones are recent enough to still work.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.demo import happening_at
from core.models import User
from customers.models import Contact
from surveys.campaigns.models import Invitation, InvitationToken
from surveys.campaigns.services import invitation_refusal, invitation_send
from surveys.design.builtin import builtin_install
from surveys.design.models import Question, Questionnaire, QuestionnaireVersion
from surveys.responses.paging import Paging
from surveys.responses.services import AnswerValue, response_save

MANAGER = "quality@example.com"
PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
# The score each mood gives on each scale, top first.
SCORES = {
    PROMOTER: {"nps": 9, "csat": 5, "ces": 6, "likert": 5},
    PASSIVE: {"nps": 7, "csat": 4, "ces": 5, "likert": 4},
    DETRACTOR: {"nps": 4, "csat": 2, "ces": 3, "likert": 2},
}
TEXTS = {
    ("en", PROMOTER): "The engineers know our plant and the spare parts arrive on time.",
    ("en", PASSIVE): "Good equipment; the invoices are often wrong and take weeks to correct.",
    ("en", DETRACTOR): "Deliveries came late twice this quarter and nobody called to warn us.",
    ("hi", PROMOTER): "इंजीनियर हमारे संयंत्र को अच्छी तरह जानते हैं और पुर्ज़े समय पर आते हैं।",
    ("hi", PASSIVE): "उपकरण अच्छे हैं, पर बिल अक्सर ग़लत होते हैं और सुधार में हफ़्ते लगते हैं।",
    ("hi", DETRACTOR): "इस तिमाही में दो बार डिलीवरी देर से आई और किसी ने पहले से सूचना नहीं दी।",
}


@dataclass(frozen=True)
class Spec:
    customer: str
    builtin: str
    sent_days_ago: int
    mood: str = ""  # "" for an invitation not answered
    answered_after: int = 2
    partial: bool = False  # saved part-way: the first page only


SPECS = [
    Spec("Sharma Precision Tools Pvt Ltd", "relationship-nps", 40, PROMOTER),
    Spec("Northwind Engineering GmbH", "relationship-nps", 38, PASSIVE, 5),
    Spec("Apollo Diagnostics Pune", "relationship-nps", 36, DETRACTOR, 1),
    Spec("Klinikum Rhein-Main", "transactional-csat", 20, PROMOTER, 1),
    Spec("Prairie Mills Inc", "transactional-csat", 18, DETRACTOR, 3),
    Spec("Bharat Textiles", "complaint-handling", 15, PASSIVE, 2),
    Spec("Singapore MedTech Pte Ltd", "complaint-handling", 12, PROMOTER, 1),
    Spec("Kerala Water Board", "relationship-nps", 9, DETRACTOR, 2, partial=True),
    # Not answered yet: their links work for the rest of their 30 days.
    Spec("Lakeside Clinic", "relationship-nps", 3),
    Spec("Sharma Precision Tools Pvt Ltd", "transactional-csat", 2),
    Spec("Nairobi Agro Processors", "transactional-csat", 1),
]


def _value(question: Question, mood: str, language: str) -> AnswerValue:
    if question.is_score:
        low, high = question.scale() or (0, 0)
        return max(low, min(high, SCORES[mood][question.kind]))
    if question.is_choice:
        codes = question.choice_codes()
        return codes[0] if question.kind == Question.Kind.SINGLE else codes[:2]
    return TEXTS[(language, mood)]


def _answer(invitation: Invitation, token: InvitationToken, mood: str, *, partial: bool) -> Any:
    """Answer page by page as a customer would, through the service the page uses."""
    paging = Paging.of(invitation.version)
    scores: dict[int, int] = {}
    number: int | None = paging.first_page()
    response = None
    while number is not None:
        shown = paging.shown(number, scores)
        answers = {q.pk: _value(q, mood, invitation.language) for q in shown}
        scores.update({pk: v for pk, v in answers.items() if isinstance(v, int)})
        following = paging.next_page(number, scores)
        last = following is None
        response = response_save(
            token=token, page=number, answers=answers, submit=last and not partial
        )
        if partial:
            break
        number = following
    return response


def _date_builtins(versions: list[QuestionnaireVersion], since: Any) -> None:
    """Date the built-ins' install and approval before the demo's first invitation, as
    they would be after weeks of use (an approval after the first send would say the
    controlled document went out unapproved). Only versions not used yet move."""
    unused = [v for v in versions if v.frozen_at is None]
    for version in unused:
        Questionnaire.objects.filter(pk=version.questionnaire_id).update(created_at=since)
        Questionnaire.history.filter(id=version.questionnaire_id).update(history_date=since)
        QuestionnaireVersion.objects.filter(pk=version.pk).update(
            created_at=since, approved_at=since
        )
        QuestionnaireVersion.history.filter(id=version.pk).update(history_date=since)
        questions = Question.objects.filter(version=version).values_list("pk", flat=True)
        Question.history.filter(id__in=list(questions)).update(history_date=since)


def _contact(customer: str, taken: set[int]) -> Contact | None:
    """Return a contact of the customer a survey may go to, one not used above."""
    return (
        Contact.objects.can_be_surveyed()
        .filter(customer__name=customer, customer__voided_at__isnull=True)
        .exclude(pk__in=taken)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def load() -> list[str]:
    """Load the demo invitations and responses that are missing; return what was made."""
    manager = User.objects.filter(email=MANAGER).first()
    if manager is None or Invitation.objects.exists():
        return []  # the users' demo comes first; any invitation means it is loaded
    versions = {
        q.builtin: QuestionnaireVersion.objects.sendable()
        .filter(questionnaire=q)
        .order_by("-number")
        .first()
        for q in builtin_install()
    }
    now = timezone.now()
    first_send = max(spec.sent_days_ago for spec in SPECS)
    _date_builtins([v for v in versions.values() if v], now - timedelta(days=first_send + 14))
    created: list[str] = []
    taken: set[int] = set()
    for spec in SPECS:
        version, contact = versions.get(spec.builtin), _contact(spec.customer, taken)
        if version is None or contact is None:
            continue
        if invitation_refusal(version=version, contact=contact):
            continue
        taken.add(contact.pk)
        sent = now - timedelta(days=spec.sent_days_ago)
        with happening_at(sent):
            invitation = invitation_send(version=version, contact=contact, by=manager)
        token = invitation.tokens.get()
        line = f"survey invitation {invitation.pk} to {contact.name} ({invitation.language})"
        if spec.mood:
            with happening_at(sent + timedelta(days=spec.answered_after)):
                _answer(invitation, token, spec.mood, partial=spec.partial)
            line += ", saved part-way" if spec.partial else f", answered ({spec.mood})"
        created.append(line)
    return created
