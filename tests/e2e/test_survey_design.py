"""The survey designer in a browser: a quality manager opens a built-in questionnaire,
makes a new draft, reorders it, previews it in English and Hindi at phone width and
compares it with the version in use; every page passes axe and the HTML checker."""

import pytest

from core.roles import Role
from surveys.design.models import Questionnaire, QuestionnaireVersion
from tests.surveys.factories import invite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quality_manager_drafts_previews_and_compares_a_questionnaire(page, visit, login_as):
    login_as(Role.QUALITY_MANAGER)
    questionnaire = Questionnaire.objects.get(builtin="transactional-csat")

    visit("/surveys/questionnaires/", name="list")
    page.get_by_role("link", name=questionnaire.name).click()
    visit(name="questionnaire")
    page.get_by_role("button", name="Make a new draft to change it").click()
    page.wait_for_url("**/design/")
    visit(name="designer")
    draft = questionnaire.versions.get(status=QuestionnaireVersion.Status.DRAFT)

    # The single choice moves above the effort score, by keyboard.
    page.get_by_role("button", name="Move up question 3").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    visit(name="designer-moved")
    assert page.get_by_text("The question is moved.").is_visible()
    kinds = [q.kind for q in draft.ordered_questions()]
    assert kinds == ["csat", "single", "ces", "text"]

    for language, title in (("en", "Your recent order"), ("hi", "आपका हाल का ऑर्डर")):
        visit(
            f"/surveys/versions/{draft.pk}/preview/?lang={language}&width=phone",
            name=f"preview-{language}",
        )
        frame = page.frame_locator("iframe.survey-preview-phone")
        assert frame.get_by_role("heading", name=title).is_visible()
        assert page.locator("iframe.survey-preview-phone").bounding_box()["width"] == 390
        visit(f"/surveys/versions/{draft.pk}/preview/{language}/", name=f"frame-{language}")
        assert page.evaluate("document.documentElement.lang") == language

    visit(f"/surveys/questionnaires/{questionnaire.pk}/compare/", name="compare")
    assert page.get_by_text("Changed").first.is_visible()
    # Version 2 is approved only with a note of what changed and why.
    visit(f"/surveys/versions/{draft.pk}/approve/", name="approve-refused")
    assert page.get_by_text("Say what changed since the version before and why").is_visible()
    visit(f"/surveys/versions/{draft.pk}/texts/", name="texts")
    page.get_by_label("Introduction (English)").fill("Three quick questions about your order.")
    page.get_by_label("What changed and why").fill("The choice of reason comes first.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the texts").click()
    visit(f"/surveys/versions/{draft.pk}/approve/", name="approve")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve version 2").click()
    # The version's page: its history shows each changed text on a line of its own.
    visit(name="approved")
    draft.refresh_from_db()
    assert draft.status == QuestionnaireVersion.Status.APPROVED
    assert page.get_by_text("Texts en intro").is_visible()

    # Voiding says first how many invitations not answered yet stop working.
    invite(version=draft)
    visit(f"/surveys/questionnaires/{questionnaire.pk}/void/", name="void")
    assert page.get_by_text("1 invitation not answered yet will stop working").is_visible()
