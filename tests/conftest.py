"""Project-wide fixtures and the service markers.

Tests marked ``postgres``, ``redis``, ``browser`` or ``pdf`` are skipped where their
service is missing. Under ``CI=true`` a skip of such a test where its service is
configured fails the run, so CI cannot go green by quietly testing less.
"""

import gc
import os
import shutil
import time
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import translation

from core.email import email_batch_send
from core.models import OutboundEmail
from core.roles import Role
from qms.celery import app
from tests.factories import UserFactory

SERVICE_MARKERS = ("postgres", "redis", "browser", "pdf")
CHROMIUM = "/usr/bin/chromium"
AXE_PATH = "node_modules/axe-core/axe.min.js"
VNU_JAR_PATH = "node_modules/vnu-jar/build/dist/vnu.jar"
IN_CI = os.environ.get("CI") == "true"
# Node ids of service-marked tests skipped where the service is configured.
_skipped: list[str] = []


def service_missing(name: str) -> str | None:
    """Return why the named service cannot be used here, or None when it can."""
    if name == "postgres":
        engine = settings.DATABASES["default"]["ENGINE"]
        return None if engine.endswith("postgresql") else "DATABASE_URL is not PostgreSQL"
    if name == "redis":
        return None if settings.BROKER_IS_REDIS else "CELERY_BROKER_URL is not Redis"
    if name == "browser":
        base = Path(settings.BASE_DIR)
        needs = [
            (find_spec("playwright") is not None, "playwright is not installed"),
            ((base / AXE_PATH).exists(), "axe-core is not installed (npm ci)"),
            ((base / VNU_JAR_PATH).exists(), "vnu-jar is not installed (npm ci)"),
            (shutil.which("java") is not None, "java is missing (default-jre-headless)"),
            (Path(CHROMIUM).exists(), f"{CHROMIUM} is missing"),
        ]
        return next((why for present, why in needs if not present), None)
    if name == "pdf":
        return None if shutil.which("pdftoppm") else "pdftoppm (poppler-utils) is missing"
    raise ValueError(name)


def service_configured(name: str) -> bool:
    """Return whether the run promises the named service (CI installs all of them)."""
    if name in ("postgres", "redis"):
        return service_missing(name) is None
    return IN_CI or service_missing(name) is None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for name in SERVICE_MARKERS:
            if item.get_closest_marker(name) and (why := service_missing(name)):
                item.add_marker(pytest.mark.skip(reason=f"needs {name}: {why}"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not (IN_CI and report.skipped):
        return
    for name in SERVICE_MARKERS:
        if name in report.keywords and service_configured(name):
            _skipped.append(f"{report.nodeid} (marked {name})")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped and not hasattr(session.config, "workerinput"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped and not hasattr(terminalreporter.config, "workerinput"):
        terminalreporter.section("skipped where the service is configured (CI fails)")
        for line in _skipped:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def collect_orphaned_connections(django_db_setup: None) -> Iterator[None]:
    """Close connections that threads left behind before the test database is dropped.

    PostgreSQL refuses to drop a database while a session is still open on it.
    """
    yield
    # Playwright's greenlets run with their own context, and Django keeps one
    # connection per context: the ORM calls of browser tests leave connections that
    # are not this context's. Close their raw connections.
    gc.collect()
    current = connections["default"]
    for wrapper in gc.get_objects():
        if (
            # type(), not isinstance(): a lazy object would evaluate itself.
            issubclass(type(wrapper), BaseDatabaseWrapper)
            and wrapper is not current
            and wrapper.connection is not None
        ):
            wrapper.connection.close()


@pytest.fixture(autouse=True)
def site_language() -> Iterator[None]:
    """Start each test in the site's language: a request to a Hindi page leaves Hindi
    active on its thread (each request activates its own), and a test that calls a
    service directly would otherwise read its messages in the language of the test
    before it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Start each test with an empty cache, so no rate limit counts another test's
    requests (each test worker has its own cache: a process, or a Redis database)."""
    cache.clear()


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """Run a real Celery worker (solo pool, in a thread) on the configured broker."""

    def close_connections(**kwargs: Any) -> None:
        # The worker thread's connections must not outlive the test database.
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(
            app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_connections)


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """Poll a condition until it returns something truthy, or fail at the deadline."""

    def poll(condition: Callable[[], Any], *, timeout: float = 20.0, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if result := condition():
                return result
            time.sleep(0.1)
        pytest.fail(f"timed out after {timeout:g} s waiting for {what or condition}")

    return poll


@pytest.fixture
def role_user(db: None) -> Callable[[Role], Any]:
    """Return a function that makes a user holding the given role."""
    return lambda role: UserFactory(role=role)


@pytest.fixture
def quality_manager(role_user: Callable[[Role], Any]) -> Any:
    return role_user(Role.QUALITY_MANAGER)


@pytest.fixture
def send_queued_emails(db: None) -> Callable[[], dict[str, int]]:
    """Send every queued email now, as the worker would (for tests without a worker)."""

    def send() -> dict[str, int]:
        ids = OutboundEmail.objects.filter(state="queued").values_list("pk", flat=True)
        return email_batch_send(email_ids=list(ids))

    return send
