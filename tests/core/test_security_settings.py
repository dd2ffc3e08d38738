import importlib

import pytest
from django.test import RequestFactory

from core.net import client_ip
from tests.core.test_settings import run_django

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "k3y-" + "a1b2c3d4e5f6g7h8i9j0" * 3,
    "SITE_URL": "https://qms.example.com",
    "ALLOWED_HOSTS": "qms.example.com",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_django(
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        cwd=tmp_path,
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_https_site_gets_secure_host_cookies_hsts_and_redirect_with_healthz_exempt(tmp_path):
    result = run_django(
        "print(settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS >= 31536000, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "settings.SECURE_HSTS_PRELOAD, settings.SECURE_SSL_REDIRECT, "
        "settings.SECURE_REDIRECT_EXEMPT, settings.SECURE_PROXY_SSL_HEADER, sep='|')",
        cwd=tmp_path,
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "True",
        "True",
        "True",
        "['^healthz$']",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
    ]


def test_plain_http_site_keeps_ordinary_cookies_and_no_redirect(tmp_path):
    result = run_django(
        "print(settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE, "
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, sep='|')",
        cwd=tmp_path,
    )

    assert result.stdout.strip().split("|") == ["sessionid", "False", "False", "0"]


def test_argon2_hashes_passwords_and_sessions_last_eight_hours():
    # Read the module itself: the test run swaps in a fast hasher.
    production = importlib.import_module("qms.settings")

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.SESSION_COOKIE_AGE == 8 * 60 * 60


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.2"),
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header is ignored
        (1, "192.0.2.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "192.0.2.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
