import pytest
from django.test import Client
from django.urls import path

from core.roles import Role
from tests import urls as project_urls
from tests.core.test_csp import assert_policy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*project_urls.urlpatterns, path("broken/", broken)]


@pytest.mark.urls("tests.core.test_error_pages")
def test_a_server_error_shows_the_apology_page_with_the_policy():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=Role.AUDITOR))

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert_policy(response)


def test_a_missing_page_and_a_forbidden_page_use_the_product_layout(client):
    client.force_login(UserFactory())

    missing = client.get("/no-such-page/")
    forbidden = client.get("/testapp/widgets/")

    assert missing.status_code == 404
    assert "This page does not exist" in missing.content.decode()
    assert forbidden.status_code == 403
    assert "You may not open this page" in forbidden.content.decode()


def test_a_form_sent_without_its_token_explains_what_happened():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})

    assert response.status_code == 403
    assert "The form could not be accepted" in response.content.decode()
    assert "<style" not in response.content.decode()
