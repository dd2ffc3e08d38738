"""The design register's pages: who reads and who changes, the designer through its
forms and buttons, bad input, approval, the preview in both languages, the comparison,
and constant queries."""

import pytest
from django.urls import reverse

from core.roles import Role
from surveys.campaigns.services import invitation_withdraw
from surveys.design import services
from surveys.design.models import Question, Questionnaire, QuestionnaireVersion
from surveys.design.services import QuestionFields
from tests.factories import NeedFactory, UserFactory
from tests.queries import Pin, assert_pinned
from tests.surveys.factories import (
    QuestionFactory,
    QuestionnaireFactory,
    VersionFactory,
    approve,
    invite,
    nps_version,
)

pytestmark = pytest.mark.django_db

Status = QuestionnaireVersion.Status


def url(name, *args):
    return reverse(f"surveys:{name}", args=args)


def question_data(**changes):
    data = {
        "kind": "csat",
        "required": "on",
        "text_en": "How satisfied are you?",
        "text_hi": "आप कितने संतुष्ट हैं?",
        "low_en": "Very dissatisfied",
        "low_hi": "बहुत असंतुष्ट",
        "high_en": "Very satisfied",
        "high_hi": "बहुत संतुष्ट",
        "likert_points": "5",
        "choices": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def read_pages(version):
    questionnaire = version.questionnaire
    return [
        url("questionnaire_list"),
        url("questionnaire_detail", questionnaire.pk),
        url("questionnaire_compare", questionnaire.pk),
        url("version_detail", version.pk),
        url("version_preview", version.pk),
        url("version_preview_frame", version.pk, "hi"),
    ]


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.STAFF])
def test_readers_read_every_page_and_change_nothing(client, role):
    version = nps_version(approved=False)
    client.force_login(UserFactory(role=role))
    for page in read_pages(version):
        assert client.get(page).status_code == 200, page
    question = version.ordered_questions()[-1]
    refused = [
        client.get(url("version_design", version.pk)),
        client.post(url("question_add", version.pk), question_data()),
        client.post(url("question_move", question.pk), {"direction": "up"}),
        client.post(url("question_delete", question.pk)),
        client.post(url("version_approve", version.pk)),
        client.post(url("questionnaire_create"), {"name": "X", "kind": "other"}),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert version.questions.count() == 5
    assert Questionnaire.objects.filter(name="X").count() == 0


def test_the_menu_offers_surveys_to_readers(client, auditor):
    client.force_login(auditor)
    assert url("questionnaire_list") in client.get(reverse("home")).content.decode()


def test_a_quality_manager_builds_a_questionnaire_in_the_designer(client, manager):
    client.force_login(manager)
    created = client.post(url("questionnaire_create"), {"name": "Onboarding", "kind": "other"})
    draft = QuestionnaireVersion.objects.get(questionnaire__name="Onboarding")
    assert created["Location"] == url("version_design", draft.pk)
    need = NeedFactory(title="Fast answers")
    response = client.post(url("question_add", draft.pk), question_data(needs=[str(need.pk)]))
    assert response.status_code == 302
    first = draft.questions.get()
    assert first.texts["hi"]["text"] == "आप कितने संतुष्ट हैं?"
    assert list(first.needs.all()) == [need]
    client.post(
        url("question_add", draft.pk),
        question_data(
            kind="text",
            text_en="Why?",
            text_hi="क्यों?",
            required=None,
            show_if=str(first.pk),
            show_if_min="1",
            show_if_max="3",
        ),
    )
    asked = draft.questions.get(kind="text")
    assert (asked.show_if, asked.show_if_min, asked.show_if_max) == (first, 1, 3)
    page = client.get(url("version_design", draft.pk)).content.decode()
    assert "Shown when question 1 scores 1 to 3" in page
    assert "Page 2 of 2" in page
    moved = client.post(url("question_move", asked.pk), {"direction": "up"}, follow=True)
    assert "must stay after it" in moved.content.decode()
    texts = {
        "title_en": "Onboarding",
        "title_hi": "शुरुआत",
        "intro_en": "Hello",
        "intro_hi": "नमस्ते",
        "thanks_en": "Thanks",
        "thanks_hi": "धन्यवाद",
        "change_note": "First",
    }
    assert client.post(url("version_texts", draft.pk), texts).status_code == 302
    approved = client.post(url("version_approve", draft.pk), follow=True)
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by) == (Status.APPROVED, manager)
    assert "Version 1 is approved" in approved.content.decode()


