from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundEmail
from core.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def test_login_with_email_in_any_case_opens_the_home_page(client):
    UserFactory(email="ann@example.com", role=Role.STAFF)

    response = log_in(client, "Ann@Example.COM", TEST_PASSWORD, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"].email == "ann@example.com"
    assert AccessLog.objects.filter(username="ann@example.com").exists()


def test_wrong_password_shows_a_clear_message_and_logs_nobody_in(client):
    UserFactory(email="ann@example.com")

    response = log_in(client, "ann@example.com", "wrong-password")

    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client):
    client.force_login(UserFactory())

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_locks_after_repeated_failures_and_unlocks_after_the_cool_off(client, settings):
    UserFactory(email="ann@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            log_in(client, "ann@example.com", "wrong-password")

        locked = log_in(client, "ann@example.com", TEST_PASSWORD)
        assert locked.status_code == 429
        assert "Logging in is paused" in locked.content.decode()
        assert "_auth_user_id" not in client.session

        traveller.shift(timedelta(minutes=14))
        assert log_in(client, "ann@example.com", TEST_PASSWORD).status_code == 429

        traveller.shift(timedelta(minutes=2))
        unlocked = log_in(client, "ann@example.com", TEST_PASSWORD)
        assert unlocked.status_code == 302
        assert "_auth_user_id" in client.session


def test_the_lock_is_per_username_and_address_together(client, settings):
    UserFactory(email="ann@example.com")
    UserFactory(email="bob@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "ann@example.com", "wrong-password", REMOTE_ADDR="198.51.100.7")

    assert (
        log_in(client, "ann@example.com", TEST_PASSWORD, REMOTE_ADDR="198.51.100.7").status_code
        == 429
    )
    # The same person from another address, and another person from the same one.
    assert (
        log_in(client, "ann@example.com", TEST_PASSWORD, REMOTE_ADDR="198.51.100.8").status_code
        == 302
    )
    client.logout()
    assert (
        log_in(client, "bob@example.com", TEST_PASSWORD, REMOTE_ADDR="198.51.100.7").status_code
        == 302
    )


def test_a_successful_login_resets_the_failure_count(client, settings):
    UserFactory(email="ann@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "ann@example.com", "wrong-password")

    assert log_in(client, "ann@example.com", TEST_PASSWORD).status_code == 302

    assert not AccessAttempt.objects.filter(username="ann@example.com").exists()


def test_failures_count_behind_trusted_proxies_by_the_forwarded_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="ann@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(
            client,
            "ann@example.com",
            "wrong-password",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9",
        )

    attempt = AccessAttempt.objects.get(username="ann@example.com")
    assert attempt.ip_address == "203.0.113.9"


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(
    client, settings, send_queued_emails
):
    settings.SITE_URL = "https://qms.example.com"
    user = UserFactory(email="ann@example.com")

    response = client.post(reverse("password_reset"), {"email": "ANN@example.com"})
    send_queued_emails()

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    logged = OutboundEmail.objects.get()
    assert (logged.purpose, logged.related, logged.state) == ("password_reset", user, "sent")
    assert "/accounts/password/reset/" not in logged.body_text + logged.body_html
    assert "[link removed from the log]" in logged.body_text
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"]
    body = message.body
    link = next(word for word in body.split() if word.startswith("https://qms.example.com/"))
    assert message.alternatives[0][1] == "text/html"
    path = link.removeprefix("https://qms.example.com")
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"},
    )
    assert done.status_code == 302
    assert log_in(client, "ann@example.com", "a-brand-new-secret").status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, send_queued_emails
):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    send_queued_emails()

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)

    refused = client.post(
        reverse("password_change"),
        {
            "old_password": "not-it",
            "new_password1": "a-brand-new-secret",
            "new_password2": "a-brand-new-secret",
        },
    )
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-brand-new-secret",
            "new_password2": "a-brand-new-secret",
        },
    )

    assert refused.status_code == 200
    assert "Your old password was entered incorrectly" in refused.content.decode()
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret")
