"""The built-in questionnaires: installed after migrate, approved, in English and Hindi
for every string, and installed once however often it runs."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from surveys.design.builtin import BUILTIN_ACTOR, BUILTINS, builtin_install
from surveys.design.models import Question, Questionnaire, QuestionnaireVersion

pytestmark = pytest.mark.django_db

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
KEYS = [spec["key"] for spec in BUILTINS]


def installed():
    return {q.builtin: q for q in Questionnaire.objects.exclude(builtin="")}


def test_migrate_installs_the_three_each_approved_as_version_1_by_the_system():
    found = installed()
    assert (
        sorted(found)
        == sorted(KEYS)
        == ["complaint-handling", "relationship-nps", "transactional-csat"]
    )
    for questionnaire in found.values():
        version = questionnaire.versions.get()
        assert (version.number, version.status) == (1, QuestionnaireVersion.Status.APPROVED)
        assert (version.approved_by, version.approver) == (None, BUILTIN_ACTOR)
        assert version.approved_at is not None
        assert version.send_refusal() == ""
        assert version.history.first().history_actor == "builtin_install"


def test_installing_again_changes_nothing():
    before = (
        Questionnaire.objects.count(),
        QuestionnaireVersion.objects.count(),
        Question.objects.count(),
    )
    again = builtin_install()
    assert [q.builtin for q in again] == KEYS
    assert [q.pk for q in again] == [installed()[key].pk for key in KEYS]
    assert (
        Questionnaire.objects.count(),
        QuestionnaireVersion.objects.count(),
        Question.objects.count(),
    ) == before


def test_the_command_installs_and_says_which():
    out = StringIO()
    call_command("install_builtin_questionnaires", stdout=out)
    assert out.getvalue().splitlines() == [f"{q.builtin}: {q.name}" for q in builtin_install()]


def test_every_string_is_in_english_and_in_hindi():
    for questionnaire in installed().values():
        version = questionnaire.versions.get()
        assert version.approval_refusals() == []
        for key in ("title", "intro", "thanks"):
            assert version.texts["en"][key], key
            assert DEVANAGARI.search(version.texts["hi"][key]), key
        for question in version.ordered_questions():
            english, hindi = question.texts["en"], question.texts["hi"]
            assert set(english) == set(hindi), question
            for key in english:
                assert DEVANAGARI.search(hindi[key]), (question, key)
            if question.is_score:
                assert {"low", "high"} <= set(english)
            for choice in question.choices:
                assert choice["labels"]["en"]
                assert DEVANAGARI.search(choice["labels"]["hi"])


def test_the_relationship_survey_asks_detractors_what_to_improve_first():
    nps, reason, improve, matters = (
        installed()["relationship-nps"].versions.get().ordered_questions()
    )
    assert (nps.kind, nps.required, nps.text_in("en")) == (
        "nps",
        True,
        "How likely are you to recommend us to a colleague or friend?",
    )
    assert "हमें" in nps.text_in("hi")
    assert (reason.kind, reason.required) == ("text", False)
    assert (
        improve.kind,
        improve.required,
        improve.show_if,
        improve.show_if_min,
        improve.show_if_max,
    ) == (
        "text",
        True,
        nps,
        0,
        6,
    )
    assert matters.kind == "multiple"
    assert matters.choice_codes() == ["quality", "on_time", "price", "support", "documentation"]
    assert not any(q.kind == "ces" for q in (nps, reason, improve, matters))


def test_the_order_survey_asks_what_to_do_better_of_csat_1_to_3():
    csat, ces, on_date, better = (
        installed()["transactional-csat"].versions.get().ordered_questions()
    )
    assert [q.kind for q in (csat, ces, on_date, better)] == ["csat", "ces", "single", "text"]
    assert on_date.choice_codes() == ["yes", "no", "partly"]
    assert (better.show_if, better.show_if_min, better.show_if_max) == (csat, 1, 3)


def test_the_complaint_survey_has_two_five_point_agreements():
    questions = installed()["complaint-handling"].versions.get().ordered_questions()
    assert [q.kind for q in questions] == ["csat", "likert", "likert", "ces", "text"]
    assert [q.likert_points for q in questions if q.kind == "likert"] == [5, 5]
    assert questions[-1].required is False


def test_migrating_to_a_state_without_the_design_tables_installs_nothing(monkeypatch):
    from django.apps import apps  # noqa: PLC0415

    from surveys.design.hooks import install_builtins_after_migrate  # noqa: PLC0415

    calls = []
    monkeypatch.setattr("surveys.design.builtin.builtin_install", lambda: calls.append("run"))

    class Unmigrated:
        def get_model(self, app_label, model_name):
            raise LookupError(model_name)

    install_builtins_after_migrate(sender=apps.get_app_config("surveys"), apps=Unmigrated())
    assert calls == []
    install_builtins_after_migrate(sender=apps.get_app_config("surveys"), apps=apps)
    assert calls == ["run"]
