"""Settings are read from the environment once: start Django in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "TIME_ZONE",
    "SENTRY_DSN",
    "BROKER_DIR",
    "VAR_DIR",
    "MEDIA_ROOT",
    "PYTEST_XDIST_WORKER",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_django(code: str, *, cwd: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    environment.update(variables, PYTHONPATH=str(BASE_DIR))
    script = f"import django; django.setup(); from django.conf import settings; {code}"
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", script],
        cwd=cwd,
        env=environment | {"DJANGO_SETTINGS_MODULE": "qms.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_embedded_default_needs_no_variable_and_ignores_the_working_directory(tmp_path):
    result = run_django(
        "db = settings.DATABASES['default']; "
        "print(db['ENGINE'], db['NAME'], settings.CELERY_BROKER_URL, settings.DEBUG, "
        "settings.CACHES['default']['BACKEND'], settings.EMAIL_BACKEND, sep='|')",
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    engine, name, broker, debug, cache, email = result.stdout.strip().split("|")
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == BASE_DIR / "var" / "db.sqlite3"
    assert broker == "filesystem://"
    assert debug == "True"
    assert cache.endswith("LocMemCache")
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert not (tmp_path / "var").exists()


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run_django("print('started')", cwd=tmp_path, DEBUG="False")

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
    assert "started" not in result.stdout


def test_production_reads_database_broker_and_cache_from_the_environment(tmp_path):
    result = run_django(
        "db = settings.DATABASES['default']; "
        "print(db['ENGINE'], db['NAME'], db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'], "
        "settings.CACHES['default']['LOCATION'], "
        "settings.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'] > "
        "settings.CELERY_TASK_TIME_LIMIT, settings.ALLOWED_HOSTS, sep='|')",
        cwd=tmp_path,
        DEBUG="False",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://qms@db.example.internal:5432/qms",
        CELERY_BROKER_URL="redis://redis.example.internal:6379/0",
        CACHE_URL="redis://redis.example.internal:6379",
        SITE_URL="https://qms.example.com",
    )

    assert result.returncode == 0, result.stderr
    engine, name, max_age, health_checks, cache, visibility, hosts = result.stdout.strip().split(
        "|"
    )
    assert (engine, name) == ("django.db.backends.postgresql", "qms")
    assert int(max_age) > 0
    assert health_checks == "True"
    assert cache == "redis://redis.example.internal:6379/1"
    assert visibility == "True"
    assert hosts == "['qms.example.com']"


def test_cache_sharing_the_brokers_redis_database_is_refused(tmp_path):
    result = run_django(
        "print('started')",
        cwd=tmp_path,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )

    assert result.returncode != 0
    assert "use the same Redis database" in result.stderr


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("this run is on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] == 20


def test_every_beat_entry_names_a_registered_task(settings):
    from qms.celery import app  # noqa: PLC0415 - the app loads every app's tasks

    app.loader.import_default_modules()

    missing = [
        name
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    ]
    assert not missing
