"""The /p/ rules (core/public.py): headers, the language, a limit on any public post."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from core.public import PublicPagesMiddleware, public_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/p/feedback/", "/p/feedback/to/nonsense/", "/p/feedback/status/x/", "/p/nothing/"]
)
def test_every_page_under_p_is_kept_out_of_caches_referrers_and_search_engines(client, path):
    response = client.get(path)

    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_pages_outside_p_keep_the_sites_referrer_policy(client):
    response = client.get("/accounts/login/")

    assert response["Referrer-Policy"] == "same-origin"
    assert "X-Robots-Tag" not in response


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("", "hi,en;q=0.5", "hi"),
        ("", "en-GB,en;q=0.8", "en"),
        ("?lang=hi", "en", "hi"),
        ("?lang=en", "hi", "en"),
        ("?lang=xx", "hi", "hi"),
        ("", "", "en"),
    ],
)
def test_the_language_is_the_chosen_one_then_the_browsers(client, query, header, expected):
    response = client.get(f"/p/feedback/{query}", HTTP_ACCEPT_LANGUAGE=header)

    assert f'<html lang="{expected}">' in response.content.decode()
    assert response["Content-Language"] == expected


def test_the_language_switch_keeps_the_page_and_its_query(client):
    page = client.get("/p/feedback/to/abc/?lang=en").content.decode()

    assert 'href="/p/feedback/to/abc/?lang=hi" lang="hi" hreflang="hi"' in page
    assert '<span class="public-language" lang="en" aria-current="true">' in page


def test_a_public_view_must_name_a_limit_that_exists():
    with pytest.raises(KeyError, match=r"no\.such"):
        public_page(limit="no.such")


def test_a_public_page_needs_no_login():
    view = public_page(limit="public.feedback")(lambda request: HttpResponse())

    assert view.login_required is False
    assert view.public_limit == "public.feedback"


def test_a_public_view_that_names_no_limit_counts_against_the_default(rf, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public.posts": (1, 60)}
    middleware = PublicPagesMiddleware(lambda request: HttpResponse())

    def view(request):
        return HttpResponse()

    first = middleware.process_view(rf.post("/p/other/"), view, (), {})
    second = middleware.process_view(rf.post("/p/other/"), view, (), {})
    elsewhere = middleware.process_view(rf.post("/accounts/other/"), view, (), {})

    assert first is None
    assert second.status_code == 429
    assert elsewhere is None


def test_a_refused_csrf_check_under_p_shows_the_public_page_in_the_visitors_language():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/p/feedback/?lang=hi", {"kind": "complaint"})

    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="hi">' in page
    assert settings.ORGANISATION_NAME in page
    assert 'href="/p/feedback/?lang=hi"' in page
    assert "Customer focus QMS" not in page


def test_a_refused_csrf_check_elsewhere_keeps_the_staff_page():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {})

    assert response.status_code == 403
    assert "The form could not be accepted" in response.content.decode()
