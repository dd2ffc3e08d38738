from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse
from django.utils import timezone

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


def change_password(client, old, new="a-brand-new-secret", path=None, **extra):
    return client.post(
        path or reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
        **extra,
    )


def test_wrong_old_passwords_count_as_failed_logins_and_pause_the_change(client, settings):
    user = UserFactory(email="ann@example.com")
    client.force_login(user)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            wrong = change_password(client, "not-it")
            assert "Your old password was entered incorrectly" in wrong.content.decode()

        last = change_password(client, "not-it")
        right = change_password(client, TEST_PASSWORD)

        for response in (last, right):
            assert response.status_code == 429
            assert "Too many wrong passwords" in response.content.decode()
            assert "Try again in 15 minutes." in response.content.decode()
        user.refresh_from_db()
        assert user.check_password(TEST_PASSWORD)
        attempt = AccessAttempt.objects.get(username="ann@example.com")
        assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT
        # The record of the failures holds none of the passwords typed.
        assert "not-it" not in attempt.post_data
        assert "a-brand-new-secret" not in attempt.post_data
        # They are failed logins: logging in from this address is paused too.
        client.logout()
        assert log_in(client, "ann@example.com", TEST_PASSWORD).status_code == 429

        traveller.shift(timedelta(minutes=16))
        client.force_login(user)
        changed = change_password(client, TEST_PASSWORD)

    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret")


def test_failed_logins_count_against_a_later_password_change(client, settings):
    user = UserFactory(email="ann@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "ann@example.com", "wrong-password")
    client.force_login(user)

    refused = change_password(client, TEST_PASSWORD)

    assert refused.status_code == 429
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def fail_on_many_accounts(client, count, address):
    return [
        log_in(client, f"person{n}@example.com", "wrong-password", REMOTE_ADDR=address)
        for n in range(count)
    ]


def test_one_client_failing_on_many_accounts_is_refused_past_its_own_limit(client, settings):
    per_client, seconds = settings.RATE_LIMITS["login.client_failures"]
    assert per_client > settings.AXES_FAILURE_LIMIT
    UserFactory(email="ann@example.com")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start + timedelta(minutes=45), tick=False) as traveller:
        # One wrong password on each of many accounts: no account reaches its own lock.
        failures = fail_on_many_accounts(client, per_client, "198.51.100.7")
        assert {r.status_code for r in failures} == {200}

        refused = log_in(client, "ann@example.com", TEST_PASSWORD, REMOTE_ADDR="198.51.100.7")
        other_client = log_in(client, "ann@example.com", TEST_PASSWORD, REMOTE_ADDR="198.51.100.8")
        client.logout()

        assert refused.status_code == 429
        text = refused.content.decode()
        assert "Too many failed logins from your address" in text
        assert f"Try again in {(seconds - 45 * 60) // 60} minutes." in text
        assert other_client.status_code == 302

        # Never for good: the pause ends with its window.
        traveller.shift(timedelta(seconds=seconds - 45 * 60))
        after = log_in(client, "ann@example.com", TEST_PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert after.status_code == 302


def test_successful_logins_do_not_count_against_the_client(client, settings):
    per_client, _ = settings.RATE_LIMITS["login.client_failures"]
    UserFactory(email="ann@example.com")

    for _ in range(per_client + 1):
        assert log_in(client, "ann@example.com", TEST_PASSWORD).status_code == 302
        client.logout()


def test_the_admin_login_shares_the_client_limit(client, settings):
    per_client, _ = settings.RATE_LIMITS["login.client_failures"]
    UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    for n in range(per_client):
        client.post(
            "/admin/login/",
            {"username": f"person{n}@example.com", "password": "wrong-password"},
            REMOTE_ADDR="198.51.100.7",
        )

    admin = client.post(
        "/admin/login/",
        {"username": "root@example.com", "password": TEST_PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    product = log_in(client, "root@example.com", TEST_PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert "_auth_user_id" not in client.session
    assert "Too many failed logins from your address" in admin.content.decode()
    assert product.status_code == 429


def test_the_admin_password_change_sends_people_to_the_counted_page(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)

    page = client.get("/admin/password_change/")
    posted = change_password(client, TEST_PASSWORD, path="/admin/password_change/")

    for response in (page, posted):
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
