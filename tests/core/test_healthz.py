import time

import pytest
from django.urls import reverse

from core import health
from core.services import heartbeat_record

pytestmark = pytest.mark.django_db


def get_healthz(client):
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    return response, time.monotonic() - started


def test_healthz_reports_database_and_broker_up(client):
    response, _ = get_healthz(client)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "broker": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_needs_no_login_and_reports_heartbeats(client):
    heartbeat_record(name="worker")

    response, _ = get_healthz(client)

    assert response.status_code == 200
    assert set(response.json()["heartbeats"]) == {"worker"}


def test_healthz_reports_missing_broker_folder_as_503(client, settings, tmp_path):
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("the filesystem broker is not configured")
    settings.BROKER_QUEUE_DIR = tmp_path / "gone"

    response, elapsed = get_healthz(client)

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("folder missing")
    assert elapsed < 2


@pytest.mark.redis
def test_healthz_reports_stopped_redis_broker_as_503_within_two_seconds(client, settings):
    # Nothing listens on port 1: this is a Redis server that has stopped.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response, elapsed = get_healthz(client)

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] != "ok"
    assert response.json()["checks"]["database"] == "ok"
    assert elapsed < 2


def test_healthz_answers_within_two_seconds_when_a_check_hangs(client, monkeypatch):
    def hangs() -> str:
        time.sleep(5)
        return "ok"

    monkeypatch.setitem(health.CHECKS, "broker", hangs)

    response, elapsed = get_healthz(client)

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("no answer within")
    assert elapsed < 2
