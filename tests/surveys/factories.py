"""Factories for the surveys app: questionnaires, versions, questions, invitations."""

import re
from typing import Any

import factory
from django.utils import timezone

from core.models import User
from customers.models import Contact
from surveys.campaigns import links
from surveys.campaigns.models import Invitation, InvitationToken
from surveys.campaigns.services import invitation_create, invitation_email
from surveys.design.models import Question, Questionnaire, QuestionnaireVersion
from tests.factories import ContactFactory, UserFactory

SURVEY_LINK = re.compile(r"/p/survey/([A-Za-z0-9_-]+)/")


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    name = factory.Sequence(lambda n: f"Questionnaire {n}")
    kind = Questionnaire.Kind.RELATIONSHIP


class VersionFactory(factory.django.DjangoModelFactory):
    """A draft version; ``approved_version`` makes an approved one with questions."""

    class Meta:
        model = QuestionnaireVersion

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    number = factory.Sequence(lambda n: n + 1)
    texts = factory.LazyFunction(
        lambda: {
            "en": {"title": "How are we doing?", "intro": "", "thanks": "Thank you!"},
            "hi": {"title": "हम कैसा कर रहे हैं?", "intro": "", "thanks": "धन्यवाद!"},
        }
    )
    # From version 2 on, a version is approved with a note of what changed and why.
    change_note = factory.LazyAttribute(
        lambda v: "" if v.number == 1 else "Reworded after the last review."
    )


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    version = factory.SubFactory(VersionFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.NPS
    required = True
    texts = factory.LazyAttribute(
        lambda q: {
            "en": {"text": f"English question {q.position}", "low": "Low", "high": "High"},
            "hi": {"text": f"हिन्दी प्रश्न {q.position}", "low": "कम", "high": "अधिक"},
        }
    )


def approve(version: QuestionnaireVersion, by: User | None = None) -> QuestionnaireVersion:
    """Mark a version approved (the design service is tested on its own)."""
    version.status = QuestionnaireVersion.Status.APPROVED
    version.approved_at = timezone.now()
    version.approved_by = by or UserFactory.create()
    version.save()
    return version


def nps_version(*, approved: bool = True) -> QuestionnaireVersion:
    """Return a version like the built-in relationship survey: an NPS, a "what should
    we improve?" asked of detractors only, a single choice, a multiple choice, an
    optional free text."""
    version: Any = VersionFactory()
    nps = QuestionFactory(version=version, position=1, kind=Question.Kind.NPS)
    QuestionFactory(
        version=version,
        position=2,
        kind=Question.Kind.TEXT,
        required=True,
        show_if=nps,
        show_if_min=0,
        show_if_max=6,
        texts={"en": {"text": "What should we improve?"}, "hi": {"text": "हमें क्या सुधारना चाहिए?"}},
    )
    QuestionFactory(
        version=version,
        position=3,
        kind=Question.Kind.SINGLE,
        required=False,
        texts={"en": {"text": "Main reason"}, "hi": {"text": "मुख्य कारण"}},
        choices=[
            {"code": "price", "labels": {"en": "Price", "hi": "कीमत"}},
            {"code": "quality", "labels": {"en": "Quality", "hi": "गुणवत्ता"}},
        ],
    )
    QuestionFactory(
        version=version,
        position=4,
        kind=Question.Kind.MULTIPLE,
        required=False,
        texts={"en": {"text": "What do you use?"}, "hi": {"text": "आप क्या उपयोग करते हैं?"}},
        choices=[
            {"code": "portal", "labels": {"en": "Portal", "hi": "पोर्टल"}},
            {"code": "phone", "labels": {"en": "Phone", "hi": "फ़ोन"}},
            {"code": "email", "labels": {"en": "Email", "hi": "ईमेल"}},
        ],
    )
    QuestionFactory(
        version=version,
        position=5,
        kind=Question.Kind.TEXT,
        required=False,
        texts={"en": {"text": "Anything else?"}, "hi": {"text": "कुछ और?"}},
    )
    return approve(version) if approved else version


def invite(
    *,
    version: QuestionnaireVersion | None = None,
    contact: Contact | None = None,
    by: User | None = None,
    **contact_fields: Any,
) -> tuple[Invitation, str]:
    """Make an invitation with its first email; return it with the email's token."""
    version = version or nps_version()
    person: Any = contact or ContactFactory(**contact_fields)
    invitation = invitation_create(version=version, contact=person, by=by)
    email = invitation_email(invitation=invitation, by=by)
    return invitation, token_in(email.body_text)


def token_in(body: str) -> str:
    """Return the survey token of the first survey link in an email body."""
    found = SURVEY_LINK.search(body)
    if found is None:
        raise AssertionError(f"no survey link in {body!r}")
    return found.group(1)


def reminder_token(invitation: Invitation) -> str:
    """Add a reminder's link to the invitation; return its token."""
    _row, token = links.survey_token_create(
        invitation=invitation, kind=InvitationToken.Kind.REMINDER
    )
    return token


def void_builtins() -> None:
    """Void the built-in questionnaires every database gets after migrate, for a test
    that counts the versions offered."""
    Questionnaire.objects.exclude(builtin="").update(
        voided_at=timezone.now(), void_reason="Not part of this test"
    )
