"""What a question is (``Question.CONTENT``) is declared once: the model's fields, the
services' ``QuestionFields``, the next draft's copy and the comparison all follow it."""

import dataclasses

import pytest

from surveys.design import selectors
from surveys.design.models import Question
from surveys.design.services import QuestionFields, version_new_draft
from tests.factories import NeedFactory, UserFactory
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import QuestionFactory, approve, invite, nps_version

pytestmark = pytest.mark.django_db

# A question's identity and place, not what it asks.
NOT_CONTENT = {"id", "version", "position"}


def test_the_declaration_covers_every_field_of_a_question_and_the_services_fields():
    fields = {f.name for f in Question._meta.get_fields() if f.concrete or f.many_to_many}
    assert set(Question.CONTENT) == fields - NOT_CONTENT
    assert {f.name for f in dataclasses.fields(QuestionFields)} == set(Question.CONTENT)


def test_a_new_draft_copies_every_declared_field():
    version = nps_version()
    conditional = version.ordered_questions()[1]
    conditional.needs.add(NeedFactory())
    draft = version_new_draft(questionnaire=version.questionnaire, by=UserFactory())
    for old, new in zip(version.ordered_questions(), draft.ordered_questions(), strict=True):
        for name in Question.CONTENT:
            if name == "show_if":
                assert (new.show_if.position if new.show_if else None) == (
                    old.show_if.position if old.show_if else None
                )
            elif name == "needs":
                assert set(new.needs.all()) == set(old.needs.all())
            else:
                assert getattr(new, name) == getattr(old, name), name


CHANGES = {
    "kind": {"kind": Question.Kind.LIKERT},
    "required": {"required": False},
    "starts_page": {"starts_page": True},
    "texts": {"texts": {"en": {"text": "Another question", "low": "L", "high": "H"}}},
    "choices": {"kind": Question.Kind.SINGLE, "choices": [{"code": "a", "labels": {}}]},
    "likert_points": {"kind": Question.Kind.LIKERT, "likert_points": 7},
    "show_if": {"show_if": "earlier", "show_if_min": 0, "show_if_max": 6},
    "show_if_min": {"show_if": "earlier", "show_if_min": 1, "show_if_max": 6},
    "show_if_max": {"show_if": "earlier", "show_if_min": 0, "show_if_max": 5},
    "needs": {"needs": True},
}


@pytest.mark.parametrize("name", Question.CONTENT)
def test_the_comparison_shows_a_change_of_every_declared_field(name):
    assert set(CHANGES) == set(Question.CONTENT)
    base = {"kind": Question.Kind.NPS, "required": True, "texts": {"en": {"text": "Same"}}}
    old_version = approve(QuestionFactory(position=1, **base).version)
    earlier_old = QuestionFactory(version=old_version, position=0)
    old = old_version.ordered_questions()[1]
    changed = {**base, **CHANGES[name]}
    if name in ("show_if_min", "show_if_max"):
        old.show_if, old.show_if_min, old.show_if_max = earlier_old, 0, 6
        old.save()
    new_version = QuestionFactory(position=0).version
    earlier = new_version.questions.get()
    needs = changed.pop("needs", None)
    if changed.get("show_if") == "earlier":
        changed["show_if"] = earlier
    new = QuestionFactory(version=new_version, position=1, **changed)
    if needs:
        new.needs.add(NeedFactory())

    rows = selectors._diff(old, new, {earlier_old.pk: 1}, {earlier.pk: 1})

    assert any(row.changed for row in rows), name


def test_the_questionnaire_page_counts_each_versions_rows_without_multiplying_them():
    version = nps_version()  # five questions
    first, _ = invite(version=version)
    invite(version=version)
    invite(version=version)
    respond(first, score=9)

    [counted] = selectors.questionnaire_versions(version.questionnaire)

    assert (counted.question_count, counted.invitation_count, counted.response_count) == (5, 3, 1)