def test_a_question_form_with_bad_input_says_what_and_saves_nothing(client, manager):
    draft = nps_version(approved=False)
    client.force_login(manager)
    cases = [
        (question_data(kind="single", choices="a | A | ए | extra"), "more than a code and a label"),
        (question_data(kind="single", choices="a | A\na | B"), "Two choices have the code"),
        (question_data(show_if=str(draft.ordered_questions()[0].pk)), "Give the range of scores"),
        (question_data(text_en="x" * 301), "at most 300 characters"),
        (question_data(kind="likert", likert_points="6"), "Select a valid choice"),
        (question_data(text_en=""), "This field is required"),
    ]
    for data, message in cases:
        response = client.post(url("question_add", draft.pk), data)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert draft.questions.count() == 5


def test_an_approved_version_has_no_designer(client, manager):
    version = nps_version()
    client.force_login(manager)
    response = client.get(url("version_design", version.pk), follow=True)
    assert response.redirect_chain[-1][0] == version.get_absolute_url()
    assert "is approved, so it no longer changes" in response.content.decode()
    question = version.ordered_questions()[0]
    client.post(url("question_delete", question.pk))
    assert version.questions.count() == 5


def test_top_management_approves_but_does_not_design(client, top):
    draft = nps_version(approved=False)
    client.force_login(top)
    assert client.get(url("version_design", draft.pk)).status_code == 403
    page = client.get(url("version_approve", draft.pk)).content.decode()
    assert "Approve version" in page
    # "Not now" leads to a page top management may read, not to the designer.
    assert f'href="{url("version_detail", draft.pk)}">Not now<' in page
    assert url("version_design", draft.pk) not in page
    client.post(url("version_approve", draft.pk))
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by) == (Status.APPROVED, top)


def test_the_approval_page_lists_what_stops_it(client, manager):
    draft = VersionFactory(texts={"en": {"title": "Only English"}})
    client.force_login(manager)
    response = client.post(url("version_approve", draft.pk))
    page = response.content.decode()
    assert "Add at least one question." in page
    assert "Give the title in Hindi." in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_what_stops_approval_links_top_management_to_the_version_page(client, top):
    draft = VersionFactory(texts={"en": {"title": "Only English"}})
    client.force_login(top)
    page = client.get(url("version_approve", draft.pk)).content.decode()
    assert "Give the title in Hindi." in page
    assert f'href="{url("version_detail", draft.pk)}">Back to the version<' in page
    assert url("version_design", draft.pk) not in page


def test_a_new_draft_is_made_from_the_questionnaires_page(client, manager):
    version = nps_version()
    client.force_login(manager)
    response = client.post(url("version_new_draft", version.questionnaire_id))
    draft = version.questionnaire.versions.get(status=Status.DRAFT)
    assert response["Location"] == url("version_design", draft.pk)
    again = client.post(url("version_new_draft", version.questionnaire_id), follow=True)
    assert "is a draft already" in again.content.decode()


# Preview ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "question", "scale_end"),
    [("en", "English question 1", "High"), ("hi", "हिन्दी प्रश्न 1", "अधिक")],
)
def test_the_preview_shows_the_customers_page_in_each_language(
    client, auditor, language, question, scale_end
):
    version = nps_version()
    client.force_login(auditor)
    response = client.get(url("version_preview_frame", version.pk, language))
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert question in page
    assert scale_end in page
    # The customer's own question template: the score and the two choice questions
    # are fieldsets with a legend; each page is read-only.
    assert page.count('<fieldset class="survey-question') == 3
    assert '<legend class="survey-legend">' in page
    assert 'type="radio" class="btn-check" name="q' in page
    assert page.count("<fieldset disabled") == 2
    # The condition is for staff: in the staff member's language, marked so.
    assert (
        page.count(
            '<span class="badge state-conditions" lang="en">Shown when question 1 scores 0 to 6'
        )
        == 1
    )
    assert '<h2 id="preview-thanks" class="h5" lang="en">After sending</h2>' in page
    assert "<textarea" in page
    assert page.count('<progress class="survey-progress') == 2
    # Framed by the preview page only.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_other_pages_still_refuse_to_be_framed(client, auditor):
    version = nps_version()
    client.force_login(auditor)
    response = client.get(url("version_preview", version.pk))
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_preview_page_frames_the_language_and_width_asked(client, auditor):
    version = nps_version()
    client.force_login(auditor)
    page = client.get(
        url("version_preview", version.pk), {"lang": "hi", "width": "phone"}
    ).content.decode()
    assert f'src="{url("version_preview_frame", version.pk, "hi")}"' in page
    assert "survey-preview-phone" in page
    default = client.get(
        url("version_preview", version.pk), {"lang": "xx", "width": "huge"}
    ).content.decode()
    assert f'src="{url("version_preview_frame", version.pk, "en")}"' in default
    assert "survey-preview-desktop" in default
    assert client.get(url("version_preview_frame", version.pk, "xx")).status_code == 404


