"""The design services: drafts take edits, approved and frozen versions refuse them,
conditions stay after their score, approval checks every language, and the next draft
is a faithful copy."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.services import record_void
from surveys.design import services
from surveys.design.builtin import BUILTINS
from surveys.design.models import Question, Questionnaire, QuestionnaireVersion
from surveys.design.services import QuestionFields
from tests.factories import NeedFactory
from tests.surveys.factories import QuestionFactory, VersionFactory, approve, nps_version

pytestmark = pytest.mark.django_db

Kind = Question.Kind
Status = QuestionnaireVersion.Status


def texts(en="How likely?", hi="कितनी संभावना?", ends=False):
    more = {"en": {"low": "Low", "high": "High"}, "hi": {"low": "कम", "high": "अधिक"}}
    return {
        "en": {"text": en, **(more["en"] if ends else {})},
        "hi": {"text": hi, **(more["hi"] if ends else {})},
    }


def score(**options):
    return QuestionFields(kind=Kind.NPS, texts=texts(ends=True), required=True, **options)


def free_text(**options):
    return QuestionFields(kind=Kind.TEXT, texts=texts("Why?", "क्यों?"), **options)


def positions(version):
    return list(version.questions.order_by("position").values_list("pk", "position"))


@pytest.fixture
def draft(manager):
    questionnaire = services.questionnaire_create(by=manager, name="Pulse", kind="other")
    return questionnaire.versions.get()


def test_a_new_questionnaire_has_its_first_draft_titled_with_its_name(manager):
    questionnaire = services.questionnaire_create(by=manager, name="Pulse", kind="other")
    draft = questionnaire.versions.get()
    assert (draft.number, draft.status, draft.text("en", "title")) == (1, Status.DRAFT, "Pulse")
    assert questionnaire.history.first().history_user == manager


def test_a_name_in_use_by_another_live_questionnaire_is_refused_in_any_case(manager):
    first = services.questionnaire_create(by=manager, name="Pulse", kind="other")
    other = services.questionnaire_create(by=manager, name="Other", kind="other")
    message = "Another questionnaire in use has this name: choose another name."
    with pytest.raises(ValidationError) as refused:
        services.questionnaire_create(by=manager, name="PULSE", kind="other")
    assert refused.value.messages == [message]
    with pytest.raises(ValidationError) as refused:
        services.questionnaire_update(questionnaire=other, by=manager, name="pulse", kind="other")
    assert refused.value.messages == [message]
    assert Questionnaire.objects.filter(name__iexact="pulse").count() == 1
    record_void(record=first, by=manager, reason="Replaced")
    assert services.questionnaire_create(by=manager, name="Pulse", kind="other").pk != first.pk


def test_the_builtin_questionnaires_have_names_of_their_own():
    names = [spec["name"].lower() for spec in BUILTINS]
    assert len(set(names)) == len(names)


def test_questions_are_added_at_the_end_in_order(draft, manager):
    first = services.question_add(version=draft, by=manager, fields=score())
    second = services.question_add(version=draft, by=manager, fields=free_text())
    assert (first.position, second.position) == (1, 2)
    assert first.history.first().history_user == manager


def test_a_condition_on_an_earlier_score_in_range_is_kept(draft, manager):
    nps = services.question_add(version=draft, by=manager, fields=score())
    asked = services.question_add(
        version=draft, by=manager, fields=free_text(show_if=nps, show_if_min=0, show_if_max=6)
    )
    assert (asked.show_if, asked.show_if_min, asked.show_if_max) == (nps, 0, 6)
    assert asked.shown_for({nps.pk: 6})
    assert not asked.shown_for({nps.pk: 7})


@pytest.mark.parametrize(("least", "most"), [(-1, 6), (0, 11), (7, 6)])
def test_a_range_outside_the_scale_or_upside_down_is_refused(draft, manager, least, most):
    nps = services.question_add(version=draft, by=manager, fields=score())
    with pytest.raises(ValidationError, match="within the scale 0 to 10"):
        services.question_add(
            version=draft,
            by=manager,
            fields=free_text(show_if=nps, show_if_min=least, show_if_max=most),
        )
    assert draft.questions.count() == 1


def test_a_condition_on_a_question_without_a_score_is_refused(draft, manager):
    why = services.question_add(version=draft, by=manager, fields=free_text())
    with pytest.raises(ValidationError, match="score question"):
        services.question_add(
            version=draft, by=manager, fields=free_text(show_if=why, show_if_min=0, show_if_max=1)
        )


def test_a_condition_on_another_versions_question_is_refused(draft, manager):
    elsewhere = QuestionFactory(kind=Kind.NPS)
    with pytest.raises(ValidationError, match="this version"):
        services.question_add(
            version=draft,
            by=manager,
            fields=free_text(show_if=elsewhere, show_if_min=0, show_if_max=6),
        )


def test_a_condition_on_a_later_question_is_refused(draft, manager):
    first = services.question_add(version=draft, by=manager, fields=free_text())
    later = services.question_add(version=draft, by=manager, fields=score())
    with pytest.raises(ValidationError, match="earlier question"):
        services.question_update(
            question=first,
            by=manager,
            fields=free_text(show_if=later, show_if_min=0, show_if_max=6),
        )


def test_an_agreement_scale_has_5_or_7_points(draft, manager):
    likert = QuestionFields(kind=Kind.LIKERT, texts=texts(), likert_points=6)
    with pytest.raises(ValidationError, match="5 or 7 points"):
        services.question_add(version=draft, by=manager, fields=likert)
    likert.likert_points = 7
    assert services.question_add(version=draft, by=manager, fields=likert).scale() == (1, 7)


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (
            [{"code": "a", "labels": {"en": "A"}}, {"code": "a", "labels": {"en": "B"}}],
            "Two choices",
        ),
        ([{"code": "", "labels": {"en": "A"}}], "needs a code"),
        ([{"code": "a b", "labels": {"en": "A"}}], "is not one"),
        ([{"code": "a", "labels": {"hi": "ए"}}], "English label"),
        ([{"code": "a", "labels": {"en": "A" * 151}}], "over 150 characters"),
    ],
)
def test_bad_choices_are_refused(draft, manager, choices, message):
    fields = QuestionFields(kind=Kind.SINGLE, texts=texts(), choices=choices)
    with pytest.raises(ValidationError, match=message):
        services.question_add(version=draft, by=manager, fields=fields)
    assert not draft.questions.exists()


def test_choices_belong_to_choice_questions_only(draft):
    question = Question(version=draft, position=1, kind=Kind.TEXT, texts=texts())
    question.choices = [{"code": "a", "labels": {"en": "A"}}]
    with pytest.raises(ValidationError, match="Only a choice question"):
        question.full_clean()


def test_an_oversized_text_is_refused_with_its_limit(draft, manager):
    with pytest.raises(ValidationError, match="at most 300 are allowed"):
        services.question_add(
            version=draft,
            by=manager,
            fields=free_text().__class__(kind=Kind.TEXT, texts=texts("x" * 301)),
        )
    with pytest.raises(ValidationError, match="at most 150"):
        services.version_texts_update(version=draft, by=manager, texts={"en": {"title": "t" * 151}})


def test_a_text_in_a_language_that_is_not_one_is_refused(draft, manager):
    with pytest.raises(ValidationError, match="not a survey language"):
        services.question_add(
            version=draft,
            by=manager,
            fields=QuestionFields(kind=Kind.TEXT, texts={"fr": {"text": "Non"}}),
        )


# Reordering --------------------------------------------------------------------------------


def test_moving_a_question_swaps_it_with_its_neighbour_and_renumbers(draft, manager):
    a = services.question_add(version=draft, by=manager, fields=free_text())
    b = services.question_add(version=draft, by=manager, fields=free_text())
    c = services.question_add(version=draft, by=manager, fields=free_text())
    services.question_move(question=c, by=manager, direction="up")
    assert positions(draft) == [(a.pk, 1), (c.pk, 2), (b.pk, 3)]
    services.question_move(question=a, by=manager, direction="down")
    assert positions(draft) == [(c.pk, 1), (a.pk, 2), (b.pk, 3)]


def test_the_first_cannot_move_up_nor_the_last_down(draft, manager):
    a = services.question_add(version=draft, by=manager, fields=free_text())
    b = services.question_add(version=draft, by=manager, fields=free_text())
    with pytest.raises(ValidationError, match="already the first"):
        services.question_move(question=a, by=manager, direction="up")
    with pytest.raises(ValidationError, match="already the last"):
        services.question_move(question=b, by=manager, direction="down")
    with pytest.raises(ValidationError, match="up or down"):
        services.question_move(question=b, by=manager, direction="sideways")


def test_a_conditional_question_cannot_move_before_its_score(draft, manager):
    nps = services.question_add(version=draft, by=manager, fields=score())
    asked = services.question_add(
        version=draft, by=manager, fields=free_text(show_if=nps, show_if_min=0, show_if_max=6)
    )
    with pytest.raises(
        ValidationError, match="Question 2 is shown only on the score of question 1"
    ):
        services.question_move(question=asked, by=manager, direction="up")
    with pytest.raises(ValidationError, match="must stay after it"):
        services.question_move(question=nps, by=manager, direction="down")
    assert positions(draft) == [(nps.pk, 1), (asked.pk, 2)]


def test_removing_a_question_renumbers_the_rest(draft, manager):
    a = services.question_add(version=draft, by=manager, fields=free_text())
    b = services.question_add(version=draft, by=manager, fields=free_text())
    c = services.question_add(version=draft, by=manager, fields=free_text())
    services.question_delete(question=b, by=manager)
    assert positions(draft) == [(a.pk, 1), (c.pk, 2)]


def test_a_score_another_question_depends_on_is_not_removed(draft, manager):
    nps = services.question_add(version=draft, by=manager, fields=score())
    services.question_add(
        version=draft, by=manager, fields=free_text(show_if=nps, show_if_min=0, show_if_max=6)
    )
    with pytest.raises(ValidationError, match="Question 2 is shown only on a score of this one"):
        services.question_delete(question=nps, by=manager)
    assert draft.questions.count() == 2


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (
            Kind.TEXT,
            (
                "Question 2 is shown only on a score of this question: remove that condition "
                "before making this question free text."
            ),
        ),
        (
            Kind.CSAT,
            (
                "Question 2 is shown only when this question scores 0 to 6, which is not within "
                "its new scale of 1 to 5: change that condition first."
            ),
        ),
    ],
)
def test_a_score_is_not_changed_under_the_question_that_depends_on_it(
    draft, manager, kind, message
):
    nps = services.question_add(version=draft, by=manager, fields=score())
    services.question_add(
        version=draft, by=manager, fields=free_text(show_if=nps, show_if_min=0, show_if_max=6)
    )
    changed = score()
    changed.kind = kind
    with pytest.raises(ValidationError) as refused:
        services.question_update(question=nps, by=manager, fields=changed)
    assert refused.value.messages == [message]
    nps.refresh_from_db()
    assert nps.kind == Kind.NPS


# Approval ---------------------------------------------------------------------------------


def test_an_empty_version_is_not_approved(draft, manager):
    with pytest.raises(ValidationError, match="at least one question"):
        services.version_approve(version=draft, by=manager)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_approval_needs_every_text_in_english_and_hindi(draft, manager):
    services.question_add(
        version=draft,
        by=manager,
        fields=QuestionFields(kind=Kind.CSAT, texts={"en": {"text": "Happy?"}}),
    )
    with pytest.raises(ValidationError) as refused:
        services.version_approve(version=draft, by=manager)
    said = " ".join(refused.value.messages)
    assert "Give the title in Hindi" in said
    assert "Question 1: give its text in Hindi" in said
    assert "label both ends of the scale in English" in said


def test_a_choice_question_needs_two_choices_labelled_in_each_language(draft, manager):
    services.version_texts_update(
        version=draft, by=manager, texts={"en": {"title": "P"}, "hi": {"title": "प"}}
    )
    one = [{"code": "yes", "labels": {"en": "Yes"}}]
    services.question_add(
        version=draft,
        by=manager,
        fields=QuestionFields(kind=Kind.SINGLE, texts=texts(), choices=one),
    )
    with pytest.raises(ValidationError) as refused:
        services.version_approve(version=draft, by=manager)
    assert refused.value.messages == [
        "Question 1: label every choice in Hindi.",
        "Question 1: offer at least two choices.",
    ]


def test_version_2_onwards_is_not_approved_without_what_changed_and_why(manager):
    first = nps_version(approved=False)
    first.number, first.change_note = 2, "  "
    first.save()
    with pytest.raises(ValidationError) as refused:
        services.version_approve(version=first, by=manager)
    assert refused.value.messages == [
        (
            "Say what changed since the version before and why: write it in “What changed "
            "and why” on the draft's texts page (Change the texts)."
        )
    ]
    services.version_texts_update(
        version=first, by=manager, texts=first.texts, change_note="Shorter intro."
    )
    assert services.version_approve(version=first, by=manager).status == Status.APPROVED


def test_the_first_version_needs_no_change_note(draft, manager):
    services.version_texts_update(
        version=draft, by=manager, texts={"en": {"title": "P"}, "hi": {"title": "प"}}
    )
    services.question_add(version=draft, by=manager, fields=score())
    assert services.version_approve(version=draft, by=manager).status == Status.APPROVED


def test_a_help_text_in_one_language_only_is_not_approved(draft, manager):
    services.version_texts_update(
        version=draft, by=manager, texts={"en": {"title": "P"}, "hi": {"title": "प"}}
    )
    helped = free_text()
    helped.texts = {"en": {"text": "Why?", "help": "One thing is enough."}, "hi": {"text": "क्यों?"}}
    question = services.question_add(version=draft, by=manager, fields=helped)
    with pytest.raises(ValidationError) as refused:
        services.version_approve(version=draft, by=manager)
    assert refused.value.messages == [
        "Question 1: give its help text in Hindi too, or remove it in every language."
    ]
    helped.texts = {"en": {"text": "Why?"}, "hi": {"text": "क्यों?"}}
    services.question_update(question=question, by=manager, fields=helped)
    assert services.version_approve(version=draft, by=manager).status == Status.APPROVED


def test_approval_records_who_and_when_and_retires_the_version_before(manager, top):
    first = nps_version(approved=False)
    services.version_approve(version=first, by=top)
    first.refresh_from_db()
    assert (first.status, first.approved_by, first.approver) == (Status.APPROVED, top, str(top))
    assert first.approved_at is not None
    second = services.version_new_draft(questionnaire=first.questionnaire, by=manager)
    services.version_texts_update(
        version=second, by=manager, texts=second.texts, change_note="Shorter intro."
    )
    services.version_approve(version=second, by=manager)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.RETIRED, Status.APPROVED)
    assert first.retired_at == second.approved_at
    assert first.history.first().history_user == manager
    assert list(
        QuestionnaireVersion.objects.filter(questionnaire=first.questionnaire).sendable()
    ) == [second]


def test_an_approval_names_a_person_or_a_system(manager):
    version = nps_version(approved=False)
    with pytest.raises(ValidationError, match="who approves"):
        services.version_approve(version=version, by=None)
    services.version_approve(version=version, by=None, actor="built-in")
    version.refresh_from_db()
    assert (version.approved_by, version.approver) == (None, "built-in")


def test_an_approved_version_takes_no_edit(manager):
    version = nps_version()
    question = version.ordered_questions()[0]
    edits = [
        lambda: services.question_add(version=version, by=manager, fields=free_text()),
        lambda: services.question_update(question=question, by=manager, fields=score()),
        lambda: services.question_delete(question=version.ordered_questions()[-1], by=manager),
        lambda: services.question_move(question=question, by=manager, direction="down"),
        lambda: services.version_texts_update(
            version=version, by=manager, texts={"en": {"title": "X"}}
        ),
        lambda: services.version_approve(version=version, by=manager),
    ]
    for edit in edits:
        with pytest.raises(
            ValidationError, match="is approved, so it no longer changes: make a new draft"
        ):
            edit()
    assert version.questions.count() == 5


def test_a_frozen_version_says_it_has_been_sent(manager):
    version = nps_version()
    QuestionnaireVersion.objects.filter(pk=version.pk).update(frozen_at=timezone.now())
    with pytest.raises(ValidationError, match="has been sent to customers"):
        services.question_add(version=version, by=manager, fields=free_text())


def test_a_voided_questionnaire_takes_no_edit_nor_new_draft(manager):
    from core.services import record_void  # noqa: PLC0415

    version = nps_version(approved=False)
    record_void(record=version.questionnaire, by=manager, reason="Replaced")
    with pytest.raises(ValidationError, match="void"):
        services.question_add(version=version, by=manager, fields=free_text())
    with pytest.raises(ValidationError, match="voided"):
        services.version_new_draft(
            questionnaire=Questionnaire.objects.get(pk=version.questionnaire_id), by=manager
        )


# The next draft ----------------------------------------------------------------------------


def test_a_new_draft_copies_questions_choices_needs_and_remaps_conditions(manager):
    version = nps_version(approved=False)
    need = NeedFactory()
    nps, _improve, _single, *_rest = version.ordered_questions()
    nps.needs.add(need)
    approve(version)
    copy = services.version_new_draft(questionnaire=version.questionnaire, by=manager)
    assert (copy.number, copy.status, copy.texts) == (
        version.number + 1,
        Status.DRAFT,
        version.texts,
    )
    copied = copy.ordered_questions()
    assert [(q.position, q.kind, q.texts, q.choices, q.required) for q in copied] == [
        (q.position, q.kind, q.texts, q.choices, q.required) for q in version.ordered_questions()
    ]
    assert copied[1].show_if == copied[0]
    assert (copied[1].show_if_min, copied[1].show_if_max) == (0, 6)
    assert list(copied[0].needs.all()) == [need]
    assert not {q.pk for q in copied} & {q.pk for q in version.ordered_questions()}
    # The approved version is untouched by edits of the copy.
    services.question_delete(question=copied[-1], by=manager)
    assert version.questions.count() == 5


def test_only_one_draft_at_a_time(manager):
    version = nps_version()
    services.version_new_draft(questionnaire=version.questionnaire, by=manager)
    with pytest.raises(ValidationError, match="is a draft already"):
        services.version_new_draft(questionnaire=version.questionnaire, by=manager)
    assert version.questionnaire.versions.count() == 2


def test_the_designers_page_split_puts_a_conditional_question_on_the_next_page():
    version = VersionFactory()
    nps = QuestionFactory(version=version, position=1)
    asked = QuestionFactory(
        version=version, position=2, kind=Kind.TEXT, show_if=nps, show_if_min=0, show_if_max=6
    )
    assert version.pages() == [[nps], [asked]]


# Text limits ------------------------------------------------------------------------------


def test_a_version_text_over_its_limit_is_refused_and_nothing_changes(draft, manager):
    with pytest.raises(ValidationError) as refused:
        services.version_texts_update(
            version=draft, by=manager, texts={"en": {"title": "P", "intro": "x" * 20_000}}
        )
    assert refused.value.messages == [
        "The intro in English has 20000 characters; at most 1000 are allowed."
    ]
    draft.refresh_from_db()
    assert draft.texts == {"en": {"title": "Pulse"}}


def test_a_question_text_over_its_limit_is_refused_and_nothing_is_added(draft, manager):
    long = free_text()
    long.texts = {"en": {"text": "x" * 2000}, "hi": {"text": "क्यों?", "help": "y" * 501}}
    with pytest.raises(ValidationError) as refused:
        services.question_add(version=draft, by=manager, fields=long)
    assert refused.value.messages == [
        "The text in English has 2000 characters; at most 300 are allowed.",
        "The help in Hindi has 501 characters; at most 500 are allowed.",
    ]
    assert draft.questions.count() == 0
