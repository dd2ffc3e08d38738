"""Test settings: the real settings plus a test app and faster password hashing.

Nothing here reads the environment: qms/settings.py does, and tests run on whatever
it configured (SQLite or PostgreSQL, the filesystem broker or Redis).
"""

from qms.settings import *  # noqa: F403

# A test app fills core's registries and exercises its record helpers, as a feature
# app above core would.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
ROOT_URLCONF = "tests.urls"
# Argon2 is slow on purpose; tests hash their test passwords quickly instead.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files come from the source folders, without a collectstatic manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Threads in tests (the live server's request threads, the Celery worker) must not
# keep connections open past the test database's teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