# Comparison -------------------------------------------------------------------------------


def test_the_comparison_marks_added_removed_and_changed_questions(client, manager):
    version = nps_version()
    draft = services.version_new_draft(questionnaire=version.questionnaire, by=manager)
    _nps, _improve, single, multiple, _anything = draft.ordered_questions()
    services.question_delete(question=multiple, by=manager)
    changed = QuestionFields(
        kind="single", texts=single.texts, required=True, choices=single.choices
    )
    services.question_update(question=single, by=manager, fields=changed)
    services.question_add(
        version=draft,
        by=manager,
        fields=QuestionFields(
            kind="text", texts={"en": {"text": "Brand new?"}, "hi": {"text": "नया?"}}
        ),
    )
    client.force_login(manager)
    response = client.get(
        url("questionnaire_compare", version.questionnaire_id),
        {"a": version.number, "b": draft.number},
    )
    kinds = [(item.kind, item.subject) for item in response.context["comparison"]["questions"]]
    # Each side is numbered by its own version: the removed question and the one
    # after it are not both "4".
    a, b = version.number, draft.number
    assert kinds == [
        ("same", "1. English question 1"),
        ("same", "2. What should we improve?"),
        ("changed", "3. Main reason"),
        ("removed", f"4 in version {a}. What do you use?"),
        ("same", f"5 in version {a}, 4 in version {b}. Anything else?"),
        ("added", f"5 in version {b}. Brand new?"),
    ]
    required = next(
        row
        for row in response.context["comparison"]["questions"][2].rows
        if str(row.label) == "Answer required"
    )
    assert (required.old, required.new) == ("No", "Yes")
    assert "diff-changed" in response.content.decode()


# Queries ----------------------------------------------------------------------------------


def questionnaires(count, user):
    for _ in range(count):
        version = VersionFactory(questionnaire=QuestionnaireFactory())
        approve(version, by=user)
        VersionFactory(questionnaire=version.questionnaire)


def versions(count, questionnaire):
    last = questionnaire.versions.order_by("-number").first()
    start = last.number if last else 0
    for number in range(start + 1, start + count + 1):
        version = VersionFactory(questionnaire=questionnaire, number=number)
        QuestionFactory(version=version)
        approve(version)
        QuestionnaireVersion.objects.filter(pk=version.pk).update(status=Status.RETIRED)


def questions(count, version):
    for _ in range(count):
        question = QuestionFactory(version=version)
        question.needs.add(NeedFactory())


PINS = [
    Pin("surveys:questionnaire_list", questionnaires, 6),
    Pin(
        "surveys:questionnaire_list",
        questionnaires,
        6,
        {"kind": "relationship", "q": "Questionnaire"},
    ),
    Pin("surveys:questionnaire_detail", versions, 7, record=lambda user: QuestionnaireFactory()),
    Pin("surveys:version_detail", questions, 8, record=lambda user: VersionFactory()),
    Pin("surveys:version_design", questions, 7, record=lambda user: VersionFactory()),
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, manager, django_assert_num_queries, pin
):
    assert_pinned(client, manager, django_assert_num_queries, pin)


def test_a_question_of_another_version_is_not_a_condition_offered(client, manager):
    draft = nps_version(approved=False)
    other = QuestionFactory(kind=Question.Kind.NPS)
    client.force_login(manager)
    response = client.post(
        url("question_add", draft.pk),
        question_data(kind="text", show_if=str(other.pk), show_if_min="0", show_if_max="6"),
    )
    assert "Select a valid choice" in response.content.decode()
    assert draft.questions.count() == 5


