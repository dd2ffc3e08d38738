"""Query pins of the response pages and of the header search with responses: the same
count for 3 rows as for 30."""

import pytest

from surveys.design.models import Question
from surveys.responses.models import Answer, Response
from surveys.responses.selectors import responses_matching
from tests.customers.test_indexes import plan
from tests.queries import Pin, assert_pinned
from tests.surveys.campaigns.answers import respond
from tests.surveys.factories import QuestionFactory, invite, nps_version

pytestmark = pytest.mark.django_db


def responses(count, user):
    """Responses submitted and partial, with free text that names a courier."""
    version = nps_version()
    for n in range(count):
        invitation, _ = invite(version=version)
        respond(invitation, score=n % 11, text="The courier was late", complete=n % 3 != 0)


def more_questions(count, response):
    """Questions of every kind on the response's version, each answered."""
    kinds = [Question.Kind.CSAT, Question.Kind.SINGLE, Question.Kind.TEXT, Question.Kind.LIKERT]
    for n in range(count):
        kind = kinds[n % len(kinds)]
        question = QuestionFactory(
            version=response.version,
            position=100 + Question.objects.count(),
            kind=kind,
            required=False,
            choices=[{"code": "a", "labels": {"en": "A"}}] if kind == Question.Kind.SINGLE else [],
        )
        Answer.objects.create(
            response=response,
            question=question,
            score=3 if question.is_score else None,
            choices=["a"] if question.is_choice else [],
            text="Fine" if kind == Question.Kind.TEXT else "",
        )


def a_response(user):
    return respond(invite()[0], score=4, text="Slow")


HTMX = {"HX-Request": "true", "HX-Target": "list-results"}

PINS = [
    # The session, the user, the permissions; the page's rows and their count; the
    # filter form's questionnaires and versions.
    Pin("surveys:response_list", responses, 8),
    Pin("surveys:response_list", responses, 8, {"completion": "partial"}),
    Pin("surveys:response_list", responses, 8, {"q": "courier"}),
    Pin("surveys:response_list", responses, 6, {"q": "courier"}, headers=HTMX),
    # The response with its version, contact, customer and invitation; its questions;
    # its answers.
    Pin("surveys:response_detail", more_questions, 7, record=a_response),
]


@pytest.mark.parametrize("pin", PINS, ids=str)
def test_the_page_makes_as_many_queries_for_30_rows_as_for_3(
    client, quality_manager, django_assert_num_queries, pin
):
    assert_pinned(client, quality_manager, django_assert_num_queries, pin)


@pytest.mark.postgres
def test_the_responses_search_reads_answers_contacts_and_customers_from_indexes():
    found = plan(responses_matching("lotus", Response.objects.all()))

    assert "Bitmap Index Scan on surveys_answer_text_trgm" in found
    assert "customers_customer_name_trgm" in found
    assert "customers_contact_email_trgm" in found
