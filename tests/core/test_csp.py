"""The Content Security Policy is sent on every kind of page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPECTED_DIRECTIVES = {
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "script-src 'self'",
    "style-src 'self'",
}


def assert_policy(response):
    policy = response["Content-Security-Policy"]
    directives = {part.strip() for part in policy.split(";")}
    assert directives >= EXPECTED_DIRECTIVES, policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize(
    ("kind", "signed_in", "path"),
    [
        ("public page", False, "/accounts/login/"),
        ("redirect to login", False, "/"),
        ("signed-in page", True, "/"),
        ("form page", True, "/accounts/password/change/"),
        ("JSON", False, "/healthz"),
        ("not found", True, "/no-such-page/"),
        ("admin", False, "/admin/login/"),
        ("method not allowed", True, "/accounts/logout/"),
    ],
)
def test_csp_header_is_on_every_page_type(client, kind, signed_in, path):
    if signed_in:
        client.force_login(UserFactory())

    assert_policy(client.get(path))


def test_csp_header_is_on_a_forbidden_page():
    # A POST without its CSRF token is refused with 403.
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})

    assert response.status_code == 403
    assert_policy(response)


def test_csp_header_is_on_the_lockout_page(client, settings):
    UserFactory(email="ann@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(
            "/accounts/login/", {"username": "ann@example.com", "password": "wrong"}
        )

    assert response.status_code == 429
    assert_policy(response)