def test_the_void_page_says_how_many_open_invitations_stop_working(client, manager):
    version = nps_version()
    invite(version=version)
    invite(version=version)
    withdrawn, _token = invite(version=version)
    invitation_withdraw(invitation=withdrawn, by=manager, reason="Sent by mistake")
    client.force_login(manager)
    page = client.get(url("questionnaire_void", version.questionnaire_id)).content.decode()
    assert (
        '<p class="alert alert-warning" role="note">2 invitations not answered yet will stop '
        "working: their links will say the survey is closed.</p>"
    ) in page


def test_the_void_page_warns_of_nothing_when_no_invitation_is_open(client, manager):
    version = nps_version()
    client.force_login(manager)
    page = client.get(url("questionnaire_void", version.questionnaire_id)).content.decode()
    assert "alert-warning" not in page
    assert "Void the record" in page


def test_a_text_over_its_limit_is_refused_by_the_form_never_cut_by_the_browser(client, manager):
    draft = services.questionnaire_create(by=manager, name="Pulse", kind="other").versions.get()
    client.force_login(manager)
    form = client.get(url("version_texts", draft.pk)).content.decode()
    # A ``maxlength`` would let the browser cut a pasted text to the limit and save it.
    assert "maxlength" not in form
    assert "Up to 1,000 characters." in form
    page = client.post(
        url("version_texts", draft.pk), {"title_en": "Pulse", "intro_en": "x" * 20_000}
    ).content.decode()
    assert "Ensure this value has at most 1000 characters (it has 20000)." in page
    draft.refresh_from_db()
    assert draft.texts == {"en": {"title": "Pulse"}}
    question = client.get(url("question_add", draft.pk)).content.decode()
    assert "maxlength" not in question
    page = client.post(
        url("question_add", draft.pk), question_data(text_en="x" * 2000)
    ).content.decode()
    assert "Ensure this value has at most 300 characters (it has 2000)." in page
    assert draft.questions.count() == 0


@pytest.mark.parametrize(
    ("asked", "notice"),
    [
        ({"a": "9", "b": "1"}, "no version “9”: shown are its last two versions, 2 and 3."),
        ({"a": "x", "b": "7"}, "no version “x, 7”: shown are its last two versions, 2 and 3."),
        ({"a": "2", "b": "2"}, "chosen twice: shown are its last two versions, 2 and 3."),
    ],
)
def test_a_comparison_of_versions_not_found_says_what_is_shown_instead(
    client, auditor, asked, notice
):
    first = VersionFactory(number=1)
    approve(first)
    for number in (2, 3):
        approve(VersionFactory(questionnaire=first.questionnaire, number=number))
    client.force_login(auditor)
    response = client.get(url("questionnaire_compare", first.questionnaire_id), asked)
    assert f"{notice}</p>" in response.content.decode()
    assert (response.context["old"].number, response.context["new"].number) == (2, 3)


def test_a_comparison_of_versions_found_has_no_notice(client, auditor):
    first = approve(VersionFactory(number=1))
    VersionFactory(questionnaire=first.questionnaire, number=2)
    client.force_login(auditor)
    response = client.get(url("questionnaire_compare", first.questionnaire_id), {"a": 1, "b": 2})
    assert "alert-warning" not in response.content.decode()


def test_the_version_history_shows_each_changed_text_on_its_own_line(client, manager):
    draft = services.questionnaire_create(by=manager, name="Pulse", kind="other").versions.get()
    services.version_texts_update(
        version=draft, by=manager, texts={"en": {"title": "Pulse survey"}, "hi": {"title": "नब्ज़"}}
    )
    client.force_login(manager)
    page = client.get(url("version_detail", draft.pk)).content.decode()
    assert "{&#x27;en&#x27;" not in page
    assert '<span class="fw-semibold">Texts en title</span>: <del>Pulse</del>' in page
    assert '<span class="fw-semibold">Texts hi title</span>: <del>—</del>' in page
    assert '<th scope="col" class="history-what">What</th>' in page


def test_the_versions_table_is_a_landmark_named_apart_from_its_section(client, auditor):
    version = nps_version()
    client.force_login(auditor)
    page = client.get(url("questionnaire_detail", version.questionnaire_id)).content.decode()
    # Two landmarks named by one heading cannot be told apart (axe's landmark-unique).
    assert page.count('aria-labelledby="versions-heading"') == 1
    assert 'role="region" aria-label="Table of the versions"' in page
