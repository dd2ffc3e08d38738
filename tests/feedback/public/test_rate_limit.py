import pytest

from core.models import OutboundEmail
from feedback.models import FeedbackItem
from tests.feedback.public.conftest import FORM_URL, complaint, png, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limit_of_two(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public.feedback": (2, 60 * 60)}


def post_from(client, address, data=None, url=FORM_URL, **headers):
    return client.post(url, data or complaint(), REMOTE_ADDR=address, **headers)


def test_the_post_past_the_limit_is_refused_with_429_and_stores_nothing(client, media_root):
    post_from(client, "203.0.113.5")
    post_from(client, "203.0.113.5")

    refused = post_from(client, "203.0.113.5", complaint(attachments=[png()]))

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "Too many messages from your connection" in page
    assert "You can send more in" in page
    assert FeedbackItem.objects.count() == 2
    assert OutboundEmail.objects.count() == 2
    assert not stored_files(media_root)  # only the refused post had a file


def test_another_address_is_not_held_back(client):
    post_from(client, "203.0.113.5")
    post_from(client, "203.0.113.5")

    assert post_from(client, "198.51.100.7").status_code == 302


def test_gets_are_not_counted(client):
    for _ in range(5):
        client.get(FORM_URL, REMOTE_ADDR="203.0.113.5")

    assert post_from(client, "203.0.113.5").status_code == 302
    assert post_from(client, "203.0.113.5").status_code == 302


def test_refused_posts_with_errors_count_too(client):
    post_from(client, "203.0.113.5", complaint(description=""))
    post_from(client, "203.0.113.5", complaint(description=""))

    assert post_from(client, "203.0.113.5").status_code == 429


def test_the_refusal_speaks_the_visitors_language(client):
    post_from(client, "203.0.113.5")
    post_from(client, "203.0.113.5")

    refused = post_from(client, "203.0.113.5", url=f"{FORM_URL}?lang=hi")

    assert '<html lang="hi">' in refused.content.decode()
    assert "आपके कनेक्शन से बहुत अधिक संदेश" in refused.content.decode()


def test_the_identified_form_refusal_speaks_the_contacts_language(client, form_link):
    _link, token = form_link(language="hi")
    url = f"/p/feedback/to/{token}/"
    post_from(client, "203.0.113.5", url=url)
    post_from(client, "203.0.113.5", url=url)

    refused = post_from(client, "203.0.113.5", url=url)

    assert refused.status_code == 429
    assert '<html lang="hi">' in refused.content.decode()


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    one = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    post_from(client, proxy, **one)
    post_from(client, proxy, **one)

    assert post_from(client, proxy, **one).status_code == 429
    assert post_from(client, proxy, **other).status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_dodge_the_limit(client):
    post_from(client, "203.0.113.5", HTTP_X_FORWARDED_FOR="1.1.1.1")
    post_from(client, "203.0.113.5", HTTP_X_FORWARDED_FOR="2.2.2.2")

    assert post_from(client, "203.0.113.5", HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 429


def test_a_filled_honeypot_counts_against_the_limit(client):
    post_from(client, "203.0.113.5", complaint(website="spam"))
    post_from(client, "203.0.113.5", complaint(website="spam"))

    assert post_from(client, "203.0.113.5").status_code == 429
    assert not FeedbackItem.objects.exists()
