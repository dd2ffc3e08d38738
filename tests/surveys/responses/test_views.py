"""Staff pages of responses: one response read-only, the list, the timeline and the
header search."""

import pytest
from django.urls import reverse

from core.registries import search_for, timeline_for
from core.roles import Role
from surveys.responses.models import Answer
from tests.factories import ContactFactory
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import invite, nps_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, quality_manager):
    client.force_login(quality_manager)
    return client


# One response --------------------------------------------------------------------------


def test_a_detractors_response_shows_each_answer_in_order(signed_in):
    invitation, _ = invite(language="hi")
    response = respond(
        invitation, score=3, text="Deliveries are late", choices=["price", "portal", "email"]
    )

    html = signed_in.get(response.get_absolute_url()).content.decode()

    assert "3 on a scale of 0 to 10" in html
    assert "What should we improve?" in html
    assert html.count("Deliveries are late") == 2  # the condition's question and the last
    # The chosen choices in English, whatever language the contact answered in.
    assert "Price" in html
    assert "Portal" in html
    assert "Email</li>" in html
    assert "Phone" not in html
    assert invitation.get_absolute_url() in html
    assert "Hindi" in html or "हिन्दी" in html
    assert "Not shown" not in html


def test_a_question_whose_condition_was_not_met_is_marked_not_shown(signed_in):
    invitation, _ = invite()
    response = respond(invitation, score=10)

    html = signed_in.get(response.get_absolute_url()).content.decode()

    assert "10 on a scale of 0 to 10" in html
    assert "Not shown: its condition on an earlier score was not met." in html
    assert "Not answered." in html  # the optional questions left empty


def test_a_partial_response_says_it_was_not_submitted(signed_in):
    invitation, _ = invite()
    response = respond(invitation, score=8, complete=False)

    html = signed_in.get(response.get_absolute_url()).content.decode()

    assert "Partial: not submitted (reached page 1)" in html
    assert "Not answered yet." in html


def test_the_response_page_is_read_only(signed_in):
    invitation, _ = invite()
    response = respond(invitation)

    html = signed_in.get(response.get_absolute_url()).content.decode()
    posted = signed_in.post(response.get_absolute_url(), {"score": 0})

    assert "<form" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert Answer.objects.get(response=response, question__position=1).score == 9
    assert posted.status_code in (200, 405)


def test_a_response_that_does_not_exist_is_404(signed_in):
    assert signed_in.get(reverse("surveys:response_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_responses(client, role_user, role):
    response = respond(invite()[0])
    client.force_login(role_user(role))

    assert client.get(response.get_absolute_url()).status_code == 200
    assert client.get(reverse("surveys:response_list")).status_code == 200


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = respond(invite()[0])

    answer = client.get(response.get_absolute_url())

    assert answer.status_code == 302
    assert "/login/" in answer["Location"]


# The list ------------------------------------------------------------------------------


def listed(client, **params):
    response = client.get(reverse("surveys:response_list"), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["page"]}


def test_the_list_filters_by_completion_questionnaire_version_customer_and_contact(signed_in):
    first, second = nps_version(), nps_version()
    done = respond(invite(version=first)[0])
    partial = respond(invite(version=second)[0], complete=False)

    assert listed(signed_in, completion="complete") == {done.pk}
    assert listed(signed_in, completion="partial") == {partial.pk}
    assert listed(signed_in, questionnaire=first.questionnaire_id) == {done.pk}
    assert listed(signed_in, version=second.pk) == {partial.pk}
    assert listed(signed_in, customer=done.customer_id) == {done.pk}
    assert listed(signed_in, contact=partial.contact_id) == {partial.pk}


def test_the_list_search_finds_contact_customer_and_free_text(signed_in):
    by_name = respond(invite(name="Zorabella Quixworth")[0])
    by_text = respond(invite()[0], score=2, text="The invoices never match the order")
    both = respond(invite()[0], score=2, text="quixworth mentioned twice, quixworth")

    assert listed(signed_in, q="quixworth") == {by_name.pk, both.pk}
    assert listed(signed_in, q="invoices never") == {by_text.pk}
    assert listed(signed_in, q=by_text.customer.name) == {by_text.pk}
    assert listed(signed_in, q=by_text.contact.email) == {by_text.pk}


def test_a_range_that_ends_before_it_starts_lists_nothing_and_says_why(signed_in):
    respond(invite()[0])

    response = signed_in.get(
        reverse("surveys:response_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )

    assert list(response.context["page"]) == []
    assert "ends (2026-05-01) before it starts" in response.content.decode()


# Timeline and search -------------------------------------------------------------------


def test_the_customers_timeline_shows_the_invitation_sent_and_the_response(quality_manager):
    contact = ContactFactory()
    invitation, _ = invite(contact=contact)
    response = respond(invitation)

    entries = timeline_for(contact.customer, quality_manager)

    urls = [entry.url for entry in entries]
    assert invitation.get_absolute_url() in urls
    assert response.get_absolute_url() in urls
    titles = " ".join(entry.title for entry in entries)
    assert "Survey sent" in titles
    assert "Survey answered" in titles


def test_a_partial_response_shows_on_the_timeline_as_started(quality_manager):
    contact = ContactFactory()
    respond(invite(contact=contact)[0], complete=False)

    titles = [entry.title for entry in timeline_for(contact.customer, quality_manager)]

    assert any(title.startswith("Survey started, not submitted") for title in titles)


def test_the_customer_page_shows_the_survey_entries(signed_in):
    contact = ContactFactory()
    invitation, _ = invite(contact=contact)
    response = respond(invitation)

    html = signed_in.get(contact.customer.get_absolute_url(), {"tab": "timeline"}).content.decode()

    assert response.get_absolute_url() in html
    assert invitation.get_absolute_url() in html


def test_the_header_search_finds_responses_by_what_was_written(quality_manager):
    response = respond(invite()[0], score=1, text="The courier lost the parcel twice")
    respond(invite()[0], score=1, text="All good")

    groups = {group.key: group for group in search_for(quality_manager, "courier lost")}

    found = groups["surveys.responses"]
    assert found.total == 1
    assert found.hits[0].url == response.get_absolute_url()
    assert response.contact.name in found.hits[0].summary


def test_the_header_search_page_lists_responses(signed_in):
    response = respond(invite(name="Philomena Vantongeren")[0])

    html = signed_in.get(reverse("search"), {"q": "Vantongeren"}).content.decode()

    assert response.get_absolute_url() in html
    assert "Survey responses" in html
