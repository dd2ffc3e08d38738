"""Password reset: the same work whatever the address, and limits per address and client."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import tasks, views
from core.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
TASK = "core.tasks.send_password_reset"


@pytest.fixture
def rung(monkeypatch):
    """The tasks the reset page rings, instead of sending them to the broker."""
    calls = []
    monkeypatch.setattr(views, "ring", lambda name, *args: calls.append((name, *args)) or True)
    return calls


def ask(client, email, address="198.51.100.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def run(rung):
    """Run the rung tasks as the worker would."""
    for name, *args in rung:
        assert name == TASK
        tasks.send_password_reset(*args)


def test_a_known_and_an_unknown_address_do_the_same_work_in_the_request(
    client, rung, django_assert_num_queries
):
    UserFactory(email="ann@example.com")

    with django_assert_num_queries(0):
        known = ask(client, "ann@example.com")
    with django_assert_num_queries(0):
        unknown = ask(client, "nobody@example.com")

    for response in (known, unknown):
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    # No email is built in the request: the worker looks the address up.
    assert not OutboundEmail.objects.exists()
    assert [call[:2] for call in rung] == [
        (TASK, "ann@example.com"),
        (TASK, "nobody@example.com"),
    ]


def test_the_task_sends_an_email_whose_link_sets_a_new_password(
    client, settings, rung, send_queued_emails
):
    settings.SITE_URL = "https://qms.example.com"
    user = UserFactory(email="ann@example.com")

    response = ask(client, "ANN@example.com")
    run(rung)
    send_queued_emails()

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    logged = OutboundEmail.objects.get()
    assert (logged.purpose, logged.related, logged.state) == ("password_reset", user, "sent")
    assert "/accounts/password/reset/" not in logged.body_text + logged.body_html
    assert "[link removed from the log]" in logged.body_text
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"]
    link = next(word for word in message.body.split() if word.startswith("https://qms."))
    assert message.alternatives[0][1] == "text/html"
    form_page = client.get(link.removeprefix("https://qms.example.com"), follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"},
    )
    assert done.status_code == 302
    login = client.post(
        reverse("login"), {"username": "ann@example.com", "password": "a-brand-new-secret"}
    )
    assert login.status_code == 302


def test_the_task_sends_nothing_for_an_unknown_or_inactive_address(
    client, rung, send_queued_emails
):
    UserFactory(email="gone@example.com", is_active=False)

    ask(client, "nobody@example.com")
    ask(client, "gone@example.com")
    run(rung)
    send_queued_emails()

    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_the_email_is_written_in_the_language_of_the_request(client, rung):
    UserFactory(email="ann@example.com")

    client.post(RESET, {"email": "ann@example.com"}, HTTP_ACCEPT_LANGUAGE="hi")
    run(rung)

    assert OutboundEmail.objects.get().language == "hi"


def test_a_bad_address_is_refused_on_the_form_and_rings_nothing(client, rung):
    response = ask(client, "not an address")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert rung == []


def test_requests_for_one_address_queue_at_most_the_limit_and_answer_as_usual(
    client, settings, rung
):
    per_address, _ = settings.RATE_LIMITS["password_reset.address"]
    UserFactory(email="ann@example.com")

    # 31 requests in a burst, each from its own client address as a botnet would.
    answers = [ask(client, "Ann@Example.com", f"198.51.100.{n}") for n in range(31)]
    run(rung)

    # Past the limit the page says what it says on success: the address is not revealed.
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert len(rung) == per_address
    assert OutboundEmail.objects.count() == per_address


def test_the_limit_per_address_ends_with_its_window(client, settings, rung):
    per_address, seconds = settings.RATE_LIMITS["password_reset.address"]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for n in range(per_address + 1):
            ask(client, "ann@example.com", f"198.51.100.{n}")
        assert len(rung) == per_address

        traveller.shift(timedelta(seconds=seconds))
        ask(client, "ann@example.com", "198.51.100.99")

    assert len(rung) == per_address + 1


def test_one_client_is_refused_past_its_limit_with_the_time_to_wait(client, settings, rung):
    per_client, seconds = settings.RATE_LIMITS["password_reset.client"]
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        allowed = [ask(client, f"person{n}@example.com") for n in range(per_client)]
        refused = ask(client, "one-more@example.com")
        other_client = ask(client, "one-more@example.com", "203.0.113.5")

    assert {r.status_code for r in allowed} == {302}
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Too many reset requests from your address" in text
    assert f"try again in {(seconds - 20 * 60) // 60} minutes" in text
    assert other_client.status_code == 302
    assert len(rung) == per_client + 1


def test_the_client_limit_reads_the_address_behind_trusted_proxies_only(client, settings, rung):
    per_client, _ = settings.RATE_LIMITS["password_reset.client"]
    settings.TRUSTED_PROXY_COUNT = 1

    # A client that writes its own X-Forwarded-For entries still counts as itself.
    answers = [
        client.post(
            RESET,
            {"email": f"person{n}@example.com"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
        )
        for n in range(per_client + 1)
    ]

    assert answers[-1].status_code == 429
    assert len(rung) == per_client


def test_the_page_rings_a_task_the_worker_knows(client):
    # Through the real broker (a folder in tests): an unknown task name would raise.
    response = ask(client, "ann@example.com")

    assert response.status_code == 302
